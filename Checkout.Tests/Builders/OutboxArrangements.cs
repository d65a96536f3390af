using Checkout.Data.Fulfillment;
using Checkout.Testing;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Builders;

/// <summary>Outbox deliveries as the dispatcher leaves them, written directly so that no background pass changes them.</summary>
public static class OutboxArrangements
{
    /// <summary>
    /// A confirmed order's message whose delivery to <paramref name="consumer"/> failed <paramref name="attempts"/> times:
    /// dead-lettered when <paramref name="dead"/>, otherwise due again in an hour.
    /// </summary>
    public static async Task<OutboxMessage> FailedDeliveryAsync(
        this IShopDatabase shop, DateTimeOffset now, string consumer, bool dead, string error = "The consumer is not answering.", int attempts = 3)
    {
        var message = new OutboxMessage(OutboxTypes.OrderConfirmed, Guid.NewGuid(), "{}", now);
        await using var db = await shop.DbAsync();
        db.OutboxMessages.Add(message);
        db.OutboxDeliveries.Add(new OutboxDelivery(message.Id, consumer, now, now));
        await db.SaveChangesAsync();
        await db.OutboxDeliveries.Where(d => d.MessageId == message.Id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Attempts, attempts)
            .SetProperty(d => d.NextAttemptAt, now.AddHours(1))
            .SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null)
            .SetProperty(d => d.LastError, error)
            .SetProperty(d => d.DeadAt, dead ? now : null));
        return message;
    }
}
