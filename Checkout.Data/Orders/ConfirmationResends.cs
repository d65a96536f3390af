using System.Text.Json;
using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Orders;

/// <summary>A request to send an order's confirmation e-mail again: who asked, when, and the address it goes to.</summary>
/// <param name="RequestId">The id of the <see cref="OutboxTypes.OrderConfirmationResent"/> message that carries it.</param>
public sealed record ConfirmationResend(Guid RequestId, Guid OrderId, string OrderNumber, string Email, string Actor, DateTimeOffset RequestedAt);

/// <summary>
/// Sends an order's confirmation e-mail again, for a shopper who lost it: an <see cref="OutboxTypes.OrderConfirmationResent"/>
/// message, which the receipt's consumer turns into the same receipt as the first (a message of its own, so
/// fulfillment, which wants only the confirmation, ships nothing again).
/// </summary>
public sealed class ConfirmationResends(IDbContextFactory<CheckoutDbContext> dbFactory, WriteUnits units, TimeProvider clock)
{
    /// <summary>
    /// Writes the message for an order that was confirmed (whatever happened to it since); an order never confirmed has no
    /// confirmation to send (<see cref="ErrorCodes.Conflict"/>). Idempotent on <paramref name="requestId"/>: a request
    /// resumed after a crash finds the message it wrote and writes no second one. Without it, each call sends one more.
    /// </summary>
    public async Task<Result<ConfirmationResend>> ResendAsync(Guid orderId, string actor, Guid? requestId = null, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } actorError)
        {
            return actorError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var order = await db.Orders.AsNoTracking().Where(o => o.Id == orderId).Select(o => new { o.Number, o.Email }).SingleOrDefaultAsync(ct);
        if (order is null)
        {
            return Error.NotFound("The order");
        }
        if (requestId is { } id && await db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, ct) is { } written)
        {
            return JsonSerializer.Deserialize<ConfirmationResend>(written.Payload, OutboxMessage.PayloadJson)!;
        }
        if (!await db.OrderStatusChanges.AnyAsync(c => c.OrderId == orderId && c.To == OrderStatus.Confirmed, ct))
        {
            return new Error(ErrorCodes.Conflict, $"Order {order.Number} was never confirmed: it has no confirmation e-mail to send.");
        }
        var now = clock.GetUtcNow();
        var messageId = requestId ?? Guid.CreateVersion7(now);
        var resend = new ConfirmationResend(messageId, orderId, order.Number, order.Email, actor.Trim(), now);
        var message = new OutboxMessage(
            OutboxTypes.OrderConfirmationResent, orderId, JsonSerializer.Serialize(resend, OutboxMessage.PayloadJson), now, messageId);
        await units.RunAsync(db, async (w, token) =>
        {
            await w.InsertAsync(message, token);
            await AuditLog.InsertAsync(w, resend.Actor, "order.email.resent", AuditSubject.Order(orderId), null, new { resend.Email }, now, requestId, token);
            return UnitResult.Keep(true);
        }, ct);
        return resend;
    }
}
