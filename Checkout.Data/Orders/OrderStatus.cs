using System.Text.Json;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;

namespace Checkout.Data.Orders;

public enum OrderStatus
{
    Pending,
    PaymentAuthorized,
    Confirmed,
    Shipped,
    Delivered,
    PaymentFailed,
    Cancelled,
    ReturnInitiated,
    Returned,
}

/// <summary>The one table of allowed order transitions. Every status change in the product is checked here.</summary>
public static class OrderTransitions
{
    public static readonly TransitionTable<OrderStatus> Table = new(new()
    {
        [OrderStatus.Pending] = [OrderStatus.PaymentAuthorized, OrderStatus.PaymentFailed, OrderStatus.Cancelled],
        [OrderStatus.PaymentAuthorized] = [OrderStatus.Confirmed, OrderStatus.Cancelled],
        [OrderStatus.Confirmed] = [OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.Shipped] = [OrderStatus.Delivered],
        [OrderStatus.Delivered] = [OrderStatus.ReturnInitiated],
        [OrderStatus.ReturnInitiated] = [OrderStatus.Returned],
        [OrderStatus.PaymentFailed] = [OrderStatus.Cancelled],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Returned] = [],
    });

    public static bool IsAllowed(OrderStatus from, OrderStatus to) => Table.IsAllowed(from, to);

    public static IReadOnlyList<OrderStatus> From(OrderStatus from) => Table.From(from);

    /// <summary>Transitions that only the checkout makes, because they follow the gateway's answer.</summary>
    public static bool IsPaymentStep(OrderStatus from, OrderStatus to) =>
        (from, to) is (OrderStatus.Pending, OrderStatus.PaymentAuthorized)
            or (OrderStatus.Pending, OrderStatus.PaymentFailed)
            or (OrderStatus.PaymentAuthorized, OrderStatus.Confirmed);

    /// <summary>
    /// The moves that give the order's promo use back (when <c>Checkout:Promotions:GiveBackOnCancel</c> is on): a paid
    /// order, whose use was consumed when it was authorized, cancelled before shipment. A cancel before payment gives
    /// back the use its checkout still reserves, with the checkout; a shipped order is never cancelled, and a return
    /// keeps its use.
    /// </summary>
    public static bool GivesPromoUseBack(OrderStatus from, OrderStatus to) =>
        to == OrderStatus.Cancelled && from is OrderStatus.PaymentAuthorized or OrderStatus.Confirmed;

    /// <summary>The upper-case name used on the wire and in the UI, e.g. PAYMENT_AUTHORIZED.</summary>
    public static string WireName(this OrderStatus status) => status switch
    {
        OrderStatus.PaymentAuthorized => "PAYMENT_AUTHORIZED",
        OrderStatus.PaymentFailed => "PAYMENT_FAILED",
        OrderStatus.ReturnInitiated => "RETURN_INITIATED",
        _ => status.ToString().ToUpperInvariant(),
    };
}

/// <summary>
/// The status changes after the sale that the shop announces through the outbox, in the transaction of the change
/// (to the shopper's e-mails now, to partners later): which transition writes which message. Everything else —
/// the checkout's own steps, a cancellation before confirmation that the checkout page itself answers — is
/// announced by nothing.
/// </summary>
public static class OrderAnnouncements
{
    public static string? TypeOf(OrderStatus from, OrderStatus to) => (from, to) switch
    {
        (OrderStatus.Confirmed, OrderStatus.Shipped) => OutboxTypes.OrderShipped,
        (OrderStatus.Confirmed, OrderStatus.Cancelled) => OutboxTypes.OrderCancelled,
        (OrderStatus.Shipped, OrderStatus.Delivered) => OutboxTypes.OrderDelivered,
        (OrderStatus.ReturnInitiated, OrderStatus.Returned) => OutboxTypes.OrderReturned,
        _ => null,
    };

    /// <summary>The message of a status change: the order, the move and, for a shipment, its tracking number.</summary>
    internal static OutboxMessage? For(Guid orderId, OrderStatus from, OrderStatus to, string? trackingNumber, DateTimeOffset now) =>
        TypeOf(from, to) is { } type
            ? new OutboxMessage(type, orderId, JsonSerializer.Serialize(new StatusPayload(orderId, from.WireName(), to.WireName(), trackingNumber), OutboxMessage.PayloadJson), now)
            : null;

    /// <summary>
    /// The message of money given back on an order that was confirmed (sold): this refund's amount, what is refunded of
    /// the order in all with it, and the lines it gives back (none for a refund of an amount).
    /// </summary>
    internal static OutboxMessage Refunded(Refund refund, long totalRefundedMinor, DateTimeOffset now) =>
        new(OutboxTypes.OrderRefunded, refund.OrderId, JsonSerializer.Serialize(
            new RefundPayload(refund.OrderId, refund.Id, refund.AmountMinor, totalRefundedMinor,
                [.. refund.Lines.Select(l => new RefundPayloadLine(l.Sku, l.Quantity, l.AmountMinor))]),
            OutboxMessage.PayloadJson), now);

    private sealed record StatusPayload(Guid OrderId, string From, string To, string? TrackingNumber);

    /// <summary>What a refund message tells.</summary>
    public sealed record RefundPayload(Guid OrderId, Guid RefundId, long AmountMinor, long TotalRefundedMinor, IReadOnlyList<RefundPayloadLine> Lines);

    /// <summary>A line a refund gives back: its units and their money.</summary>
    public sealed record RefundPayloadLine(string Sku, int Quantity, long AmountMinor);
}
