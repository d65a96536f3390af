using Checkout.Data.Common;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Api;

/// <summary>The <c>Admission</c> configuration section: how many API requests the instance serves at once.</summary>
public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>
    /// API requests served at once. Far more than the database can serve in parallel (on SQLite one writer commits for
    /// all), few enough that a crowd never holds more connections and file handles than the process has.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 256;

    /// <summary>How long a request beyond that waits for its turn before it is told to come back (503, Retry-After).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(5);

    internal bool IsValid => MaxConcurrentRequests >= 1 && MaxWait >= TimeSpan.Zero;
}

/// <summary>
/// Admission to the API: at most <see cref="AdmissionOptions.MaxConcurrentRequests"/> requests run at once; the others
/// wait their turn, first come first served, and one that has waited <see cref="AdmissionOptions.MaxWait"/> is answered
/// 503 with <c>Retry-After</c> before anything of it ran. A shop that falls behind on Black Friday thus answers some
/// shoppers "try again in a moment" instead of opening a connection per waiting request until the process runs out of
/// file handles and every request fails. The health check is not held back.
/// </summary>
public static partial class ApiAdmission
{
    public static IServiceCollection AddApiAdmission(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdmissionOptions>()
            .Bind(configuration.GetSection(AdmissionOptions.Section))
            .Validate(o => o.IsValid, $"{AdmissionOptions.Section}:MaxConcurrentRequests must be at least 1 and MaxWait not negative.")
            .ValidateOnStart();
        services.AddSingleton<Gate>();
        return services;
    }

    public static IApplicationBuilder UseApiAdmission(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseMiddleware<Middleware>());

    /// <summary>The instance's turns.</summary>
    internal sealed class Gate(IOptions<AdmissionOptions> options, TimeProvider clock)
    {
        private readonly SemaphoreSlim _turns = new(options.Value.MaxConcurrentRequests, options.Value.MaxConcurrentRequests);

        /// <summary>Waits for a turn; false when none came within the wait allowed.</summary>
        public async Task<bool> EnterAsync(CancellationToken ct)
        {
            if (_turns.Wait(0, CancellationToken.None))
            {
                return true;
            }
            if (options.Value.MaxWait == TimeSpan.Zero)
            {
                return false;
            }
            using var timeout = new CancellationTokenSource(options.Value.MaxWait, clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                await _turns.WaitAsync(either.Token);
                return true;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return false;
            }
        }

        public void Leave() => _turns.Release();
    }

    private sealed partial class Middleware(RequestDelegate next, Gate gate, ILogger<Middleware> logger)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            if (!await gate.EnterAsync(context.RequestAborted))
            {
                LogTurnedAway(logger, context.Request.Method, context.Request.Path);
                context.Response.Headers.RetryAfter = "1";
                await Problems.From(new Error(ErrorCodes.Busy, "The shop is serving as many requests as it can; nothing of this one ran. Try again in a moment."))
                    .ExecuteAsync(context);
                return;
            }
            try
            {
                await next(context);
            }
            finally
            {
                gate.Leave();
            }
        }

        [LoggerMessage(LogLevel.Warning, "Too many API requests at once: {Method} {Path} was turned away after waiting its turn")]
        private static partial void LogTurnedAway(ILogger logger, string method, string path);
    }
}
