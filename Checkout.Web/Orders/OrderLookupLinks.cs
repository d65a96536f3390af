using System.Buffers.Binary;
using System.Text;
using Checkout.Web.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Checkout.Web.Orders;

/// <summary>What a find-my-order link opens: an email's orders, until <see cref="ExpiresAt"/>.</summary>
public sealed record OrderLookupGrant(string Email, DateTimeOffset ExpiresAt);

/// <summary>
/// The link a find-my-order e-mail carries: the normalized email and the moment the link expires, protected with the
/// shop's key ring under a purpose of their own (<see cref="LinkKeys"/>), so an order's key opens no list and a list's
/// token no order. It lists that email's orders for <see cref="Lifetime"/> from when it was issued, measured on the
/// shop's <see cref="TimeProvider"/>; the expiry travels inside the protected bytes, so it cannot be moved.
/// </summary>
public sealed class OrderLookupLinks(IDataProtectionProvider provider, TimeProvider clock)
{
    public const string Purpose = "Checkout.OrderLookup";

    /// <summary>The query parameter of the storefront's list page.</summary>
    public const string QueryName = "token";

    /// <summary>The request header of the list's API.</summary>
    public const string Header = "X-Lookup-Token";

    /// <summary>How long a link lists the orders.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private const int ExpiryBytes = sizeof(long);

    private readonly LinkKeys _keys = new(provider, Purpose);

    /// <summary>A new token for <paramref name="email"/> (normalized already), valid for <see cref="Lifetime"/> from now, and when it expires.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Issue(string email)
    {
        var expiresAt = clock.GetUtcNow() + Lifetime;
        var secret = new byte[ExpiryBytes + Encoding.UTF8.GetByteCount(email)];
        BinaryPrimitives.WriteInt64BigEndian(secret, expiresAt.UtcTicks);
        Encoding.UTF8.GetBytes(email, secret.AsSpan(ExpiryBytes));
        return (_keys.Issue(secret), expiresAt);
    }

    /// <summary>The list page of a token.</summary>
    public static string ListPath(string token) => $"orders/mine?{QueryName}={Uri.EscapeDataString(token)}";

    /// <summary>
    /// What <paramref name="token"/> opens now; null for a token this shop did not issue under this purpose (missing,
    /// tampered, from another key ring) and for one whose time is up, alike.
    /// </summary>
    public OrderLookupGrant? Open(string? token) => Read(token) is { } grant && clock.GetUtcNow() < grant.ExpiresAt ? grant : null;

    /// <summary>True when <paramref name="token"/> is one this shop issued whose time is up: the shopper may ask for a new link.</summary>
    public bool HasExpired(string? token) => Read(token) is { } grant && clock.GetUtcNow() >= grant.ExpiresAt;

    private OrderLookupGrant? Read(string? token)
    {
        if (_keys.Open(token) is not { Length: > ExpiryBytes } secret)
        {
            return null;
        }
        var ticks = BinaryPrimitives.ReadInt64BigEndian(secret);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }
        return new OrderLookupGrant(Encoding.UTF8.GetString(secret.AsSpan(ExpiryBytes)), new DateTimeOffset(ticks, TimeSpan.Zero));
    }
}
