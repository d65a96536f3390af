namespace Checkout.Data.Notifications;

/// <summary>
/// An e-mail the shop sends, with every fact it tells already read by the area that owns it: the notifications area
/// knows no order, payment or waitlist entry. Amounts are minor units of <c>Currency</c>.
/// </summary>
public abstract record ShopEmail(string To);

/// <summary>The receipt of a placed order.</summary>
public sealed record OrderEmail(
    string To,
    string OrderNumber,
    IReadOnlyList<OrderEmailLine> Lines,
    long SubtotalMinor,
    long DiscountMinor,
    long ShippingMinor,
    OrderEmailTax Tax,
    long TotalMinor,
    string Currency,
    IReadOnlyList<string> ShipTo,
    string DeliveryMethod,
    Uri OrderLink) : ShopEmail(To);

public sealed record OrderEmailLine(string Name, int Quantity, long LineTotalMinor);

/// <summary>The order's tax; <paramref name="Included"/> when prices already contain it (it is then not added to the total).</summary>
public sealed record OrderEmailTax(string Name, long AmountMinor, bool Included);

public sealed record ShippedEmail(string To, string OrderNumber, string TrackingNumber, Uri OrderLink) : ShopEmail(To);

/// <summary>The carrier handed the order over.</summary>
public sealed record DeliveredEmail(string To, string OrderNumber, Uri OrderLink) : ShopEmail(To);

public enum OrderClosure
{
    Cancelled,
    Refunded,
}

/// <summary>
/// An order that ended without being kept, or money given back on it; <paramref name="AmountMinor"/> is what the shopper
/// gets back (this refund) or is not charged. <paramref name="TotalRefundedMinor"/>, on a refund, is all that is refunded
/// of the order with it, told when earlier refunds came before.
/// </summary>
public sealed record CancelledOrRefundedEmail(
    string To, string OrderNumber, OrderClosure Closure, long AmountMinor, string Currency, Uri OrderLink, long TotalRefundedMinor = 0)
    : ShopEmail(To);

/// <summary>A freed unit held for a waiting shopper until <paramref name="ClaimBy"/>.</summary>
public sealed record WaitlistOfferEmail(string To, string ProductName, Uri ClaimLink, DateTimeOffset ClaimBy) : ShopEmail(To);

/// <summary>
/// The link to the orders placed with <c>To</c>, which lists them and opens each until <paramref name="ValidUntil"/>:
/// the answer to a find-my-order request whose order number belongs to the address.
/// </summary>
public sealed record YourOrdersEmail(string To, Uri OrdersLink, DateTimeOffset ValidUntil) : ShopEmail(To);
