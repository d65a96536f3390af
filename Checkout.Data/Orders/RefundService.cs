using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Orders;

/// <summary>Units of one order line to give back.</summary>
public sealed record RefundLineRequest(string? Sku, int Quantity);

/// <summary>
/// A refund an admin asks for: an amount, or lines (exactly one of the two), with the reason. <paramref name="RequestId"/>
/// names the request (its Idempotency-Key's record) and becomes the refund's id, so a retried request finds its refund
/// instead of making another.
/// </summary>
public sealed record RefundRequest(long? AmountMinor, IReadOnlyList<RefundLineRequest>? Lines, string? Reason, string Actor, Guid? RequestId = null);

public sealed record RefundLineView(string Sku, int Quantity, long AmountMinor);

/// <summary>One refund of an order as its history shows it.</summary>
public sealed record RefundView(
    Guid RefundId, long AmountMinor, IReadOnlyList<RefundLineView> Lines, string Reason, string Actor, DateTimeOffset RequestedAt,
    RefundStatus Status, DateTimeOffset? CompletedAt)
{
    public static RefundView Of(Refund refund) => new(
        refund.Id, refund.AmountMinor, [.. refund.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new RefundLineView(l.Sku, l.Quantity, l.AmountMinor))],
        refund.Reason, refund.Actor, refund.RequestedAt, refund.Status, refund.CompletedAt);
}

/// <summary>
/// Partial refunds of a captured order, by lines or by an amount (ADR 14). The total refunded never exceeds the capture,
/// however many refunds race: each takes its amount from the payment with a compare-and-set before the gateway is
/// asked, and gets it back when the gateway refuses.
/// </summary>
public sealed class RefundService(IDbContextFactory<CheckoutDbContext> dbFactory, IPaymentGateway gateway, TimeProvider clock)
{
    private readonly Refunds _refunds = new(gateway, clock);

    /// <summary>
    /// The refusal the request's shape earns (a reason; an amount above 0 or lines with SKUs and quantities of at
    /// least 1, not both), with each field's messages under <c>errors</c>; null when it is well formed. Asks nothing of
    /// the database, so a form may check as the admin types.
    /// </summary>
    public static Error? Check(RefundRequest request)
    {
        var errors = new List<(string Field, string[] Messages)>();
        if (!InputRules.IsText(request.Reason, Refund.MaxReasonLength, required: true))
        {
            errors.Add(("reason", [$"Say why the money is given back, in at most {Refund.MaxReasonLength} characters."]));
        }
        switch (request)
        {
            case { AmountMinor: not null, Lines: not null }:
                errors.Add(("amountMinor", ["Refund an amount or lines, not both."]));
                break;
            case { AmountMinor: null, Lines: null }:
                errors.Add(("amountMinor", ["Refund an amount or lines."]));
                break;
            case { AmountMinor: <= 0 }:
                errors.Add(("amountMinor", ["An amount to refund is more than 0."]));
                break;
            case { Lines.Count: 0 }:
                errors.Add(("lines", ["Choose at least one line to refund."]));
                break;
            case { Lines: { } lines }:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < lines.Count; i++)
                {
                    if (string.IsNullOrWhiteSpace(lines[i].Sku))
                    {
                        errors.Add(($"lines[{i}].sku", ["Name the SKU of the line to refund."]));
                    }
                    else if (!seen.Add(lines[i].Sku!))
                    {
                        errors.Add(($"lines[{i}].sku", [$"{lines[i].Sku} is listed twice."]));
                    }
                    if (lines[i].Quantity < 1)
                    {
                        errors.Add(($"lines[{i}].quantity", ["Refund at least 1 unit."]));
                    }
                }
                break;
        }
        return errors.Count == 0 ? null : Refused(errors);
    }

    /// <summary>
    /// Gives back part of a captured order's money: the amount asked, or what the shopper paid for the units asked
    /// (<see cref="RefundPricing"/>). Only an order that is CONFIRMED, SHIPPED, DELIVERED or RETURNED and was captured is
    /// refunded (else <see cref="ErrorCodes.IllegalTransition"/>); more than is left, of the money or of a line, is
    /// refused field by field and changes nothing. The gateway's refusal gives the amount back
    /// (<see cref="ErrorCodes.PaymentDeclined"/>); its silence leaves the refund pending (<see cref="ErrorCodes.PaymentPending"/>),
    /// and the same request again finishes it. Idempotent on <see cref="RefundRequest.RequestId"/>.
    /// </summary>
    public async Task<Result<RefundView>> RefundAsync(Guid orderId, RefundRequest request, CancellationToken ct = default)
    {
        if (Check(request) is { } refused)
        {
            return refused;
        }
        if (AuditLog.CheckActor(request.Actor) is { } invalidActor)
        {
            return invalidActor;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null)
        {
            return Error.NotFound("The order");
        }
        var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.OrderId == orderId, ct);
        if (request.RequestId is { } requestId
            && await db.Refunds.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && r.OrderId == orderId, ct) is { } earlier)
        {
            // A retried request: its refund was made; finish it if the gateway's answer is still missing.
            return await AnswerAsync(db, earlier, earlier.Status == RefundStatus.Pending ? await _refunds.CompleteAsync(db, earlier, payment!.AuthorizationId, ct) : null, ct);
        }
        if (!RefundRule.PartAllows(order.Status))
        {
            return new Error(
                ErrorCodes.IllegalTransition,
                $"An order that is {order.Status.WireName()} is not refunded in part; only a CONFIRMED, SHIPPED, DELIVERED or RETURNED order is.");
        }
        if (payment is not { Status: PaymentStatus.Captured or PaymentStatus.Refunded })
        {
            return new Error(ErrorCodes.Conflict, "This order's payment was not captured, so there is nothing to refund.");
        }
        var priced = Price(order, payment, request);
        if (!priced.IsSuccess)
        {
            return priced.Error;
        }
        var now = clock.GetUtcNow();
        var refund = new Refund(
            request.RequestId ?? Guid.CreateVersion7(now), orderId, priced.Value.AmountMinor,
            priced.Value.Lines.Select(l => (l.Sku, l.Quantity, l.AmountMinor)), request.Reason!.Trim(), request.Actor, now);
        switch (await Refunds.OpenAsync(db, refund, priced.Value.Lines.ToDictionary(l => l.Sku, l => l.RefundedBefore), now, ct))
        {
            case Refunds.Opening.LineTaken:
                return new Error(ErrorCodes.Conflict, "Another refund of these lines came first; check the order and try again.");
            case Refunds.Opening.NotEnoughLeft:
                var left = (await db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == orderId, ct)).RefundableMinor;
                return Refused([(request.AmountMinor is null ? "lines" : "amountMinor", [MoreThanLeft(left, order.Currency)])]);
        }
        return await AnswerAsync(db, refund, await _refunds.CompleteAsync(db, refund, payment.AuthorizationId, ct), ct);
    }

    /// <summary>The order's refunds, oldest first.</summary>
    public async Task<Result<IReadOnlyList<RefundView>>> ListAsync(Guid orderId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Orders.AnyAsync(o => o.Id == orderId, ct))
        {
            return Error.NotFound("The order");
        }
        return Result<IReadOnlyList<RefundView>>.Success(await Refunds.ViewsAsync(db, orderId, ct));
    }

    /// <summary>The refund as it stands after the gateway's answer, or the answer's refusal.</summary>
    private static async Task<Result<RefundView>> AnswerAsync(CheckoutDbContext db, Refund refund, Refunds.Outcome? outcome, CancellationToken ct)
    {
        var stored = await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id, ct);
        return stored.Status switch
        {
            RefundStatus.Succeeded => RefundView.Of(stored),
            RefundStatus.Failed => new Error(
                ErrorCodes.PaymentDeclined, $"The payment provider refused the refund ({outcome?.Message ?? "refused"}); nothing was refunded.",
                new Dictionary<string, object?> { ["refundId"] = stored.Id }),
            _ => new Error(
                ErrorCodes.PaymentPending,
                "The payment provider did not answer; the refund waits for its answer. Send the same request again to finish it: it is never paid twice.",
                new Dictionary<string, object?> { ["refundId"] = stored.Id }),
        };
    }

    /// <summary>The amount and lines the request comes to, or the fields that ask for more than is left.</summary>
    private static Result<Priced> Price(Order order, Payment payment, RefundRequest request)
    {
        var left = payment.RefundableMinor;
        if (request.AmountMinor is { } amount)
        {
            return amount <= left ? new Priced(amount, []) : Refused([("amountMinor", [MoreThanLeft(left, order.Currency)])]);
        }
        var paid = RefundPricing.PaidPerLine([.. order.Lines.Select(l => (l.Sku, l.LineTotalMinor))], order.DiscountMinor, order.ShippingMinor, order.Tax);
        var errors = new List<(string Field, string[] Messages)>();
        var lines = new List<PricedLine>();
        for (var i = 0; i < request.Lines!.Count; i++)
        {
            var asked = request.Lines[i];
            var line = order.Lines.FirstOrDefault(l => string.Equals(l.Sku, asked.Sku!.Trim(), StringComparison.OrdinalIgnoreCase));
            if (line is null)
            {
                errors.Add(($"lines[{i}].sku", [$"The order has no line {asked.Sku}."]));
                continue;
            }
            var unitsLeft = line.Quantity - line.RefundedQuantity;
            if (asked.Quantity > unitsLeft)
            {
                errors.Add(($"lines[{i}].quantity", [unitsLeft == 0
                    ? $"Every unit of {line.Sku} is refunded already."
                    : $"At most {unitsLeft} of {line.Sku} {(unitsLeft == 1 ? "is" : "are")} left to refund."]));
                continue;
            }
            lines.Add(new PricedLine(line.Sku, asked.Quantity, RefundPricing.PriceUnits(paid[line.Sku], line.Quantity, line.RefundedQuantity, asked.Quantity), line.RefundedQuantity));
        }
        if (errors.Count > 0)
        {
            return Refused(errors);
        }
        var total = lines.Sum(l => l.AmountMinor);
        if (total == 0)
        {
            return Refused([("lines", ["The shopper paid nothing for these units, so there is nothing to refund."])]);
        }
        return total <= left
            ? new Priced(total, lines)
            : Refused([("lines", [$"These units come to {Money.Format(total, order.Currency)}; {MoreThanLeft(left, order.Currency)}"])]);
    }

    private static string MoreThanLeft(long leftMinor, string currency) => leftMinor == 0
        ? "Nothing is left to refund on this order."
        : $"At most {Money.Format(leftMinor, currency)} is left to refund on this order.";

    private static Error Refused(IReadOnlyList<(string Field, string[] Messages)> fields) =>
        FieldErrors.Refusal(ErrorCodes.Validation, $"Check the refund: {fields[0].Messages[0]}", fields);

    private sealed record Priced(long AmountMinor, IReadOnlyList<PricedLine> Lines);

    /// <param name="RefundedBefore">The line's units refunded when it was priced: its units are taken only while that holds.</param>
    private sealed record PricedLine(string Sku, int Quantity, long AmountMinor, int RefundedBefore);
}

/// <summary>
/// The steps every refund takes, partial or the rest of a capture: open it (take its units and its amount, write its
/// row), ask the gateway with its own key, record the answer. Shared by <see cref="RefundService"/> and
/// <see cref="OrderService"/>'s settlement of a cancelled or returned order.
/// </summary>
internal sealed class Refunds(IPaymentGateway gateway, TimeProvider clock)
{
    internal enum Opening
    {
        Opened,

        /// <summary>Another refund took units of a line since it was priced.</summary>
        LineTaken,

        /// <summary>Less money is left of the capture than the refund asks.</summary>
        NotEnoughLeft,
    }

    /// <summary>The gateway's answer: the refund's status after it, and what the gateway said.</summary>
    internal sealed record Outcome(RefundStatus Status, string Message);

    /// <summary>
    /// In one transaction, before the gateway is asked: each line's units (a compare-and-set on the count it was priced
    /// on), the amount from the capture (a compare-and-set within what is left), the refund's row and its entry in the
    /// audit log (<c>refund.created</c>, by the refund's actor). Nothing is written unless all of it is.
    /// </summary>
    public static async Task<Opening> OpenAsync(
        CheckoutDbContext db, Refund refund, IReadOnlyDictionary<string, int> refundedBefore, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // In SKU order: a fixed lock order for engines that lock rows (ADR 2).
        foreach (var line in refund.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            if (!await OrderLedger.TryTakeLineAsync(db, refund.OrderId, line.Sku, refundedBefore[line.Sku], line.Quantity, ct))
            {
                await tx.RollbackAsync(ct);
                return Opening.LineTaken;
            }
        }
        if (!await PaymentLedger.TryTakeForRefundAsync(db, refund.OrderId, refund.AmountMinor, now, ct))
        {
            await tx.RollbackAsync(ct);
            return Opening.NotEnoughLeft;
        }
        await RefundLedger.OpenAsync(db, refund, ct);
        AuditLog.Record(
            db, refund.Actor, "refund.created", AuditSubject.Order(refund.OrderId), before: null,
            new
            {
                RefundId = refund.Id, refund.AmountMinor, refund.Reason,
                Lines = refund.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new { l.Sku, l.Quantity, l.AmountMinor }),
            },
            now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Opening.Opened;
    }

    /// <summary>
    /// Asks the gateway to pay the refund back, keyed by the refund's id, and records the answer with a compare-and-set
    /// on the pending refund, so that of two calls finishing it one records it. Paid: the payment's refunded total
    /// grows (Refunded when all of the capture is) and, for an order that was confirmed, an <c>OrderRefunded</c>
    /// announcement is written in the same transaction. Refused: the amount and units go back. Unanswered: it stays pending.
    /// </summary>
    public async Task<Outcome> CompleteAsync(CheckoutDbContext db, Refund refund, string authorizationId, CancellationToken ct)
    {
        var result = await gateway.RefundAsync(refund.GatewayKey, authorizationId, refund.AmountMinor, ct);
        if (result.Outcome == GatewayOutcome.Timeout)
        {
            return new Outcome(RefundStatus.Pending, result.Message);
        }
        var now = clock.GetUtcNow();
        var to = result.Approved ? RefundStatus.Succeeded : RefundStatus.Failed;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await RefundLedger.TryFinishAsync(db, refund.Id, to, result.TransactionId, now, ct))
        {
            await tx.RollbackAsync(ct);
            return new Outcome((await db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id, ct)).Status, result.Message);
        }
        if (result.Approved)
        {
            if (!await PaymentLedger.RecordRefundAsync(db, refund.OrderId, refund.AmountMinor, now, ct))
            {
                throw new InvalidOperationException($"The payment of order {refund.OrderId} did not hold the pending refund {refund.Id}.");
            }
            // Only a sold order's refund is announced: an order cancelled before its confirmation was never told to anyone.
            if (await db.OrderStatusChanges.AnyAsync(h => h.OrderId == refund.OrderId && h.To == OrderStatus.Confirmed, ct))
            {
                // Read after this transaction's own update, with the payment's row locked: the total with this refund.
                var total = await db.Payments.AsNoTracking().Where(p => p.OrderId == refund.OrderId).Select(p => p.RefundedMinor).SingleAsync(ct);
                await OrderLedger.AnnounceAsync(db, OrderAnnouncements.Refunded(refund, total, now), ct);
            }
        }
        else
        {
            if (!await PaymentLedger.ReleaseRefundAsync(db, refund.OrderId, refund.AmountMinor, now, ct))
            {
                throw new InvalidOperationException($"The payment of order {refund.OrderId} did not hold the pending refund {refund.Id}.");
            }
            foreach (var line in refund.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
            {
                await OrderLedger.ReleaseLineAsync(db, refund.OrderId, line.Sku, line.Quantity, ct);
            }
        }
        await tx.CommitAsync(ct);
        return new Outcome(to, result.Message);
    }

    /// <summary>
    /// Gives back all that is left of a capture: first the order's refunds still waiting for the gateway's answer
    /// (unanswered, or cut short by a crash) are asked again with their own keys, then the rest of the capture is
    /// refunded as a refund of its own. False when this call found nothing left to refund (a racing settlement took it).
    /// </summary>
    public async Task<bool> SettleAsync(CheckoutDbContext db, Payment payment, string actor, string reason, CancellationToken ct)
    {
        var pending = await db.Refunds.AsNoTracking()
            .Where(r => r.OrderId == payment.OrderId && r.Status == RefundStatus.Pending)
            .ToListAsync(ct);
        foreach (var refund in pending)
        {
            await CompleteAsync(db, refund, payment.AuthorizationId, ct);
        }
        var left = (await db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == payment.OrderId, ct)).RefundableMinor;
        if (left == 0)
        {
            return pending.Count > 0;
        }
        var now = clock.GetUtcNow();
        var rest = new Refund(Guid.CreateVersion7(now), payment.OrderId, left, [], reason, actor, now);
        if (await OpenAsync(db, rest, new Dictionary<string, int>(), now, ct) != Opening.Opened)
        {
            return false;
        }
        await CompleteAsync(db, rest, payment.AuthorizationId, ct);
        return true;
    }

    /// <summary>An order's refunds, oldest first.</summary>
    public static async Task<IReadOnlyList<RefundView>> ViewsAsync(CheckoutDbContext db, Guid orderId, CancellationToken ct)
    {
        var refunds = await db.Refunds.AsNoTracking().Where(r => r.OrderId == orderId).ToListAsync(ct);
        return [.. refunds.OrderBy(r => r.RequestedAt).ThenBy(r => r.Id).Select(RefundView.Of)];
    }
}
