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
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Orders;

/// <summary>
/// Places the order of a checkout session and drives it to CONFIRMED. Every step is idempotent, so a retry of the
/// whole checkout — or twenty at once — resumes from where the order is and ends with one order, one authorization
/// and one capture: the order row is unique per session, and the gateway keys are derived from the session and order.
/// </summary>
public sealed partial class PlaceOrderService(
    IDbContextFactory<CheckoutDbContext> dbFactory,
    WriteUnits units,
    IPaymentGateway gateway,
    OrderService orders,
    TimeProvider clock,
    IOptions<CheckoutOptions> options,
    CheckoutEvents events,
    CheckoutMetrics metrics,
    ICheckoutFaults faults,
    DbRetry dbRetry,
    IWaitingDemand waiting,
    ILogger<PlaceOrderService> logger)
{
    private static readonly TransitionRequest Checkout = new("checkout");

    [LoggerMessage(LogLevel.Information, "Order {OrderNumber} confirmed: {TotalMinor} {Currency} captured")]
    private partial void LogConfirmed(string orderNumber, long totalMinor, string currency);

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
        var order = await ById(db, orderId, ct) ?? throw new InvalidOperationException($"Order {orderId} vanished.");
        return order.Status == OrderStatus.PaymentAuthorized && (await CaptureAsync(db, order, null, ct)).Confirmed;
    }

    private async Task<Result<PlacedOrder>> PlaceOnceAsync(Guid checkoutSessionId, CardDetails card, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for every read and transaction of the call.
        await db.Database.OpenConnectionAsync(ct);
        // The first attempt reads one row set: the session, and that no order has it yet. A retry reads its order too.
        var found = await SessionWithOrderId(db, checkoutSessionId, ct);
        var session = found?.Session;
        var order = found?.OrderId is { } orderId ? await ById(db, orderId, ct) : null;
        var trail = new Trail(session);
        // The payment joins its checkout's trace, begun when the checkout started.
        using var span = CheckoutTracing.Continue("checkout.place", session?.TraceParent);
        span?.SetTag("checkout.session_id", checkoutSessionId);
        if (order is null)
        {
            if (session is null)
            {
                return Error.NotFound("The checkout");
            }
            if (session.Delivery is null)
            {
                return new Error(ErrorCodes.ShippingAddressRequired, "Add a shipping address before paying; nothing was charged.");
            }
            if (card.Validate(clock.GetUtcNow()) is { } cardError)
            {
                return cardError;
            }
            var opened = await OpenAsync(db, session, trail, ct);
            if (!opened.IsSuccess)
            {
                return opened.Error;
            }
            order = opened.Value;
        }

        var (advanced, confirmedHere) = await AdvanceAsync(db, order, card, trail, ct);
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

    private static readonly CompiledQuery<Func<CheckoutDbContext, Guid, CancellationToken, Task<Order?>>> OfSessionQuery = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, Guid sessionId, CancellationToken ct) =>
            db.Orders.AsNoTracking().FirstOrDefault(o => o.CheckoutSessionId == sessionId)));

    private static Task<Order?> OfSession(CheckoutDbContext db, Guid sessionId, CancellationToken ct) => OfSessionQuery.For(db)(db, sessionId, ct);

    private static readonly CompiledQuery<Func<CheckoutDbContext, Guid, CancellationToken, Task<Order?>>> ByIdQuery = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, Guid orderId, CancellationToken ct) =>
            db.Orders.AsNoTracking().FirstOrDefault(o => o.Id == orderId)));

    private static Task<Order?> ById(CheckoutDbContext db, Guid orderId, CancellationToken ct) => ByIdQuery.For(db)(db, orderId, ct);

    /// <summary>A checkout session with the id of its order, if one was placed (at most one: a unique index).</summary>
    private sealed record SessionAndOrderId(CheckoutSession Session, Guid? OrderId);

    // The order's id, not the order: with both entities' lines the row set would be their product.
    private static readonly CompiledQuery<Func<CheckoutDbContext, Guid, CancellationToken, Task<SessionAndOrderId?>>> SessionWithOrderIdQuery = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, Guid sessionId, CancellationToken ct) =>
            db.CheckoutSessions.AsNoTracking()
                .Where(s => s.Id == sessionId)
                .Select(s => new SessionAndOrderId(s, db.Orders.Where(o => o.CheckoutSessionId == s.Id).Select(o => (Guid?)o.Id).FirstOrDefault()))
                .FirstOrDefault()));

    private static Task<SessionAndOrderId?> SessionWithOrderId(CheckoutDbContext db, Guid sessionId, CancellationToken ct) =>
        SessionWithOrderIdQuery.For(db)(db, sessionId, ct);

    /// <summary>
    /// Starts paying, in one transaction: the hold is extended once (so that it cannot expire while the gateway
    /// answers) and the order is placed PENDING. A retry finds the hold extended already and, while it is still valid,
    /// places the order alone. Whenever the order cannot be placed here, the one a concurrent call placed (the unique
    /// index on the session decides) is the answer.
    /// </summary>
    private async Task<Result<Order>> OpenAsync(CheckoutDbContext db, CheckoutSession session, Trail trail, CancellationToken ct)
    {
        using var step = CheckoutTracing.Span("checkout.open");
        var now = clock.GetUtcNow();
        if (session.Status != CheckoutSessionStatus.Open || session.HoldExpiresAt <= now)
        {
            return await PlacedByOtherAsync(db, session.Id, session.Status is CheckoutSessionStatus.Open or CheckoutSessionStatus.Expired
                ? HoldExpired()
                : new Error(ErrorCodes.CheckoutClosed, "This checkout is closed; start a new one."), ct);
        }
        var extendedTo = session.HoldExpiresAt > now + options.Value.PaymentGrace ? session.HoldExpiresAt : now + options.Value.PaymentGrace;
        var order = new Order(session, now);
        bool? extended;
        try
        {
            extended = await units.RunAsync(db, async (w, token) =>
            {
                var extendedHere = await SessionLedger.ExtendForPaymentAsync(w, session.Id, now, extendedTo, token);
                if (!extendedHere)
                {
                    // Extended by an earlier attempt (then it goes on while the hold is valid), or closed meanwhile.
                    var current = await SessionQueries.ById(w, session.Id, token);
                    if (current is not { Status: CheckoutSessionStatus.Open } || current.HoldExpiresAt <= now)
                    {
                        return UnitResult.Undo<bool?>(null);
                    }
                }
                await OrderLedger.PlaceAsync(w, order, token);
                return UnitResult.Keep<bool?>(extendedHere);
            }, ct);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            return await PlacedByOtherAsync(db, session.Id, HoldExpired(), ct);
        }
        if (extended is null)
        {
            return await PlacedByOtherAsync(db, session.Id, HoldExpired(), ct);
        }
        if (extended.Value)
        {
            await events.PublishAsync(new HoldExtended(session.Id, extendedTo));
        }
        trail.Placed(order, session);
        return order;
    }

    /// <summary>The order another call placed for the session, or <paramref name="otherwise"/> when there is none.</summary>
    private static async Task<Result<Order>> PlacedByOtherAsync(CheckoutDbContext db, Guid sessionId, Error otherwise, CancellationToken ct) =>
        await OfSession(db, sessionId, ct) is { } order ? order : otherwise;

    /// <summary>
    /// Takes the order one step at a time from whatever status it is in now; losing a compare-and-set just re-reads.
    /// Also says whether this call made the final step to CONFIRMED. After a step this call made itself, the order's
    /// new status is known and is not read again; when this call made every step, its answer is built from what it
    /// wrote, without reading the order back.
    /// </summary>
    private async Task<(Result<OrderView> Order, bool ConfirmedHere)> AdvanceAsync(
        CheckoutDbContext db, Order order, CardDetails card, Trail trail, CancellationToken ct)
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
                    (stop, movedTo) = await AuthorizeAsync(db, order, card, trail, ct);
                    break;
                case OrderStatus.PaymentAuthorized:
                    (stop, confirmedHere) = await CaptureAsync(db, order, trail, ct);
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
                return (trail.View(status) ?? (await OrderService.LoadViewAsync(db, o => o.Id == order.Id, ct))!, confirmedHere);
            }
            if (movedTo is { } known)
            {
                status = known;
            }
            else
            {
                trail.Lost();
                order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id, ct);
                status = order.Status;
            }
        }
    }

    /// <summary>Authorizes and records it; says PAYMENT_AUTHORIZED when this call made that step, null when someone else moved the order.</summary>
    private async Task<(Error? Stop, OrderStatus? MovedTo)> AuthorizeAsync(CheckoutDbContext db, Order order, CardDetails card, Trail trail, CancellationToken ct)
    {
        using var step = CheckoutTracing.Span("payment.authorize");
        faults.At(CheckoutFaultPoint.BeforeAuthorize, order.CheckoutSessionId);
        var result = await gateway.AuthorizeAsync(order.CheckoutSessionId.ToString(), order.TotalMinor, order.Currency, card, ct);
        var now = clock.GetUtcNow();
        bool failed;
        switch (result.Outcome)
        {
            case GatewayOutcome.Timeout:
                return (new Error(ErrorCodes.PaymentPending, "The payment provider did not answer. Try again: you will not be charged twice."), null);
            case GatewayOutcome.Declined or GatewayOutcome.InsufficientFunds:
                var reason = new TransitionRequest(Checkout.Actor, result.Message);
                failed = await units.RunAsync(db, async (w, token) =>
                {
                    var failedHere = await OrderLedger.TryTransitionAsync(w, order.Id, OrderStatus.Pending, OrderStatus.PaymentFailed, now, reason, token);
                    if (failedHere)
                    {
                        await OrderLedger.TryTransitionAsync(w, order.Id, OrderStatus.PaymentFailed, OrderStatus.Cancelled, now, reason, token);
                        await SessionLedger.FailAsync(w, order.CheckoutSessionId, now, waiting, token);
                    }
                    return UnitResult.Keep(failedHere);
                }, ct);
                trail.Lost();
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

        // Read before the write lock is taken (unless this call read it already): a session's lines never change, and
        // whether it is still open is decided by the conditional UPDATE below. Its promo cannot change either: the
        // hold was extended before payment.
        var session = trail.Session ?? await SessionQueries.ById(db, order.CheckoutSessionId, ct) ?? throw new InvalidOperationException("An order's checkout vanished.");
        // The card on record is the one the gateway authorized, whichever request's answer this is.
        var payment = new Payment(order.Id, result.TransactionId!, order.TotalMinor, order.Currency, result.Card ?? card.Summary, now);
        var recorded = await units.RunAsync(db, async (w, token) =>
        {
            if (!await OrderLedger.TryTransitionAsync(w, order.Id, OrderStatus.Pending, OrderStatus.PaymentAuthorized, now, Checkout, token))
            {
                return UnitResult.Undo(Authorization.OrderMoved);
            }
            // One cart, one order: the cart closes with its first authorized order (its row first, as a checkout
            // start locks it first), taking out what the order bought; an order from a cart closed already is undone.
            if (!await CartLedger.CheckOutAsync(w, session.CartId, session.Lines.Select(l => (l.Sku, l.Quantity)), now, token))
            {
                return UnitResult.Undo(Authorization.CartOrdered);
            }
            if (!await SessionLedger.CompleteAsync(w, session, now, token))
            {
                return UnitResult.Undo(Authorization.HoldGone);
            }
            await PaymentLedger.AuthorizedAsync(w, payment, token);
            return UnitResult.Keep(Authorization.Recorded);
        }, ct);
        switch (recorded)
        {
            case Authorization.OrderMoved:
                // Someone else moved the order: another retry (same key, same authorization) or a cancellation, which
                // must not keep the shopper's money on hold.
                if (await db.Orders.AnyAsync(o => o.Id == order.Id && o.Status == OrderStatus.Cancelled, ct))
                {
                    await gateway.VoidAsync($"void-{order.Id}", result.TransactionId!, ct);
                }
                return (null, null);
            case Authorization.CartOrdered:
                return (await AbandonAsync(db, order, result.TransactionId!, CartAlreadyOrdered(), ct), null);
            case Authorization.HoldGone:
                return (await AbandonAsync(db, order, result.TransactionId!, HoldExpired(), ct), null);
        }
        trail.Moved(OrderStatus.Pending, OrderStatus.PaymentAuthorized, now, payment);
        return (null, OrderStatus.PaymentAuthorized);
    }

    /// <summary>
    /// The order cannot stand (its hold was released, or its cart already became another order) once the authorization
    /// came back: give the money back, cancel, and release whatever the checkout still holds; nothing is sold.
    /// </summary>
    private async Task<Error> AbandonAsync(CheckoutDbContext db, Order order, string authorizationId, Error why, CancellationToken ct)
    {
        await gateway.VoidAsync($"void-{order.Id}", authorizationId, ct);
        var now = clock.GetUtcNow();
        await units.RunAsync(db, async (w, token) =>
        {
            await OrderLedger.TryTransitionAsync(
                w, order.Id, OrderStatus.Pending, OrderStatus.Cancelled, now, new TransitionRequest(Checkout.Actor, why.Message), token);
            return UnitResult.Keep(await SessionLedger.CancelAsync(w, order.CheckoutSessionId, now, waiting, token));
        }, ct);
        await events.PublishRaisedAsync(db);
        return why;
    }

    /// <summary>Captures the recorded authorization (this call's, else the one on record) and confirms the order.</summary>
    private async Task<(Error? Stop, bool Confirmed)> CaptureAsync(CheckoutDbContext db, Order order, Trail? trail, CancellationToken ct)
    {
        using var steps = CheckoutTracing.StepsOf();
        steps.Next("payment.capture");
        faults.At(CheckoutFaultPoint.RecordedNotCaptured, order.CheckoutSessionId);
        var payment = trail?.Payment ?? await db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == order.Id, ct);
        var result = await gateway.CaptureAsync($"capture-{order.Id}", payment.AuthorizationId, payment.AmountMinor, ct);
        if (!result.Approved)
        {
            return (new Error(ErrorCodes.PaymentPending, "The payment could not be captured yet. Try again: you will not be charged twice."), false);
        }
        faults.At(CheckoutFaultPoint.CapturedNotConfirmed, order.CheckoutSessionId);
        var now = clock.GetUtcNow();
        var message = new OutboxMessage(OutboxTypes.OrderConfirmed, order.Id, ConfirmedPayload(order), now);
        steps.Next("order.confirm");
        var confirmed = await units.RunAsync(db, async (w, token) =>
        {
            if (!await OrderLedger.TryTransitionAsync(w, order.Id, OrderStatus.PaymentAuthorized, OrderStatus.Confirmed, now, Checkout, token))
            {
                return UnitResult.Undo(false);
            }
            if (!await PaymentLedger.RecordCaptureAsync(w, order.Id, now, token))
            {
                throw new InvalidOperationException($"The payment of order {order.Number} was not authorized when its capture was recorded.");
            }
            await OrderLedger.AnnounceAsync(w, message, token);
            return UnitResult.Keep(true);
        }, ct, durable: true); // The shopper is told the order is confirmed once this commits: it must survive a power loss.
        if (confirmed)
        {
            steps.Next("order.publish");
            LogConfirmed(order.Number, order.TotalMinor, order.Currency);
            payment.MarkCaptured(now);
            faults.At(CheckoutFaultPoint.ConfirmedNotDispatched, order.CheckoutSessionId);
            metrics.OrderConfirmed(order.TotalMinor, order.Currency);
            await events.PublishAsync(new OrderStatusChanged(order.Id, order.Number, OrderStatus.Confirmed));
            trail?.Moved(OrderStatus.PaymentAuthorized, OrderStatus.Confirmed, now, payment);
        }
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
        await orders.SettleRefundOrVoidAsync(db, order.Id, Checkout.Actor, OrderService.SettlementReason(OrderStatus.Cancelled), ct);
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
            shipTo = order.Delivery?.Address,
            deliveryMethod = order.Delivery is { } delivery ? new { id = delivery.MethodId, name = delivery.MethodName } : null,
        }, OutboxMessage.PayloadJson);

    /// <summary>How recording an authorization ended; anything but <see cref="Recorded"/> wrote nothing.</summary>
    private enum Authorization
    {
        Recorded,
        OrderMoved,
        CartOrdered,
        HoldGone,
    }

    private static Error HoldExpired() => new(ErrorCodes.HoldExpired, "The items in this checkout were released before payment; nothing was charged.");

    private static Error CartAlreadyOrdered() => new(ErrorCodes.CartClosed, "This cart's order was placed already; nothing was charged.");

    /// <summary>
    /// What this call wrote of an order it placed itself: the order with its first status, each step it made and the
    /// payment. When it made every step from placing to the end, the answer is built from this; once another call or
    /// an outcome it did not write moved the order, only a read tells the truth. Also the checkout session as the call
    /// first read it (its lines never change), so that resuming an order placed earlier does not read it again.
    /// </summary>
    private sealed class Trail(CheckoutSession? session)
    {
        private readonly List<OrderHistoryView> _steps = [];
        private Order? _order;
        private bool _lost;

        public CheckoutSession? Session { get; private set; } = session;

        public Payment? Payment { get; private set; }

        public void Placed(Order order, CheckoutSession session)
        {
            _order = order;
            Session = session;
            _steps.AddRange(order.History.Select(h => new OrderHistoryView(h.From, h.To, h.At, h.Actor, h.Reason)));
        }

        public void Moved(OrderStatus from, OrderStatus to, DateTimeOffset at, Payment payment)
        {
            _steps.Add(new OrderHistoryView(from, to, at, Checkout.Actor, Checkout.Reason));
            Payment = payment;
        }

        public void Lost() => _lost = true;

        /// <summary>The order as this call left it in <paramref name="status"/>, or null when this call does not know all of it.</summary>
        public OrderView? View(OrderStatus status) => _order is { } order && !_lost && _steps[^1].To == status && Payment is { } payment
            ? OrderService.View(order, status, version: _steps.Count - 1, payment, _steps, refunds: [])
            : null;
    }
}
