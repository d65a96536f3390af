using Checkout.Data.Realtime;

namespace Checkout.Data.Waitlist;

public sealed record WaitlistOffered(Guid EntryId, string Sku, int Quantity, DateTimeOffset OfferExpiresAt) : CheckoutEvent;
