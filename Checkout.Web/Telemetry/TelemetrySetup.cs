using Checkout.Data.HotStock;
using Checkout.Data.Telemetry;
using Checkout.Web.Api;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Checkout.Web.Telemetry;

/// <summary>
/// What the shop tells its operators, through OpenTelemetry:
/// <list type="bullet">
/// <item><b>Metrics</b> on <see cref="MetricsPath"/> (Prometheus text, for admins and scripts with the key): the shop's
/// own "Checkout" meter and the built-in meters of ASP.NET Core (requests, Kestrel connections, SignalR connections,
/// Blazor circuits and components, rate limiting, authentication), Npgsql and the .NET runtime (GC, heap, thread pool,
/// lock contention, CPU time).</item>
/// <item><b>Traces</b>, when an OTLP endpoint is set (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and the other standard
/// variables) or <see cref="TracingKey"/> is true: a span per request, per checkout use case and step
/// (<see cref="CheckoutTracing"/>), and the database and Redis calls under them through their instrumentation
/// libraries. Logs then carry the trace and span ids and go to the same endpoint.</item>
/// </list>
/// With no endpoint, nothing is traced: a span nobody reads costs every request.
/// </summary>
public static class TelemetrySetup
{
    public const string MetricsPath = "/metrics";

    /// <summary>Traces (and logs with their ids) without an OTLP endpoint: for an exporter registered in code.</summary>
    public const string TracingKey = "Telemetry:Tracing";

    /// <summary>The built-in meters exported beside the shop's own.</summary>
    public static IReadOnlyList<string> BuiltInMeters { get; } =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.Components",
        "Microsoft.AspNetCore.Components.Lifecycle",
        "Microsoft.AspNetCore.Components.Server.Circuits",
        "Npgsql",
        "System.Runtime",
        "System.Net.Http",
    ];

    public static WebApplicationBuilder AddCheckoutTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics => metrics
                .AddMeter([CheckoutMetrics.MeterName, .. BuiltInMeters])
                .AddPrometheusExporter());
        builder.Services.AddSingleton<Operations.LiveOperations>().AddHostedService(services => services.GetRequiredService<Operations.LiveOperations>());
        if (otlp || builder.Configuration.GetValue<bool>(TracingKey))
        {
            telemetry.WithTracing(tracing => tracing
                // Blazor's own spans: a circuit's start, a page change, a click's handler.
                .AddSource([.. CheckoutTracing.Sources, "Microsoft.AspNetCore.Components"])
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments(MetricsPath))
                // EF Core's spans for SQLite; on PostgreSQL Npgsql's own are the database calls (both would be twins).
                .AddEntityFrameworkCoreInstrumentation(o => o.Filter = (provider, _) => provider?.Contains("Npgsql", StringComparison.Ordinal) != true)
                .AddNpgsql()
                .AddRedisInstrumentation()
                .ConfigureRedisInstrumentation((services, redis) =>
                {
                    if (services.GetRequiredService<RedisCounters>().Connection is { } connection)
                    {
                        redis.AddConnection(connection);
                    }
                }));
            builder.Logging.AddOpenTelemetry(logs =>
            {
                logs.IncludeScopes = true;
                logs.IncludeFormattedMessage = true;
            });
        }
        if (otlp)
        {
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The Prometheus scrape: revenue and order counts are business data, so scrapers send the admin key.</summary>
    public static WebApplication MapCheckoutTelemetry(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath)
            .RequireAuthorization(StaffPolicies.Admin)
            .WithMetadata(new SkipStatusCodePagesAttribute());
        return app;
    }
}
