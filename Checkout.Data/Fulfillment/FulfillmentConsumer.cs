using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Fulfillment;

/// <summary>Where confirmed orders go to be shipped: records one shipment request per message id, ignoring redeliveries.</summary>
public sealed class FulfillmentConsumer(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock) : IOutboxConsumer
{
    public const string ConsumerName = "fulfillment";

    private static readonly IReadOnlySet<string> Wanted = new HashSet<string>(StringComparer.Ordinal) { OutboxTypes.OrderConfirmed };

    public string Name => ConsumerName;

    public IReadOnlySet<string> Types => Wanted;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ShipmentRequests.AnyAsync(s => s.MessageId == message.Id, ct))
        {
            return;
        }
        db.ShipmentRequests.Add(new ShipmentRequest(message.Id, message.AggregateId, message.Payload, clock.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // A concurrent redelivery recorded it first: that is the de-duplication working.
        }
    }
}
