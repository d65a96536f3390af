using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Checkout.Web.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Security;

/// <summary>
/// The <c>RateLimits</c> configuration section: how many requests one client may make to each guarded action per
/// window. A client is its remote IP address (an IPv6 client is its /64 network, which one subscriber usually owns
/// whole). Behind a reverse proxy or load balancer every request comes from the proxy's address, so all shoppers would
/// share one allowance: configure forwarded headers there (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c> when only the
/// proxy can reach the app, or <c>ForwardedHeadersOptions.KnownProxies</c>) so that the client's own address is used.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Starting a checkout, which is also where the API checks a promo code: a shopper needs a handful.</summary>
    public WindowLimit Checkout { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Completing a checkout (paying), retries after a decline or a gateway timeout included.</summary>
    public WindowLimit Payment { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary>Admin sign-in attempts, across all accounts (each account also locks after 5 failures).</summary>
    public WindowLimit SignIn { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(5) };

    /// <summary>Asking for a find-my-order e-mail (an email and an order number): a shopper needs one or two.</summary>
    public WindowLimit Lookup { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(15) };

    /// <summary>
    /// Find-my-order e-mails to one address, whoever asks: counted per email address, not per client, so that nobody
    /// floods an inbox from many addresses. A request beyond it is answered as any other and sends nothing.
    /// </summary>
    public WindowLimit LookupEmails { get; set; } = new() { PermitLimit = 3, Window = TimeSpan.FromHours(1) };

    internal bool IsValid => new[] { Checkout, Payment, SignIn, Lookup, LookupEmails }.All(l => l.PermitLimit >= 1 && l.Window > TimeSpan.Zero);
}

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/>; the window restarts when it ends.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>
/// Per-client limits on the API's actions worth guessing or hammering: an endpoint names its limit with
/// <see cref="RequireClientLimit{TBuilder}"/>, and a request beyond it is refused before the endpoint runs.
/// </summary>
public static partial class RateLimits
{
    public const string CheckoutPolicy = "checkout";
    public const string PaymentPolicy = "payment";
    public const string SignInPolicy = "sign-in";
    public const string LookupPolicy = "lookup";
    public const string ProblemCode = "rate-limited";

    public static IServiceCollection AddCheckoutRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>()
            .Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.IsValid, $"Every {RateLimitOptions.Section} entry needs a PermitLimit of at least 1 and a positive Window.")
            .ValidateOnStart();
        services.AddSingleton<PolicyLimits>();
        return services;
    }

    /// <summary>Counts each request to the endpoint against its client's allowance under <paramref name="policy"/>.</summary>
    public static TBuilder RequireClientLimit<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ClientLimit(policy));

    /// <summary>Refuses a request over its endpoint's <see cref="ClientLimit"/> before the endpoint runs.</summary>
    public static WebApplication UseClientLimits(this WebApplication app)
    {
        var limits = app.Services.GetRequiredService<PolicyLimits>();
        app.Use(async (http, next) =>
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<ClientLimit>() is { } limit
                && limits.TryAcquire(limit.Policy, ClientOf(http)) is { IsAcquired: false } refused)
            {
                await RefuseAsync(http, limit.Policy, refused.RetryAfter);
                return;
            }
            await next(http);
        });
        return app;
    }

    /// <summary>The remote address; for IPv6 its /64 network, since one client can use any address in it.</summary>
    public static string ClientOf(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    /// <summary>429 with a problem document and Retry-After; each refusal is logged, since a stream of them is an attack.</summary>
    private static async Task RefuseAsync(HttpContext http, string policy, TimeSpan retryAfter)
    {
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimits).FullName!);
        LogRefused(logger, policy, ClientOf(http), http.Request.Method, http.Request.Path);

        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Type = Problems.TypeBase + ProblemCode,
            Title = "Too many requests.",
            Status = StatusCodes.Status429TooManyRequests,
            Detail = $"Too many attempts from your address; try again in {seconds} seconds.",
        };
        problem.Extensions["code"] = ProblemCode;
        await TypedResults.Problem(problem).ExecuteAsync(http);
    }

    [LoggerMessage(LogLevel.Warning, "Rate limit {Policy} refused {Method} {Path} from {Client}")]
    private static partial void LogRefused(ILogger logger, string policy, string client, string method, string path);
}

/// <summary>Endpoint metadata: requests to it count against their client's allowance under <see cref="Policy"/>.</summary>
public sealed record ClientLimit(string Policy);

/// <summary>
/// Per-client allowances, one set of windows per policy. The API counts in one (a singleton); the storefront's own
/// actions in another (<see cref="ShopperLimits"/>), so the two are counted apart.
/// </summary>
public sealed class PolicyLimits(IOptions<RateLimitOptions> options, TimeProvider clock)
{
    private readonly Dictionary<string, ClientWindows> _policies = new(StringComparer.Ordinal)
    {
        [RateLimits.CheckoutPolicy] = new(options.Value.Checkout, clock),
        [RateLimits.PaymentPolicy] = new(options.Value.Payment, clock),
        [RateLimits.SignInPolicy] = new(options.Value.SignIn, clock),
        [RateLimits.LookupPolicy] = new(options.Value.Lookup, clock),
    };

    public WindowPermit TryAcquire(string policy, string client) => _policies[policy].TryAcquire(client);
}
