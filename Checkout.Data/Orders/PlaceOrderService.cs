using System.Text.Json;
using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Checkout.Data.Reliability;
using Checkout.Data.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Orders;

/// <summary>
/// Places the order of a checkout session and drives it to CONFIRMED. Every step is idempotent, so a retry of the
/// whole checkout — or twenty at once — resumes from where the order is and ends with one order, one authorization
/// and one capture: the order row is unique per session, and the gateway keys are derived from the session and order.
/// </summary>
public sealed class PlaceOrderService(
    IDbContextFactory<CheckoutDbContext> dbFactory,
    IPaymentGateway gateway,
    OrderService orders,
    TimeProvider clock,
    IOptions<CheckoutOptions> options,
    CheckoutEvents events,
    CheckoutMetrics metrics,
    ICheckoutFaults faults,
    DbRetry dbRetry,
    IWaitingDemand waiting)
{
    private static readonly TransitionRequest Checkout = new("checkout");

    /// <summary>
    /// Idempotent on <paramref name="checkoutSessionId"/>: every call returns the same order; exactly one call — the one
    /// that confirmed it — has <see cref="PlacedOrder.Replayed"/> false. Because every step resumes, a transient database
    /// error runs the whole call again (<see cref="DbRetry"/>).
    /// </summary>
    public Task<Result<PlacedOrder>> PlaceAsync(Guid checkoutSessionId, CardDetails card, CancellationToken ct = default) =>
        dbRetry.ExecuteAsync(token => PlaceOnceAsync(checkoutSessionId, card, token), ct);

    /// <summary>
    /// Captures and confirms an order whose authorization is recorded (PAYMENT_AUTHORIZED) after the call that placed it
    /// died: the capture key is the order's, so a capture that already happened is found, not repeated. True when this
    /// call confirmed it; false when someone else did, or the gateway did not capture (yet).
    /// </summary>
    internal async Task<bool> CompleteAuthorizedAsync(Guid orderId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId, ct);
        return order.Status == OrderStatus.PaymentAuthorized && (await CaptureAsync(db, order, ct)).Confirmed;
    }

    private async Task<Result<PlacedOrder>> PlaceOnceAsync(Guid checkoutSessionId, CardDetails card, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.CheckoutSessionId == checkoutSessionId, ct);
        if (order is null)
        {
            var session = await db.CheckoutSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == checkoutSessionId, ct);
            if (session is null)
            {
                return Error.NotFound("The checkout");
            }
            if (card.Validate(clock.GetUtcNow()) is { } cardError)
            {
                return cardError;
            }
            if (await ExtendHoldForPaymentAsync(db, session, ct) is { } holdError)
            {
                // A concurrent call may have placed the order and closed the session meanwhile: then its order is the answer.
                order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.CheckoutSessionId == checkoutSessionId, ct);
                if (order is null)
                {
                    return holdError;
                }
            }
            else
            {
                order = await CreatePendingOrderAsync(db, session, ct);
            }
        }

        var (advanced, confirmedHere) = await AdvanceAsync(db, order, card, ct);
        if (!advanced.IsSuccess)
        {
            return advanced.Error;
        }
        // The order is paid with the card the gateway authorized; a request with another card does not get to
        // believe it paid (or see the order): it is told the checkout is paid already.
        if (advanced.Value.Payment is { } paid && (paid.CardBrand, paid.CardLast4) != (card.Brand, card.Last4))
        {
            return new Error(ErrorCodes.AlreadyPaid, "This checkout is already paid with another card; nothing was charged to this one.");
        }
        return new PlacedOrder(advanced.Value, Replayed: !confirmedHere);
    }

    /// <summary>
    /// Extends the hold once, atomically, so that it cannot expire while the gateway answers. A retry finds it
    /// already extended and goes on while it is still valid.
    /// </summary>
    private async Task<Error?> ExtendHoldForPaymentAsync(CheckoutDbContext db, CheckoutSession session, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (session.Status != CheckoutSessionStatus.Open)
        {
            return session.Status == CheckoutSessionStatus.Expired
                ? HoldExpired()
                : new Error(ErrorCodes.CheckoutClosed, "This checkout is closed; start a new one.");
        }
        if (session.HoldExpiresAt <= now)
        {
            return HoldExpired();
        }
        var extendedTo = session.HoldExpiresAt > now + options.Value.PaymentGrace ? session.HoldExpiresAt : now + options.Value.PaymentGrace;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await SessionLedger.ExtendForPaymentAsync(db, session.Id, now, extendedTo, ct))
        {
            await tx.CommitAsync(ct);
            await events.PublishAsync(new HoldExtended(session.Id, extendedTo));
            return null;
        }
        await tx.RollbackAsync(ct);
        var current = await db.CheckoutSessions.AsNoTracking().FirstAsync(s => s.Id == session.Id, ct);
        return current.Status == CheckoutSessionStatus.Open && current.HoldExpiresAt > now ? null : HoldExpired();
    }

    private async Task<Order> CreatePendingOrderAsync(CheckoutDbContext db, CheckoutSession session, CancellationToken ct)
    {
        var order = new Order(session, clock.GetUtcNow());
        db.Orders.Add(order);
        try
        {
            await db.SaveChangesAsync(ct);
            return order;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The UNIQUE index on the session id decided the race: the other request's order is the order.
            db.ChangeTracker.Clear();
            return await db.Orders.AsNoTracking().SingleAsync(o => o.CheckoutSessionId == session.Id, ct);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Takes the order one step at a time from whatever status it is in now; losing a compare-and-set just re-reads.
    /// Also says whether this call made the final step to CONFIRMED. After a step this call made itself, the order's
    /// new status is known and is not read again.
    /// </summary>
    private async Task<(Result<OrderView> Order, bool ConfirmedHere)> AdvanceAsync(CheckoutDbContext db, Order order, CardDetails card, CancellationToken ct)
    {
        var confirmedHere = false;
        var status = order.Status;
        while (true)
        {
            Error? stop = null;
            OrderStatus? movedTo = null;
            switch (status)
            {
                case OrderStatus.Pending:
                    (stop, movedTo) = await AuthorizeAsync(db, order, card, ct);
                    break;
                case OrderStatus.PaymentAuthorized:
                    (stop, confirmedHere) = await CaptureAsync(db, order, ct);
                    movedTo = confirmedHere ? OrderStatus.Confirmed : null;
                    break;
                case OrderStatus.PaymentFailed or OrderStatus.Cancelled:
                    stop = await FailedOutcomeAsync(db, order, ct);
                    break;
            }
            if (stop is not null)
            {
                return (stop, false);
            }
            if (status is not (OrderStatus.Pending or OrderStatus.PaymentAuthorized))
            {
                return ((await OrderService.LoadViewAsync(db, o => o.Id == order.Id, ct))!, confirmedHere);
            }
            if (movedTo is { } known)
            {
                status = known;
            }
            else
            {
                order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id, ct);
                status = order.Status;
            }
        }
    }

    /// <summary>Authorizes and records it; says PAYMENT_AUTHORIZED when this call made that step, null when someone else moved the order.</summary>
    private async Task<(Error? Stop, OrderStatus? MovedTo)> AuthorizeAsync(CheckoutDbContext db, Order order, CardDetails card, CancellationToken ct)
    {
        faults.At(CheckoutFaultPoint.BeforeAuthorize, order.CheckoutSessionId);
        var result = await gateway.AuthorizeAsync(order.CheckoutSessionId.ToString(), order.TotalMinor, order.Currency, card, ct);
        var now = clock.GetUtcNow();
        bool failed;
        switch (result.Outcome)
        {
            case GatewayOutcome.Timeout:
                return (new Error(ErrorCodes.PaymentPending, "The payment provider did not answer. Try again: you will not be charged twice."), null);
            case GatewayOutcome.Declined or GatewayOutcome.InsufficientFunds:
                await using (var tx = await db.Database.BeginTransactionAsync(ct))
                {
                    var reason = new TransitionRequest(Checkout.Actor, result.Message);
                    failed = await OrderLedger.TryTransitionAsync(db, order.Id, OrderStatus.Pending, OrderStatus.PaymentFailed, now, reason, ct);
                    if (failed)
                    {
                        await OrderLedger.TryTransitionAsync(db, order.Id, OrderStatus.PaymentFailed, OrderStatus.Cancelled, now, reason, ct);
                        await SessionLedger.FailAsync(db, order.CheckoutSessionId, now, waiting, ct);
                    }
                    await tx.CommitAsync(ct);
                }
                if (failed)
                {
                    metrics.PaymentDeclined();
                    await events.PublishRaisedAsync(db);
                    await events.PublishAsync(new OrderStatusChanged(order.Id, order.Number, OrderStatus.Cancelled));
                    await events.PublishReleasedAsync(order.CheckoutSessionId, CheckoutSessionStatus.Failed, ct);
                }
                return (null, null);
        }
        faults.At(CheckoutFaultPoint.AuthorizedNotRecorded, order.CheckoutSessionId);

        // Read before the write lock is taken: a session's lines never change, and whether it is still open is decided
        // by the conditional UPDATE below. Its promo cannot change either: the hold was extended before payment.
        var session = await db.CheckoutSessions.AsNoTracking().SingleAsync(s => s.Id == order.CheckoutSessionId, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await OrderLedger.TryTransitionAsync(db, order.Id, OrderStatus.Pending, OrderStatus.PaymentAuthorized, now, Checkout, ct))
            {
                // Someone else moved the order: another retry (same key, same authorization) or a cancellation, which
                // must not keep the shopper's money on hold.
                await tx.RollbackAsync(ct);
                if (await db.Orders.AnyAsync(o => o.Id == order.Id && o.Status == OrderStatus.Cancelled, ct))
                {
                    await gateway.VoidAsync($"void-{order.Id}", result.TransactionId!, ct);
                }
                return (null, null);
            }
            // One cart, one order: the cart closes with its first authorized order (its row first, as a checkout
            // start locks it first), and an order from a cart closed already is undone.
            if (!await CartLedger.CheckOutAsync(db, session.CartId, now, ct))
            {
                await tx.RollbackAsync(ct);
                return (await AbandonAsync(db, order, result.TransactionId!, CartAlreadyOrdered(), ct), null);
            }
            if (!await SessionLedger.CompleteAsync(db, session, now, ct))
            {
                await tx.RollbackAsync(ct);
                return (await AbandonAsync(db, order, result.TransactionId!, HoldExpired(), ct), null);
            }
            await TakeOrderedOutOfCartAsync(db, session, ct);
            // The card on record is the one the gateway authorized, whichever request's answer this is.
            db.Payments.Add(new Payment(order.Id, result.TransactionId!, order.TotalMinor, order.Currency, result.Card ?? card.Summary, now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return (null, OrderStatus.PaymentAuthorized);
    }

    /// <summary>
    /// What the order bought leaves the (now closed) cart in the same transaction: what is left is what the shopper
    /// added after starting the checkout, which the next cart takes over.
    /// </summary>
    private static async Task TakeOrderedOutOfCartAsync(CheckoutDbContext db, CheckoutSession session, CancellationToken ct)
    {
        var cart = await db.Carts.FirstAsync(c => c.Id == session.CartId, ct);
        cart.TakeOut(session.Lines.Select(l => (l.Sku, l.Quantity)));
    }

    /// <summary>
    /// The order cannot stand (its hold was released, or its cart already became another order) once the authorization
    /// came back: give the money back, cancel, and release whatever the checkout still holds; nothing is sold.
    /// </summary>
    private async Task<Error> AbandonAsync(CheckoutDbContext db, Order order, string authorizationId, Error why, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await gateway.VoidAsync($"void-{order.Id}", authorizationId, ct);
        var now = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await OrderLedger.TryTransitionAsync(
                db, order.Id, OrderStatus.Pending, OrderStatus.Cancelled, now, new TransitionRequest(Checkout.Actor, why.Message), ct);
            await SessionLedger.CancelAsync(db, order.CheckoutSessionId, now, waiting, ct);
            await tx.CommitAsync(ct);
        }
        await events.PublishRaisedAsync(db);
        return why;
    }

    private async Task<(Error? Stop, bool Confirmed)> CaptureAsync(CheckoutDbContext db, Order order, CancellationToken ct)
    {
        faults.At(CheckoutFaultPoint.RecordedNotCaptured, order.CheckoutSessionId);
        db.ChangeTracker.Clear();
        var payment = await db.Payments.SingleAsync(p => p.OrderId == order.Id, ct);
        var result = await gateway.CaptureAsync($"capture-{order.Id}", payment.AuthorizationId, payment.AmountMinor, ct);
        if (!result.Approved)
        {
            return (new Error(ErrorCodes.PaymentPending, "The payment could not be captured yet. Try again: you will not be charged twice."), false);
        }
        faults.At(CheckoutFaultPoint.CapturedNotConfirmed, order.CheckoutSessionId);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var confirmed = await OrderLedger.TryTransitionAsync(db, order.Id, OrderStatus.PaymentAuthorized, OrderStatus.Confirmed, now, Checkout, ct);
        if (confirmed)
        {
            payment.MarkCaptured(now);
            db.OutboxMessages.Add(new OutboxMessage(OutboxTypes.OrderConfirmed, order.Id, ConfirmedPayload(order), now));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            faults.At(CheckoutFaultPoint.ConfirmedNotDispatched, order.CheckoutSessionId);
            metrics.OrderConfirmed(order.TotalMinor, order.Currency);
            await events.PublishAsync(new OrderStatusChanged(order.Id, order.Number, OrderStatus.Confirmed));
        }
        else
        {
            await tx.RollbackAsync(ct);
        }
        db.ChangeTracker.Clear();
        return (null, confirmed);
    }

    /// <summary>A replay of a failed checkout answers as the first attempt did; an authorization that raced a cancellation is voided.</summary>
    private async Task<Error?> FailedOutcomeAsync(CheckoutDbContext db, Order order, CancellationToken ct)
    {
        if (await db.OrderStatusChanges.AnyAsync(h => h.OrderId == order.Id && h.To == OrderStatus.Confirmed, ct))
        {
            // Paid and later cancelled: the checkout itself succeeded, so a replay answers with the order as it is now.
            return null;
        }
        await orders.SettleRefundOrVoidAsync(db, order.Id, ct);
        var last = await db.OrderStatusChanges.AsNoTracking()
            .Where(h => h.OrderId == order.Id && h.From == OrderStatus.Pending)
            .Select(h => new { h.To, h.Reason })
            .FirstOrDefaultAsync(ct);
        return last?.To == OrderStatus.PaymentFailed
            ? new Error(ErrorCodes.PaymentDeclined, last.Reason ?? "The card was declined.")
            : new Error(ErrorCodes.CheckoutClosed, $"Order {order.Number} was cancelled: {last?.Reason ?? "cancelled before payment"}.");
    }

    /// <summary>The order as the caller loaded it (with its lines): none of these fields change after placement.</summary>
    private static string ConfirmedPayload(Order order) =>
        JsonSerializer.Serialize(new
        {
            orderId = order.Id,
            orderNumber = order.Number,
            email = order.Email,
            name = order.CustomerName,
            lines = order.Lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }),
        });

    private static Error HoldExpired() => new(ErrorCodes.HoldExpired, "The items in this checkout were released before payment; nothing was charged.");

    private static Error CartAlreadyOrdered() => new(ErrorCodes.CartClosed, "This cart's order was placed already; nothing was charged.");
}
