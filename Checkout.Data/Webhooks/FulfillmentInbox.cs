using System.Text.Json;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Webhooks;

/// <summary>A partner's shipment update: <c>shipped</c> (with carrier and tracking number), <c>delivered</c> or <c>return_received</c>.</summary>
public sealed record FulfillmentUpdate(string? Id, string? Type, Guid OrderId, string? Carrier = null, string? TrackingNumber = null);

/// <summary>
/// Shipment updates from the warehouse (<c>POST /api/fulfillment/events</c>), signed like outgoing webhooks with the
/// subscription's secret. A missing, wrong or stale signature, or an event id accepted before, is refused and changes
/// nothing; an accepted update moves the order through <see cref="OrderService.TransitionAsync"/> (compare-and-set,
/// history with the partner as actor, the shopper's e-mail through the outbox).
/// </summary>
public sealed class FulfillmentInbox(
    IDbContextFactory<CheckoutDbContext> dbFactory, WebhookSecrets secrets, OrderService orders, TimeProvider clock, IOptions<WebhookOptions> options)
{
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string ReturnReceived = "return_received";

    public const int MaxEventId = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<Result<OrderView>> ReceiveAsync(string? subscriptionHeader, string? signature, string body, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var subscription = Guid.TryParse(subscriptionHeader, out var subscriptionId)
            ? await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId && s.Enabled, ct)
            : null;
        if (subscription is null
            || !WebhookSignature.Verify(signature, body, secrets.Signing(subscription, now), now, options.Value.SignatureTolerance))
        {
            return new Error(ErrorCodes.SignatureInvalid, $"The request is not signed by an enabled subscription's secret in the last {options.Value.SignatureTolerance.TotalMinutes:0} minutes.");
        }
        FulfillmentUpdate? update;
        try
        {
            update = JsonSerializer.Deserialize<FulfillmentUpdate>(body, Json);
        }
        catch (JsonException)
        {
            return Error.Validation("The body is not a shipment update.");
        }
        if (update is null || !InputRules.IsText(update.Id, MaxEventId, required: true) || update.OrderId == Guid.Empty)
        {
            return Error.Validation($"An update has an id (1–{MaxEventId} printable characters), a type and an orderId.");
        }
        OrderStatus? to = update.Type switch
        {
            Shipped => OrderStatus.Shipped,
            Delivered => OrderStatus.Delivered,
            ReturnReceived => OrderStatus.Returned,
            _ => null,
        };
        if (to is not { } status)
        {
            return Error.Validation($"The type is one of {Shipped}, {Delivered}, {ReturnReceived}.");
        }
        if (await SeenAsync(db, subscription.Id, update.Id!, ct))
        {
            return Replayed(update.Id!);
        }
        var actor = $"partner:{subscription.Name}";
        var reason = update.Carrier is { Length: > 0 } carrier ? $"{update.Type} ({carrier})" : update.Type;
        var seen = new WebhookInboundEvent(subscription.Id, update.Id!, update.OrderId, update.Type!, now);
        try
        {
            // The event id is kept in the move's transaction: a replay finds it, whenever the process died.
            var moved = await orders.TransitionAsync(
                update.OrderId, status, new TransitionRequest(actor[..Math.Min(actor.Length, 100)], reason, update.TrackingNumber),
                alongside: move => move.WebhookInboundEvents.Add(seen), ct: ct);
            // A copy of the event that arrived while the first was moving the order lost to it: it is a replay, not a conflict.
            return !moved.IsSuccess && await SeenAsync(db, subscription.Id, update.Id!, ct) ? Replayed(update.Id!) : moved;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same event at the same time: the other copy moved the order, and this one changed nothing.
            return Replayed(update.Id!);
        }
    }

    private static Task<bool> SeenAsync(CheckoutDbContext db, Guid subscriptionId, string eventId, CancellationToken ct) =>
        db.WebhookInboundEvents.AnyAsync(e => e.SubscriptionId == subscriptionId && e.EventId == eventId, ct);

    private static Error Replayed(string eventId) => new(ErrorCodes.EventReplayed, $"The event {eventId} was received before.");
}
