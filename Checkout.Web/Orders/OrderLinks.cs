using System.Security.Cryptography;
using Checkout.Data.Orders;
using Checkout.Web.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Checkout.Web.Orders;

/// <summary>
/// The secret that opens an order to a shopper. Order numbers are shared (emails, support calls, the admin grid) and
/// are no proof of anything; the key is the order id protected with the shop's Data Protection key ring (the one every
/// instance shares), Base64Url-encoded so that it travels in a link. Only the shop can make one, and a key names one
/// order: another order's key, a tampered key or one from another key ring opens nothing.
/// </summary>
public sealed class OrderLinks(IDataProtectionProvider provider, OrderService orders)
{
    public const string Purpose = "Checkout.OrderLink";

    /// <summary>The query parameter of the storefront's order pages.</summary>
    public const string QueryName = "key";

    /// <summary>The request header of the shopper's order API.</summary>
    public const string Header = "X-Order-Key";

    private readonly LinkKeys _keys = new(provider, Purpose);

    /// <summary>
    /// A new key for the order. Each call gives a different key (the protection is randomized); every one of them
    /// opens the order for as long as the key ring keeps the key it was made with.
    /// </summary>
    public string Issue(Guid orderId) => _keys.Issue(orderId.ToByteArray());

    /// <summary>The confirmation page of a just-placed order, with a new key: where the checkout sends the shopper.</summary>
    public string ConfirmationPath(OrderView order) =>
        $"checkout/confirmation/{Uri.EscapeDataString(order.OrderNumber)}?{QueryName}={Issue(order.OrderId)}";

    /// <summary>The shopper's page of an order, opened by <paramref name="key"/>.</summary>
    public static string OrderPath(string orderNumber, string key) =>
        $"orders/{Uri.EscapeDataString(orderNumber)}?{QueryName}={Uri.EscapeDataString(key)}";

    /// <summary>The order's page for a link that leaves the shop (an e-mail), with a new key.</summary>
    public Uri Absolute(Uri shopUrl, OrderView order) => new(shopUrl, OrderPath(order.OrderNumber, Issue(order.OrderId)));

    /// <summary>True only when <paramref name="key"/> was issued for <paramref name="orderId"/>; the ids are compared in constant time.</summary>
    public bool Opens(Guid orderId, string? key) =>
        _keys.Open(key) is { } named && CryptographicOperations.FixedTimeEquals(named, orderId.ToByteArray());

    /// <summary>
    /// The order a storefront link shows: the one <paramref name="key"/> was issued for, if its number is
    /// <paramref name="orderNumber"/>. Null for an unknown number, a missing or wrong key and another order's key
    /// alike, so the answer never tells whether an order exists; without a valid key the database is not asked.
    /// </summary>
    public async Task<OrderView?> FindAsync(string orderNumber, string? key, CancellationToken ct = default)
    {
        if (_keys.Open(key) is not { Length: 16 } named)
        {
            return null;
        }
        var order = (await orders.GetAsync(new Guid(named), ct)).Value;
        // The number is no secret (it is in the address); the secret, the key, has been checked by now.
        return order?.OrderNumber == orderNumber ? order : null;
    }
}
