using Checkout.Data.Audit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Orders;

/// <summary>Who asked for a status change and why; written to the order's history.</summary>
/// <param name="RequestId">Names the request (its Idempotency-Key's record) so that, resumed after a crash, it finds the change it made.</param>
public sealed record TransitionRequest(string Actor, string? Reason = null, string? TrackingNumber = null, Guid? RequestId = null)
{
    public Error? Validate(OrderStatus to)
    {
        if (AuditLog.CheckActor(Actor) is { } actorError)
        {
            return actorError;
        }
        if (!InputRules.IsText(Reason, 500, required: false))
        {
            return Error.Validation("A reason is at most 500 printable characters.");
        }
        if (NeedsTracking(to) && string.IsNullOrWhiteSpace(TrackingNumber))
        {
            return Error.Validation("Shipping needs a tracking number.");
        }
        return InputRules.IsText(TrackingNumber, 64, required: false) ? null : Error.Validation("A tracking number is at most 64 printable characters.");
    }

    /// <summary>Shipping is refused without a tracking number.</summary>
    public static bool NeedsTracking(OrderStatus to) => to == OrderStatus.Shipped;
}

/// <summary>
/// Order reads and every status change after placement. Each change is a compare-and-set on the status the caller
/// saw, checked against <see cref="OrderTransitions"/>, with its history row and stock effects in one transaction;
/// money moves afterwards through the gateway with an idempotency key per order and operation.
/// </summary>
public sealed class OrderService(
    IDbContextFactory<CheckoutDbContext> dbFactory, IPaymentGateway gateway, TimeProvider clock, CheckoutEvents events, IWaitingDemand waiting,
    IOptions<CheckoutOptions> options)
{
    private readonly Refunds _refunds = new(gateway, clock);

    public async Task<Result<OrderView>> GetAsync(Guid orderId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var view = await LoadViewAsync(db, o => o.Id == orderId, ct);
        return view is null ? Error.NotFound("The order") : view;
    }

    public async Task<Result<OrderView>> GetByNumberAsync(string orderNumber, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var view = await LoadViewAsync(db, o => o.Number == orderNumber, ct);
        return view is null ? Error.NotFound("The order") : view;
    }

    public Task<Result<OrderView>> CancelAsync(Guid orderId, TransitionRequest request, CancellationToken ct = default) =>
        TransitionAsync(orderId, OrderStatus.Cancelled, request, ct: ct);

    public Task<Result<OrderView>> ShipAsync(Guid orderId, TransitionRequest request, CancellationToken ct = default) =>
        TransitionAsync(orderId, OrderStatus.Shipped, request, ct: ct);

    public Task<Result<OrderView>> DeliverAsync(Guid orderId, TransitionRequest request, CancellationToken ct = default) =>
        TransitionAsync(orderId, OrderStatus.Delivered, request, ct: ct);

    public Task<Result<OrderView>> InitiateReturnAsync(Guid orderId, TransitionRequest request, CancellationToken ct = default) =>
        TransitionAsync(orderId, OrderStatus.ReturnInitiated, request, ct: ct);

    public Task<Result<OrderView>> CompleteReturnAsync(Guid orderId, TransitionRequest request, CancellationToken ct = default) =>
        TransitionAsync(orderId, OrderStatus.Returned, request, ct: ct);

    /// <summary>
    /// Moves the order from its current status to <paramref name="to"/> if the transition table allows it, it is not a
    /// payment step (those belong to <see cref="PlaceOrderService"/>) and nobody moved it first; otherwise an <see cref="ErrorCodes.IllegalTransition"/> or <see cref="ErrorCodes.Conflict"/> result.
    /// Cancelling gives back holds or restocks, gives the promo use back (<see cref="OrderTransitions.GivesPromoUseBack"/>)
    /// and voids or refunds; completing a return restocks and refunds.
    /// </summary>
    /// <param name="alongside">Adds what the caller records of the move (a partner's event id) to the move's own transaction, so both commit or neither.</param>
    public async Task<Result<OrderView>> TransitionAsync(
        Guid orderId, OrderStatus to, TransitionRequest request, Action<CheckoutDbContext>? alongside = null, CancellationToken ct = default)
    {
        if (request.Validate(to) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return Error.NotFound("The order");
        }
        var from = order.Status;
        if (!OrderTransitions.IsAllowed(from, to))
        {
            return await MadeByThisRequestAsync(db, orderId, to, request, ct) ?? IllegalTransition(from, to);
        }
        if (OrderTransitions.IsPaymentStep(from, to))
        {
            return new Error(ErrorCodes.IllegalTransition, $"{to.WireName()} is reached only by paying at checkout.");
        }

        var now = clock.GetUtcNow();
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            if (!await OrderLedger.TryTransitionAsync(db, orderId, from, to, now, request, ct))
            {
                await tx.RollbackAsync(ct);
                return new Error(ErrorCodes.Conflict, $"The order was changed by someone else; it is no longer {from.WireName()}.");
            }
            if (to == OrderStatus.Cancelled && from == OrderStatus.Pending)
            {
                await SessionLedger.CancelAsync(db, order.CheckoutSessionId, now, waiting, ct);
            }
            else if (to is OrderStatus.Cancelled or OrderStatus.Returned && from != OrderStatus.PaymentFailed)
            {
                var lines = await db.Orders.Where(o => o.Id == orderId).SelectMany(o => o.Lines).Select(l => new { l.Sku, l.Quantity }).ToListAsync(ct);
                await StockLedger.RestockSoldAsync(db, lines.Select(l => (l.Sku, l.Quantity)), ct);
            }
            if (order.PromoCode is { } code && OrderTransitions.GivesPromoUseBack(from, to) && options.Value.Promotions.GiveBackOnCancel)
            {
                await PromoLedger.GiveBackAsync(db, order.CheckoutSessionId, code, ct);
            }
            AuditLog.Record(
                db, request.Actor, AuditAction(to), AuditSubject.Order(orderId), new { Status = from.WireName() },
                new { Status = to.WireName(), request.Reason, TrackingNumber = TransitionRequest.NeedsTracking(to) ? request.TrackingNumber : null },
                now, request.RequestId);
            alongside?.Invoke(db);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        if (to is OrderStatus.Cancelled or OrderStatus.Returned)
        {
            await SettleRefundOrVoidAsync(db, orderId, request.Actor, SettlementReason(to), ct);
        }
        await events.PublishRaisedAsync(db);
        var view = (await LoadViewAsync(db, o => o.Id == orderId, ct))!;
        await events.PublishAsync(new OrderStatusChanged(view.OrderId, view.OrderNumber, view.Status));
        if (to is OrderStatus.Cancelled or OrderStatus.Returned)
        {
            await events.PublishStockAsync(view.Lines.Select(l => l.Sku), ct);
        }
        return view;
    }

    /// <summary>
    /// A request resumed after a crash whose change had committed: it finishes what followed the change (giving the
    /// money back is idempotent per order) and answers with the order, instead of refusing the change it made itself.
    /// </summary>
    private async Task<Result<OrderView>?> MadeByThisRequestAsync(CheckoutDbContext db, Guid orderId, OrderStatus to, TransitionRequest request, CancellationToken ct)
    {
        if (request.RequestId is not { } requestId
            || !await db.OrderStatusChanges.AnyAsync(h => h.OrderId == orderId && h.To == to && h.RequestId == requestId, ct))
        {
            return null;
        }
        if (to is OrderStatus.Cancelled or OrderStatus.Returned)
        {
            await SettleRefundOrVoidAsync(db, orderId, request.Actor, SettlementReason(to), ct);
        }
        return (await LoadViewAsync(db, o => o.Id == orderId, ct))!;
    }

    /// <summary>
    /// Retries giving the money back for a cancelled or returned order whose void or refund did not go through
    /// (the gateway refused or did not answer): refunds still waiting for the gateway are asked again with their own
    /// keys, then what is left of the capture is refunded. Never gives back more than was captured.
    /// </summary>
    public async Task<Result<OrderView>> RefundAsync(Guid orderId, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return Error.NotFound("The order");
        }
        if (!RefundRule.OrderAllows(order.Status))
        {
            return new Error(ErrorCodes.IllegalTransition, $"An order that is {order.Status.WireName()} is refunded by cancelling it or completing its return.");
        }
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        if (payment is null || !RefundRule.MoneyLeft(payment.Status) || !await SettleRefundOrVoidAsync(db, orderId, actor, SettlementReason(order.Status), ct))
        {
            return new Error(ErrorCodes.Conflict, "There is no money left to give back on this order.");
        }
        return (await LoadViewAsync(db, o => o.Id == orderId, ct))!;
    }

    /// <summary>
    /// Gives the shopper's money back: voids an uncaptured authorization or refunds what is left of a capture (ADR 14).
    /// Idempotent per order. False when a captured payment had nothing left for this call to give back.
    /// </summary>
    internal async Task<bool> SettleRefundOrVoidAsync(CheckoutDbContext db, Guid orderId, string actor, string reason, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var payment = await db.Payments.FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        if (payment is null)
        {
            return true;
        }
        if (payment.Status == PaymentStatus.Captured)
        {
            return await _refunds.SettleAsync(db, payment, actor, reason, ct);
        }
        if (payment.Status == PaymentStatus.Authorized)
        {
            var result = await gateway.VoidAsync($"void-{orderId}", payment.AuthorizationId, ct);
            if (result.Approved)
            {
                payment.MarkVoided(clock.GetUtcNow());
                await db.SaveChangesAsync(ct);
            }
        }
        return true;
    }

    /// <summary>The audit log's name of a move to <paramref name="to"/>: <c>order.shipped</c>, <c>order.return-initiated</c>…</summary>
    internal static string AuditAction(OrderStatus to) => "order." + to.WireName().ToLowerInvariant().Replace('_', '-');

    /// <summary>The reason a settlement's refund gives: why the order gives its money back.</summary>
    internal static string SettlementReason(OrderStatus status) => status == OrderStatus.Returned ? "Order returned" : "Order cancelled";

    internal static Error IllegalTransition(OrderStatus from, OrderStatus to) => new(
        ErrorCodes.IllegalTransition,
        $"An order that is {from.WireName()} cannot become {to.WireName()}.",
        new Dictionary<string, object?> { ["from"] = from.WireName(), ["to"] = to.WireName() });

    internal static async Task<OrderView?> LoadViewAsync(CheckoutDbContext db, System.Linq.Expressions.Expression<Func<Order, bool>> match, CancellationToken ct)
    {
        var order = await db.Orders.AsNoTracking().Include(o => o.History).AsSplitQuery().FirstOrDefaultAsync(match, ct);
        if (order is null)
        {
            return null;
        }
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == order.Id, ct);
        return View(order, order.Status, order.Version, payment,
            [.. order.History.OrderBy(h => h.Id).Select(h => new OrderHistoryView(h.From, h.To, h.At, h.Actor, h.Reason))],
            await Refunds.ViewsAsync(db, order.Id, ct));
    }

    /// <summary>The view of an order in <paramref name="status"/>, with its payment, its history and its refunds (oldest first).</summary>
    internal static OrderView View(
        Order order, OrderStatus status, int version, Payment? payment, IReadOnlyList<OrderHistoryView> history, IReadOnlyList<RefundView> refunds) => new(
        order.Id, order.Number, order.CheckoutSessionId, status, version, order.Email,
        [.. order.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new OrderLineView(l.Sku, l.Name, l.Quantity, l.UnitPriceMinor, l.LineTotalMinor, l.RefundedQuantity))],
        order.SubtotalMinor, order.DiscountMinor, order.ShippingMinor, order.TotalMinor, order.Currency, order.PromoCode,
        order.TrackingNumber, order.CreatedAt,
        payment is null ? null : new PaymentView(payment.Status, payment.AmountMinor, payment.CapturedMinor, payment.RefundedMinor, payment.CardBrand, payment.CardLast4, payment.RefundPendingMinor),
        history, refunds, order.Delivery, order.Tax);
}

/// <summary>The compare-and-set write of a status change, shared by placement and later transitions.</summary>
internal static class OrderLedger
{
    /// <summary><c>UPDATE orders SET status = to, version = version + 1 WHERE id = @id AND status = from</c>, plus its history row.</summary>
    public static async Task<bool> TryTransitionAsync(
        CheckoutDbContext db, Guid orderId, OrderStatus from, OrderStatus to, DateTimeOffset now, TransitionRequest request, CancellationToken ct)
    {
        OrderTransitions.Table.Require(to, from);
        var tracking = to == OrderStatus.Shipped ? request.TrackingNumber : null;
        var changed = await db.ExpectAsync(
            """
            UPDATE "orders" SET "Status" = {2}, "Version" = "Version" + 1, "UpdatedAt" = {3}, "TrackingNumber" = COALESCE({4}, "TrackingNumber")
            WHERE "Id" = {0} AND "Status" = {1}
            """,
            1, ct, Column(nameof(Order.Id), orderId), Column(nameof(Order.Status), from), Column(nameof(Order.Status), to),
            Column(nameof(Order.UpdatedAt), now), Column(nameof(Order.TrackingNumber), tracking));
        if (changed)
        {
            await db.InsertAsync(new OrderStatusChange(orderId, from, to, now, request.Actor, request.Reason, request.RequestId), ct);
            if (OrderAnnouncements.For(orderId, from, to, tracking, now) is { } announcement)
            {
                await AnnounceAsync(db, announcement, ct);
            }
        }
        return changed;
    }

    /// <summary>
    /// Writes an announcement of the order (<paramref name="message"/>'s aggregate) with the order's next sequence
    /// number: <c>UPDATE orders SET LastAnnouncement = LastAnnouncement + 1</c>, then the message, numbered from the
    /// row in the same statement that inserts it. The update locks the order's row until the commit, so the order's
    /// announcements are numbered in the order they commit, without gaps, on every engine.
    /// </summary>
    public static async Task AnnounceAsync(CheckoutDbContext db, OutboxMessage message, CancellationToken ct)
    {
        if (!await db.ExpectAsync(
                """UPDATE "orders" SET "LastAnnouncement" = "LastAnnouncement" + 1 WHERE "Id" = {0}""",
                1, ct, Column(nameof(Order.Id), message.AggregateId)))
        {
            throw new InvalidOperationException($"The order {message.AggregateId} of the {message.Type} announcement does not exist.");
        }
        await db.WriteAsync(
            """
            INSERT INTO "outbox_messages" ("Id", "Type", "AggregateId", "Payload", "CreatedAt", "Sequence")
            SELECT {0}, {1}, {2}, {3}, {4}, "LastAnnouncement" FROM "orders" WHERE "Id" = {5}
            """,
            ct, Message(nameof(OutboxMessage.Id), message.Id), Message(nameof(OutboxMessage.Type), message.Type),
            Message(nameof(OutboxMessage.AggregateId), message.AggregateId), Message(nameof(OutboxMessage.Payload), message.Payload),
            Message(nameof(OutboxMessage.CreatedAt), message.CreatedAt), Column(nameof(Order.Id), message.AggregateId));
    }

    /// <summary>
    /// Takes <paramref name="quantity"/> units of a line for a refund priced on <paramref name="seen"/> units refunded
    /// before it: a compare-and-set on that count, within the line's quantity. False when another refund of the line
    /// came first or too few units are left.
    /// </summary>
    public static Task<bool> TryTakeLineAsync(CheckoutDbContext db, Guid orderId, string sku, int seen, int quantity, CancellationToken ct) =>
        db.ExpectAsync(
            """
            UPDATE "order_lines" SET "RefundedQuantity" = "RefundedQuantity" + {2}
            WHERE "OrderId" = {0} AND "Sku" = {1} AND "RefundedQuantity" = {3} AND "RefundedQuantity" + {2} <= "Quantity"
            """,
            1, ct, Line(nameof(OrderLine.OrderId), orderId), Line(nameof(OrderLine.Sku), sku),
            Line(nameof(OrderLine.RefundedQuantity), quantity), Line(nameof(OrderLine.RefundedQuantity), seen));

    /// <summary>Gives back the units a refund the gateway refused had taken of a line.</summary>
    public static Task<bool> ReleaseLineAsync(CheckoutDbContext db, Guid orderId, string sku, int quantity, CancellationToken ct) =>
        db.ExpectAsync(
            """
            UPDATE "order_lines" SET "RefundedQuantity" = "RefundedQuantity" - {2}
            WHERE "OrderId" = {0} AND "Sku" = {1} AND "RefundedQuantity" >= {2}
            """,
            1, ct, Line(nameof(OrderLine.OrderId), orderId), Line(nameof(OrderLine.Sku), sku), Line(nameof(OrderLine.RefundedQuantity), quantity));

    /// <summary>Inserts a new order with its lines and its first status change (Pending).</summary>
    public static async Task PlaceAsync(CheckoutDbContext db, Order order, CancellationToken ct)
    {
        await db.InsertAsync(order, ct);
        await db.InsertAllAsync(order.Lines, ct);
        await db.InsertAllAsync(order.History, ct);
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<Order>(property, value);

    private static Statements.Value Line(string property, object? value) => Statements.Value.Of<OrderLine>(property, value);

    private static Statements.Value Message(string property, object? value) => Statements.Value.Of<OutboxMessage>(property, value);
}
