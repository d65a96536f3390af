using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Orders;

/// <summary>What one reconciler pass changed.</summary>
/// <param name="Cancelled">PENDING orders whose checkout had ended: authorization voided (if any), order cancelled.</param>
/// <param name="Confirmed">PAYMENT_AUTHORIZED orders captured (or found captured) and confirmed.</param>
/// <param name="Settled">Cancelled or returned orders whose money was still out and is now voided or refunded.</param>
public sealed record ReconcileReport(int Cancelled, int Confirmed, int Settled)
{
    public int Total => Cancelled + Confirmed + Settled;
}

/// <summary>
/// Finishes or undoes what a checkout left behind when its process died, or its shopper left, half-way. The rule:
/// <b>the order's durable state decides, and what cannot complete is undone.</b>
/// <list type="bullet">
/// <item>PENDING (no authorization recorded): left alone while its checkout session is open, because the shopper's
/// retry completes it and only the shopper has the card. Once the session has ended (the sweeper expired its hold, or
/// the shopper cancelled), the checkout can no longer complete: an authorization made with the session's key is
/// voided, then the order is cancelled. Never completed from here: the payment row needs the card, which is not kept.</item>
/// <item>PAYMENT_AUTHORIZED (authorization recorded, stock already sold to it, session completed): completed — captured
/// with the order's capture key, so a capture that happened before the crash is found, not repeated — and
/// CONFIRMED with its outbox message. A captured payment therefore always ends CONFIRMED.</item>
/// <item>CANCELLED or RETURNED with the money still out (a void or refund went unanswered, or a capture happened that
/// the order never recorded): voided or, when it was captured, refunded.</item>
/// </list>
/// Expired holds are the sweeper's: it releases them whatever the order's status. Unsent outbox messages are the
/// dispatcher's: it retries them until they are published. Every step is a compare-and-set or a keyed gateway call,
/// so passes on several instances at once, and repeated passes, change each order once. An order is touched only
/// after it sat unchanged for <c>Checkout:ReconcileAfter</c>, so a shopper's live call is not raced.
/// </summary>
public sealed partial class OrderReconciler(
    IDbContextFactory<CheckoutDbContext> dbFactory,
    PlaceOrderService placeOrders,
    OrderService orders,
    IPaymentGateway gateway,
    TimeProvider clock,
    IOptions<CheckoutOptions> options,
    ILogger<OrderReconciler> logger)
{
    private const string Actor = "reconciler";
    private const int BatchSize = 100;

    /// <summary>One pass over the orders that sat unchanged long enough. Idempotent; safe to run on several instances at once.</summary>
    public async Task<ReconcileReport> ReconcileOnceAsync(CancellationToken ct = default)
    {
        var settledBefore = clock.GetUtcNow() - options.Value.ReconcileAfter;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stale = db.Orders.AsNoTracking().Where(o => o.UpdatedAt <= settledBefore).OrderBy(o => o.CreatedAt);
        var abandoned = await stale
            .Where(o => o.Status == OrderStatus.Pending
                && db.CheckoutSessions.Any(s => s.Id == o.CheckoutSessionId && s.Status != CheckoutSessionStatus.Open))
            .Select(o => new { o.Id, o.CheckoutSessionId })
            .Take(BatchSize)
            .ToListAsync(ct);
        var authorized = await stale.Where(o => o.Status == OrderStatus.PaymentAuthorized).Select(o => o.Id).Take(BatchSize).ToListAsync(ct);
        var unsettled = await stale
            .Where(o => (o.Status == OrderStatus.Cancelled || o.Status == OrderStatus.Returned)
                && db.Payments.Any(p => p.OrderId == o.Id && (p.Status == PaymentStatus.Authorized || p.Status == PaymentStatus.Captured)))
            .Select(o => o.Id)
            .Take(BatchSize)
            .ToListAsync(ct);

        var cancelled = 0;
        foreach (var order in abandoned)
        {
            cancelled += await CancelAbandonedAsync(order.Id, order.CheckoutSessionId, ct) ? 1 : 0;
        }
        var confirmed = 0;
        foreach (var orderId in authorized)
        {
            confirmed += await placeOrders.CompleteAuthorizedAsync(orderId, ct) ? 1 : 0;
        }
        var settled = 0;
        foreach (var orderId in unsettled)
        {
            settled += await SettleAsync(orderId, ct) ? 1 : 0;
        }
        return new ReconcileReport(cancelled, confirmed, settled);
    }

    /// <summary>
    /// Voids what the gateway authorized under the session's key, then cancels the order. In this order, so that a pass
    /// that dies in between finds the order still PENDING and voids again (same key, same void).
    /// </summary>
    private async Task<bool> CancelAbandonedAsync(Guid orderId, Guid sessionId, CancellationToken ct)
    {
        var authorization = await gateway.FindAsync(GatewayOperationKind.Authorize, sessionId.ToString(), ct);
        if (authorization?.Outcome == GatewayOutcome.Timeout)
        {
            LogUndecided(orderId, authorization.Message);
            return false;
        }
        if (authorization is { Approved: true })
        {
            var voided = await gateway.VoidAsync($"void-{orderId}", authorization.TransactionId!, ct);
            if (!voided.Approved)
            {
                LogUndecided(orderId, voided.Message);
                return false;
            }
        }
        var reason = new TransitionRequest(Actor, "The checkout ended before its payment was recorded; nothing was charged.");
        return (await orders.TransitionAsync(orderId, OrderStatus.Cancelled, reason, ct: ct)).IsSuccess;
    }

    /// <summary>
    /// Gives back the money of a cancelled or returned order. A payment still recorded as authorized may have been
    /// captured by a call that died before confirming; the capture is recorded first, so that it is refunded, not voided.
    /// </summary>
    private async Task<bool> SettleAsync(Guid orderId, CancellationToken ct)
    {
        var capture = await gateway.FindAsync(GatewayOperationKind.Capture, $"capture-{orderId}", ct);
        if (capture?.Outcome == GatewayOutcome.Timeout)
        {
            LogUndecided(orderId, capture.Message);
            return false;
        }
        if (capture is { Approved: true })
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await PaymentLedger.RecordCaptureAsync(db, orderId, clock.GetUtcNow(), ct);
        }
        var refunded = await orders.RefundAsync(orderId, Actor, ct);
        return refunded is { IsSuccess: true, Value.Payment.Status: PaymentStatus.Voided or PaymentStatus.Refunded };
    }

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} cannot be reconciled yet ({Reason}); the next pass tries again")]
    private partial void LogUndecided(Guid orderId, string reason);
}

/// <summary>Runs <see cref="OrderReconciler"/> every <c>Checkout:ReconcileInterval</c>.</summary>
public sealed partial class OrderReconcilerService(
    OrderReconciler reconciler, TimeProvider clock, IOptions<CheckoutOptions> options, ILogger<OrderReconcilerService> logger)
    : PeriodicService(clock, options.Value.ReconcileInterval, logger)
{
    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var report = await reconciler.ReconcileOnceAsync(ct);
        if (report.Total > 0)
        {
            LogReconciled(report.Cancelled, report.Confirmed, report.Settled);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Reconciled checkouts left half-way: {Cancelled} cancelled, {Confirmed} confirmed, {Settled} refunded or voided")]
    private partial void LogReconciled(int cancelled, int confirmed, int settled);
}
