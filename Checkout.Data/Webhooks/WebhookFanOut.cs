using System.Text.Json;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Webhooks;

/// <summary>
/// The outbox consumer of webhooks (ADR 16): turns an order's announcement into a <see cref="WebhookEvent"/> and one
/// <see cref="WebhookDelivery"/> per enabled subscription that wants it, in one transaction; <see cref="WebhookSender"/>
/// sends them. An announcement is prepared only after the order's earlier ones, so a subscription's deliveries of an
/// order exist in the order's sequence. One no subscription wants costs one read and makes nothing. Idempotent on the message id.
/// </summary>
public sealed class WebhookFanOut(IDbContextFactory<CheckoutDbContext> dbFactory, OrderService orders) : IOutboxConsumer
{
    public const string ConsumerName = "webhooks";

    public string Name => ConsumerName;

    public IReadOnlySet<string> Types => WebhookEvents.OutboxTypesAnnounced;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var type = WebhookEvents.Of(message.Type);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var enabled = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.Enabled).ToListAsync(ct);
        var wanting = enabled.Where(s => s.Wants(type)).ToList();
        if (wanting.Count == 0)
        {
            // Nothing to prepare, and nothing later waits for it.
            return;
        }
        if (await db.WebhookEvents.AnyAsync(e => e.Id == message.Id, ct))
        {
            return;
        }
        var sequence = message.Sequence ?? throw new InvalidOperationException($"The order announcement {message.Id} has no sequence number.");
        var types = WebhookEvents.OutboxTypesAnnounced.Where(t => enabled.Any(s => s.Wants(WebhookEvents.Of(t)))).ToList();
        // An earlier announcement of the order that a subscription wants and that is still on its way (neither prepared nor
        // passed over): this one waits for it.
        if (await db.OutboxMessages.AnyAsync(
                m => m.AggregateId == message.AggregateId && m.Sequence < sequence && m.SentAt == null && types.Contains(m.Type)
                     && !db.WebhookEvents.Any(e => e.Id == m.Id)
                     && !db.OutboxDeliveries.Any(d => d.MessageId == m.Id && d.Consumer == ConsumerName && d.DeliveredAt != null),
                ct))
        {
            throw new InvalidOperationException($"The announcement {message.Id} waits for the earlier announcements of order {message.AggregateId}.");
        }
        if ((await orders.GetAsync(message.AggregateId, ct)).Value is not { } order)
        {
            throw new InvalidOperationException($"The order {message.AggregateId} of announcement {message.Id} was not found.");
        }
        var webhookEvent = new WebhookEvent(message.Id, type, message.AggregateId, sequence, Body(message, type, sequence, order), message.CreatedAt);
        db.WebhookEvents.Add(webhookEvent);
        db.WebhookDeliveries.AddRange(wanting.Select(s => new WebhookDelivery(webhookEvent, s.Id)));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // A concurrent redelivery prepared it first.
        }
    }

    /// <summary>The event as partners receive it: id, type, time, the order's sequence number, what the move says and the order.</summary>
    internal static string Body(OutboxMessage message, string type, int sequence, OrderView order)
    {
        using var data = JsonDocument.Parse(message.Payload);
        return JsonSerializer.Serialize(
            new WebhookBody(message.Id, type, message.CreatedAt, sequence, data.RootElement.Clone(), WebhookOrder.Of(order)), OutboxMessage.PayloadJson);
    }
}

/// <summary>The JSON every webhook carries (README, "Webhooks").</summary>
public sealed record WebhookBody(Guid Id, string Type, DateTimeOffset CreatedAt, int Sequence, JsonElement Data, WebhookOrder? Order);

/// <summary>The order as an event shows it: its lines, where it goes and its totals, in minor units.</summary>
public sealed record WebhookOrder(
    Guid Id, string Number, string Status, string Email, string Currency, IReadOnlyList<WebhookOrderLine> Lines, object? ShipTo, string? DeliveryMethod,
    long SubtotalMinor, long DiscountMinor, long ShippingMinor, long TaxMinor, long TotalMinor, string? TrackingNumber)
{
    public static WebhookOrder Of(OrderView o) => new(
        o.OrderId, o.OrderNumber, o.Status.WireName(), o.Email, o.Currency,
        [.. o.Lines.Select(l => new WebhookOrderLine(l.Sku, l.Name, l.Quantity, l.UnitPriceMinor, l.LineTotalMinor, l.RefundedQuantity))],
        o.Delivery?.Address, o.Delivery?.MethodName, o.SubtotalMinor, o.DiscountMinor, o.ShippingMinor, o.TaxMinor, o.TotalMinor, o.TrackingNumber);
}

public sealed record WebhookOrderLine(string Sku, string Name, int Quantity, long UnitPriceMinor, long LineTotalMinor, int RefundedQuantity);
