using Checkout.Data.Webhooks;
using Checkout.Testing;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Builders;

/// <summary>Webhook deliveries as the sender leaves them, written directly so that no background pass changes them.</summary>
public static class WebhookArrangements
{
    /// <summary>
    /// An order's confirmation whose delivery to the subscription failed (answered 500): due again in an hour, or
    /// dead-lettered when <paramref name="dead"/>.
    /// </summary>
    public static async Task<WebhookEvent> FailedWebhookDeliveryAsync(this IShopDatabase shop, Guid subscriptionId, DateTimeOffset now, bool dead = false)
    {
        var webhookEvent = new WebhookEvent(Guid.CreateVersion7(now), WebhookEvents.OrderConfirmed, Guid.NewGuid(), 1, "{}", now);
        await using var db = await shop.DbAsync();
        db.WebhookEvents.Add(webhookEvent);
        db.WebhookDeliveries.Add(new WebhookDelivery(webhookEvent, subscriptionId));
        await db.SaveChangesAsync();
        await db.WebhookDeliveries.Where(d => d.EventId == webhookEvent.Id).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Attempts, 1)
            .SetProperty(d => d.NextAttemptAt, now.AddHours(1))
            .SetProperty(d => d.LastError, "The partner answered 500.")
            .SetProperty(d => d.DeadAt, dead ? now : null));
        return webhookEvent;
    }
}
