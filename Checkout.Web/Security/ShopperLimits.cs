using Microsoft.Extensions.Options;

namespace Checkout.Web.Security;

public enum ShopperAction
{
    /// <summary>Starting a checkout or trying a promo code (counted under <see cref="RateLimitOptions.Checkout"/>).</summary>
    Checkout,
    /// <summary>Paying (counted under <see cref="RateLimitOptions.Payment"/>).</summary>
    Payment,
    /// <summary>Asking for a find-my-order e-mail (counted under <see cref="RateLimitOptions.Lookup"/>).</summary>
    Lookup,
}

/// <summary>
/// The same per-client limits as the API's, for the storefront's own actions: those run inside the shopper's live
/// connection, where the HTTP rate limiter never sees them. A client is the address of the page request that
/// opened the connection (<see cref="RateLimits.ClientOf"/>); the counts are kept apart from the API's.
/// </summary>
public sealed partial class ShopperLimits(IOptions<RateLimitOptions> options, TimeProvider clock, ILogger<ShopperLimits> logger)
{
    private readonly ClientWindows _checkout = new(options.Value.Checkout, clock);
    private readonly ClientWindows _payment = new(options.Value.Payment, clock);
    private readonly ClientWindows _lookup = new(options.Value.Lookup, clock);

    /// <summary>True when <paramref name="client"/> may take the action now; a refusal is logged.</summary>
    public bool TryAcquire(ShopperAction action, string client)
    {
        var windows = action switch
        {
            ShopperAction.Payment => _payment,
            ShopperAction.Lookup => _lookup,
            _ => _checkout,
        };
        var permit = windows.TryAcquire(client);
        if (!permit.IsAcquired)
        {
            LogRefused(action, client);
        }
        return permit.IsAcquired;
    }

    [LoggerMessage(LogLevel.Warning, "Refused a storefront {Action} from {Client}: over its rate limit")]
    private partial void LogRefused(ShopperAction action, string client);
}

/// <summary>The shopper of one connection as <see cref="ShopperLimits"/> counts them.</summary>
public sealed class ShopperClient(ShopperLimits limits)
{
    public const string Refused = "Too many attempts from your connection. Wait a minute, then try again.";

    // Without a page request (a test renders the component alone) the connection counts as a client of its own.
    private readonly string _connection = $"connection:{Guid.NewGuid():N}";

    /// <summary>Set once per connection from the page request that opened it.</summary>
    public string? Address { get; set; }

    public bool TryAcquire(ShopperAction action) => limits.TryAcquire(action, Address ?? _connection);
}
