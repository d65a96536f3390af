using Checkout.Data.Payments;

namespace Checkout.Data.Orders;

/// <summary>A step the back office may take with an order.</summary>
public enum AdminMoveKind
{
    Ship,
    Deliver,
    AcceptReturn,
    Cancel,
    /// <summary>Gives the shopper's money back on an order that is over; moves money, not the order.</summary>
    Refund,
}

/// <summary>Why the back office has nothing to do with an order now.</summary>
public enum AdminIdleReason
{
    /// <summary>Delivered: it moves on only when the shopper starts a return.</summary>
    WaitsForShopper,
    /// <summary>Cancelled or returned, with no money left to give back.</summary>
    Closed,
}

/// <summary>One step an admin may take now.</summary>
/// <param name="To">The status the step leads to; null for a refund.</param>
/// <param name="NeedsTracking">The step is refused without a tracking number (shipping).</param>
/// <param name="RefundMinor">For a refund, the money it gives back: the captured amount, or the authorized one to void; otherwise 0.</param>
public sealed record AdminMove(AdminMoveKind Kind, OrderStatus? To, bool NeedsTracking = false, long RefundMinor = 0);

/// <summary>What the back office may do with an order now: its steps, or why there are none.</summary>
/// <param name="Idle">Null when <paramref name="Moves"/> has a step.</param>
public sealed record AdminMoves(IReadOnlyList<AdminMove> Moves, AdminIdleReason? Idle)
{
    /// <summary>
    /// The order's <see cref="OrderView.AllowedNext"/> that an admin takes (a return is started by the shopper, so it is not
    /// offered), then a refund when <see cref="RefundRule"/> says the order still holds the shopper's money.
    /// </summary>
    public static AdminMoves For(OrderView order)
    {
        var moves = new List<AdminMove>();
        foreach (var to in order.AllowedNext)
        {
            AdminMoveKind? kind = to switch
            {
                OrderStatus.Shipped => AdminMoveKind.Ship,
                OrderStatus.Delivered => AdminMoveKind.Deliver,
                OrderStatus.Returned => AdminMoveKind.AcceptReturn,
                OrderStatus.Cancelled => AdminMoveKind.Cancel,
                _ => null,
            };
            if (kind is { } k)
            {
                moves.Add(new AdminMove(k, to, NeedsTracking: TransitionRequest.NeedsTracking(to)));
            }
        }
        if (order.Payment is { } payment && RefundRule.Applies(order.Status, payment.Status))
        {
            moves.Add(new AdminMove(AdminMoveKind.Refund, null, RefundMinor: RefundRule.Amount(payment)));
        }
        if (moves.Count > 0)
        {
            return new AdminMoves(moves, null);
        }
        return new AdminMoves([], order.Status switch
        {
            OrderStatus.Delivered => AdminIdleReason.WaitsForShopper,
            _ => AdminIdleReason.Closed,
        });
    }
}

/// <summary>When an order's money goes back to the shopper by a refund (or a void of an uncaptured authorization).</summary>
public static class RefundRule
{
    /// <summary>Only an order that is over gives money back: cancelled, or returned.</summary>
    public static bool OrderAllows(OrderStatus status) => status is OrderStatus.Cancelled or OrderStatus.Returned;

    /// <summary>The shop still has the money: authorized (to void) or captured (to refund).</summary>
    public static bool MoneyLeft(PaymentStatus status) => status is PaymentStatus.Authorized or PaymentStatus.Captured;

    public static bool Applies(OrderStatus order, PaymentStatus payment) => OrderAllows(order) && MoneyLeft(payment);

    /// <summary>What a refund gives back: what is left of the capture, or the authorization it voids.</summary>
    public static long Amount(PaymentView payment) =>
        payment.Status == PaymentStatus.Captured ? payment.RefundableMinor : payment.AmountMinor;

    /// <summary>An admin refunds part of a sold order while it is confirmed, shipped, delivered or returned (ADR 14).</summary>
    public static bool PartAllows(OrderStatus status) =>
        status is OrderStatus.Confirmed or OrderStatus.Shipped or OrderStatus.Delivered or OrderStatus.Returned;

    /// <summary>The order may be refunded in part now: its status allows it and some of its capture is left.</summary>
    public static bool CanRefundPart(OrderView order) => PartAllows(order.Status) && order.Payment is { RefundableMinor: > 0 };
}
