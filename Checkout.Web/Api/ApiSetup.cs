using System.Text.Json.Serialization;
using Checkout.Data.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Checkout.Web.Api;

public static class ApiSetup
{
    /// <summary>Body cap for every API request: the largest legitimate body is a few hundred bytes.</summary>
    public const long MaxBodyBytes = 16 * 1024;

    public static WebApplicationBuilder AddCheckoutApi(this WebApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c => Problems.Describe(c.ProblemDetails));
        // Unreadable bodies surface as BadHttpRequestException in every environment and become a 4xx problem below.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<StoreUnavailableExceptionHandler>();
        builder.Services.AddOpenApi(ApiDocument.Describe);
        builder.Services.AddAdminAuthentication();
        builder.Services.AddApiAdmission(builder.Configuration);
        // One instance, which keeps the last answer; the health check service would otherwise make one per request.
        builder.Services.AddSingleton<DatabaseHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>
    /// API requests get problem+json for every error, including the framework's own (bad JSON, wrong content type)
    /// and unforeseen exceptions, which are logged and answered without internals; pages keep their HTML error pages.
    /// </summary>
    public static WebApplication UseCheckoutErrorHandling(this WebApplication app)
    {
        app.UseWhen(IsApi, api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(context => !IsApi(context), pages =>
        {
            if (!app.Environment.IsDevelopment())
            {
                pages.UseExceptionHandler("/Error", createScopeForErrors: true);
            }
            pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        });
        return app;
    }

    private static bool IsApi(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/api") || context.Request.Path.StartsWithSegments("/healthz");

    public static WebApplication MapCheckoutApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithMetadata(new RequestSizeLimitMetadata(MaxBodyBytes)).WithIdempotencyKeys().WithCommonProblems();
        api.MapStorefrontApi();
        api.MapAdminApi();
        api.MapAdminDeliveryApi();
        api.MapAdminOutboxApi();
        api.MapAdminProductsApi();
        api.MapAdminProductImageApi();
        api.MapAdminStaffApi();
        api.MapAdminAuditApi();
        api.MapAdminWebhooksApi();
        api.MapFulfillmentApi();
        app.MapOpenApi();
        app.MapHealthChecks("/healthz");
        return app;
    }

    private sealed class RequestSizeLimitMetadata(long maxBytes) : Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => maxBytes;
    }

    /// <summary>Malformed JSON, wrong types, an over-size body: the client's fault, answered with its 4xx status.</summary>
    private sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is not BadHttpRequestException bad)
            {
                return false;
            }
            httpContext.Response.StatusCode = bad.StatusCode;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = { Status = bad.StatusCode, Title = "The request could not be read.", Detail = bad.Message },
            });
        }
    }

    /// <summary>
    /// The database (or Redis) did not answer: the request is the client's to retry, and safe to retry — every use
    /// case runs in one transaction, and placing an order resumes where it stopped without a second charge.
    /// </summary>
    private sealed class StoreUnavailableExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (!IsOutage(exception))
            {
                return false;
            }
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = "1";
            var problem = new ProblemDetails
            {
                Type = Problems.TypeBase + Problems.ServiceUnavailable,
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The shop's database did not answer.",
                Detail = "Nothing was lost: try again in a moment. A retried payment resumes where it stopped and never charges twice.",
            };
            problem.Extensions["code"] = Problems.ServiceUnavailable;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
        }

        private static bool IsOutage(Exception exception) => exception switch
        {
            System.Data.Common.DbException { IsTransient: true } or StackExchange.Redis.RedisConnectionException => true,
            Npgsql.NpgsqlException and not Npgsql.PostgresException => true,
            Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } => true,
            DbUpdateException or InvalidOperationException when exception.InnerException is { } inner => IsOutage(inner),
            _ => false,
        };

        private const int SqliteBusy = 5;
        private const int SqliteLocked = 6;
    }

    /// <summary>
    /// Whether the database answers, asked at most once a <see cref="Interval"/> however often <c>/healthz</c> is polled
    /// (by every load balancer, or a benchmark): requests within it share the last answer, and requests while a check
    /// runs wait for that check. A database that stops answering shows as unhealthy within about a second.
    /// </summary>
    private sealed class DatabaseHealthCheck(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock) : IHealthCheck
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

        private readonly Lock _gate = new();
        private Answer? _last;
        private Task<HealthCheckResult>? _checking;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref _last) is { } last && clock.GetElapsedTime(last.At) < Interval)
            {
                return Task.FromResult(last.Result);
            }
            lock (_gate)
            {
                // On the thread pool, not under the gate; shared, so no one request's cancellation stops it.
                _checking ??= Task.Run(CheckAsync);
                return _checking.WaitAsync(cancellationToken);
            }
        }

        private async Task<HealthCheckResult> CheckAsync()
        {
            HealthCheckResult result;
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                result = await db.Database.CanConnectAsync()
                    ? HealthCheckResult.Healthy()
                    : HealthCheckResult.Unhealthy("The database does not answer.");
            }
            catch (Exception e)
            {
                result = HealthCheckResult.Unhealthy("The database does not answer.", e);
            }
            lock (_gate)
            {
                Volatile.Write(ref _last, new Answer(result, clock.GetTimestamp()));
                _checking = null;
            }
            return result;
        }

        /// <param name="At">When the check answered, as a <see cref="TimeProvider"/> timestamp.</param>
        private sealed record Answer(HealthCheckResult Result, long At);
    }
}
