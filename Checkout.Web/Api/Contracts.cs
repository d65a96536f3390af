using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Pricing;
using Checkout.Data.Shipping;
using Checkout.Web.Catalog;

namespace Checkout.Web.Api;

/// <param name="Image">The product's picture, with the addresses the storefront shows it at; null when it has none.</param>
public sealed record ProductResponse(string Sku, string Name, string Category, long PriceMinor, string Currency, int Available, ProductPictureSource? Image);

public sealed record CartCreatedResponse(Guid CartId);

public sealed record SetQuantityRequest(int Quantity);

public sealed record CartResponse(Guid CartId, IReadOnlyList<CartLineView> Lines, long SubtotalMinor, string Currency, IReadOnlyList<CartProblem> Problems)
{
    public static CartResponse From(CartView c) => new(c.CartId, c.Lines, c.SubtotalMinor, c.Currency, c.Problems);
}

/// <param name="ShippingAddress">Where the order goes; may also be given later with <c>PUT /api/checkouts/{id}/shipping</c>.</param>
/// <param name="DeliveryMethodId">One of the methods that reach the address; without it the cheapest.</param>
public sealed record StartCheckoutRequest(
    Guid CartId, string? Email, string? PromoCode = null, string? Name = null, Guid? CheckoutSessionId = null,
    ShippingAddressInput? ShippingAddress = null, Guid? DeliveryMethodId = null);

/// <param name="DeliveryMethodId">One of the methods that reach the address; without it the cheapest.</param>
public sealed record SetShippingRequest(ShippingAddressInput? ShippingAddress, Guid? DeliveryMethodId = null);

/// <summary>The delivery method an order ships with.</summary>
public sealed record DeliveryMethodResponse(Guid Id, string Name)
{
    public static DeliveryMethodResponse? From(QuoteDelivery? delivery) => delivery is null ? null : new(delivery.MethodId, delivery.MethodName);
}

/// <param name="ShippingAddress">Null until the shopper said where the order goes; until then there is no shipping or tax and it cannot be paid.</param>
/// <param name="TaxMinor">The tax: added to the total, or contained in it when <c>tax.included</c>.</param>
/// <param name="PromoRefused">Only after starting again: why the new checkout goes on without the earlier one's promo code.</param>
public sealed record CheckoutResponse(
    Guid CheckoutSessionId, string Status, DateTimeOffset HoldExpiresAt, IReadOnlyList<CheckoutLineView> Lines,
    long SubtotalMinor, long DiscountMinor, long ShippingMinor, long TotalMinor, string Currency, string? PromoCode,
    ShippingAddress? ShippingAddress, DeliveryMethodResponse? DeliveryMethod, long TaxMinor, QuoteTax? Tax,
    string? PromoRefused = null)
{
    public static CheckoutResponse From(CheckoutView v) => new(
        v.CheckoutSessionId, v.Status.ToString().ToUpperInvariant(), v.HoldExpiresAt, v.Lines, v.SubtotalMinor,
        v.DiscountMinor, v.ShippingMinor, v.TotalMinor, v.Currency, v.PromoCode,
        v.Delivery?.Address, DeliveryMethodResponse.From(v.Delivery), v.TaxMinor, v.Tax);

    public static CheckoutResponse From(StartedFlow started) => From(started.Checkout) with { PromoRefused = started.PromoRefused?.Message };
}

public sealed record CompleteCheckoutRequest(string? CardNumber, string? Expiry, string? Cvc);

/// <param name="OrderKey">The order's secret key: send it in the X-Order-Key header to read, cancel or return the order.</param>
public sealed record PlacedOrderResponse(Guid OrderId, string OrderNumber, string Status, string OrderKey);

/// <param name="Email">The address the order was placed with.</param>
/// <param name="OrderNumber">The number of one of its orders, as on the confirmation (case and surrounding spaces aside).</param>
public sealed record LookUpOrdersRequest(string? Email, string? OrderNumber);

/// <param name="Message">The same sentence for every request that was well formed, whether or not the two belong together.</param>
public sealed record LookUpOrdersResponse(string Message);

/// <param name="OrderKey">A new key of the order: send it in the X-Order-Key header to read, cancel or return it.</param>
public sealed record MyOrderResponse(Guid OrderId, string OrderNumber, DateTimeOffset CreatedAt, string Status, long TotalMinor, string Currency, string OrderKey);

/// <param name="Email">The address whose orders these are.</param>
/// <param name="ExpiresAt">When the link stops listing them.</param>
/// <param name="Orders">Newest first, at most the last 50.</param>
public sealed record MyOrdersResponse(string Email, DateTimeOffset ExpiresAt, IReadOnlyList<MyOrderResponse> Orders);

public sealed record OrderResponse(
    Guid OrderId, string OrderNumber, string Status, long SubtotalMinor, long DiscountMinor, long ShippingMinor,
    long TotalMinor, string Currency, string? PromoCode, string? TrackingNumber, DateTimeOffset CreatedAt,
    IReadOnlyList<OrderLineView> Lines, PaymentResponse? Payment, IReadOnlyList<HistoryResponse> History,
    ShippingAddress? ShippingAddress, DeliveryMethodResponse? DeliveryMethod, long TaxMinor, QuoteTax? Tax)
{
    public static OrderResponse From(OrderView o) => new(
        o.OrderId, o.OrderNumber, o.Status.WireName(), o.SubtotalMinor, o.DiscountMinor, o.ShippingMinor, o.TotalMinor,
        o.Currency, o.PromoCode, o.TrackingNumber, o.CreatedAt, o.Lines,
        o.Payment is { } p ? new PaymentResponse(Wire(p.Status), p.AmountMinor, p.CapturedMinor, p.RefundedMinor, p.CardBrand, p.CardLast4) : null,
        [.. o.History.Select(h => new HistoryResponse(h.From?.WireName(), h.To.WireName(), h.At, h.Actor, h.Reason))],
        o.Delivery?.Address, DeliveryMethodResponse.From(o.Delivery), o.TaxMinor, o.Tax);

    public static string Wire(PaymentStatus status) => status.ToString().ToUpperInvariant();
}

public sealed record PaymentResponse(string Status, long AmountMinor, long CapturedMinor, long RefundedMinor, string CardBrand, string CardLast4);

public sealed record HistoryResponse(string? From, string To, DateTimeOffset At, string Actor, string? Reason);

public sealed record OrderSummaryResponse(
    Guid OrderId, string OrderNumber, DateTimeOffset CreatedAt, string Email, long TotalMinor, string Currency, string Status, string? PaymentStatus);

public sealed record OrderPageResponse(IReadOnlyList<OrderSummaryResponse> Items, int Page, int PageSize, int Total);

public sealed record ShipRequest(string? TrackingNumber);

/// <param name="AmountMinor">An amount to give back, in minor units; or send <paramref name="Lines"/>, not both.</param>
/// <param name="Lines">Units of the order's lines to give back, each priced at what the shopper paid for it.</param>
/// <param name="Reason">Why the money is given back (1–500 characters), shown in the order's history.</param>
public sealed record RefundOrderRequest(long? AmountMinor, IReadOnlyList<RefundLineInput>? Lines, string? Reason)
{
    public RefundRequest ToRequest(string actor, Guid? requestId) =>
        new(AmountMinor, Lines?.Select(l => new RefundLineRequest(l.Sku, l.Quantity)).ToList(), Reason, actor, requestId);
}

public sealed record RefundLineInput(string? Sku, int Quantity);

/// <param name="Status">PENDING (the payment provider has not answered yet), SUCCEEDED or FAILED.</param>
/// <param name="Lines">The units it gave back and their money; empty for a refund of an amount.</param>
public sealed record RefundResponse(
    Guid RefundId, long AmountMinor, IReadOnlyList<RefundLineView> Lines, string Reason, string Actor, DateTimeOffset RequestedAt,
    string Status, DateTimeOffset? CompletedAt)
{
    public static RefundResponse From(RefundView r) => new(
        r.RefundId, r.AmountMinor, r.Lines, r.Reason, r.Actor, r.RequestedAt, r.Status.ToString().ToUpperInvariant(), r.CompletedAt);
}

public sealed record RestockRequest(int Quantity, string? Reason);
