using Checkout.Data.Payments;
using Checkout.Data.Pricing;

namespace Checkout.Data.Orders;

public sealed record OrderView(
    Guid OrderId, string OrderNumber, Guid CheckoutSessionId, OrderStatus Status, int Version, string Email,
    IReadOnlyList<OrderLineView> Lines, long SubtotalMinor, long DiscountMinor, long ShippingMinor, long TotalMinor,
    string Currency, string? PromoCode, string? TrackingNumber, DateTimeOffset CreatedAt, PaymentView? Payment,
    IReadOnlyList<OrderHistoryView> History, IReadOnlyList<RefundView> Refunds, QuoteDelivery? Delivery = null, QuoteTax? Tax = null)
{
    public long TaxMinor => Tax?.AmountMinor ?? 0;

    /// <summary>The transitions a person may ask for now (payment steps belong to the checkout).</summary>
    public IReadOnlyList<OrderStatus> AllowedNext => [.. OrderTransitions.From(Status).Where(to => !OrderTransitions.IsPaymentStep(Status, to))];
}

/// <param name="RefundedQuantity">Units refunded by refunds of lines (refunds of an amount count none).</param>
public sealed record OrderLineView(string Sku, string Name, int Quantity, long UnitPriceMinor, long LineTotalMinor, int RefundedQuantity = 0);

public sealed record OrderHistoryView(OrderStatus? From, OrderStatus To, DateTimeOffset At, string Actor, string? Reason);

/// <param name="RefundedMinor">What the gateway refunded of the capture.</param>
/// <param name="RefundPendingMinor">What refunds waiting for the gateway's answer hold of the capture.</param>
public sealed record PaymentView(
    PaymentStatus Status, long AmountMinor, long CapturedMinor, long RefundedMinor, string CardBrand, string CardLast4, long RefundPendingMinor = 0)
{
    /// <summary>What is left to refund of the capture (0 unless captured).</summary>
    public long RefundableMinor => Status == PaymentStatus.Captured ? CapturedMinor - RefundedMinor - RefundPendingMinor : 0;
}

/// <param name="Replayed">False only for the one call that confirmed the order; every other call for the session is a replay.</param>
public sealed record PlacedOrder(OrderView Order, bool Replayed);
