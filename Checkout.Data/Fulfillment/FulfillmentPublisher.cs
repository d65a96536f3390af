using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Fulfillment;

/// <summary>Where confirmed orders go to be shipped. Delivery is at-least-once; implementations de-duplicate by message id.</summary>
public interface IFulfillmentPublisher
{
    Task PublishAsync(OutboxMessage message, CancellationToken ct = default);
}

/// <summary>The default consumer: records one shipment request per message id, ignoring redeliveries.</summary>
public sealed class InProcessFulfillmentPublisher(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock) : IFulfillmentPublisher
{
    public async Task PublishAsync(OutboxMessage message, CancellationToken ct = default)
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
