using System.Text.Json;
using Checkout.Data.Fulfillment;
using Checkout.Data.Realtime;

namespace Checkout.Data.Waitlist;

public sealed record WaitlistOffered(Guid EntryId, string Sku, int Quantity, DateTimeOffset OfferExpiresAt) : CheckoutEvent;

/// <summary>
/// An offer as the outbox announces it (<see cref="OutboxTypes.WaitlistOffered"/>, the entry's id as the aggregate), to
/// the shopper's e-mail now: written by <see cref="WaitlistLedger.OfferAsync"/> in the offer's own transaction, so the
/// shopper hears of every offer that was made, at least once, and of none that was rolled back.
/// </summary>
public sealed record WaitlistOfferAnnouncement(Guid EntryId, string Sku, DateTimeOffset OfferExpiresAt)
{
    internal OutboxMessage ToMessage(DateTimeOffset now) =>
        new(OutboxTypes.WaitlistOffered, EntryId, JsonSerializer.Serialize(this, OutboxMessage.PayloadJson), now);
}
