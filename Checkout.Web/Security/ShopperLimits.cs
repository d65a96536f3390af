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
/// connection, where the API's limits never see them. A client is the address of the page request that
/// opened the connection (<see cref="RateLimits.ClientOf"/>); the counts are kept apart from the API's.
/// </summary>
public sealed partial class ShopperLimits(IOptions<RateLimitOptions> options, TimeProvider clock, ILogger<ShopperLimits> logger)
{
    private readonly PolicyLimits _limits = new(options, clock);

    /// <summary>True when <paramref name="client"/> may take the action now; a refusal is logged.</summary>
    public bool TryAcquire(ShopperAction action, string client)
    {
        var policy = action switch
        {
            ShopperAction.Payment => RateLimits.PaymentPolicy,
            ShopperAction.Lookup => RateLimits.LookupPolicy,
            _ => RateLimits.CheckoutPolicy,
        };
        var permit = _limits.TryAcquire(policy, client);
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
