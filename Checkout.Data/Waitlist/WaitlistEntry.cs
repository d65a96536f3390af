namespace Checkout.Data.Waitlist;

public enum WaitlistStatus
{
    Waiting,

    /// <summary>A freed unit is held for this shopper until <see cref="WaitlistEntry.OfferExpiresAt"/>.</summary>
    Offered,

    /// <summary>The shopper started checkout with the offered unit.</summary>
    Claimed,

    /// <summary>The claim window passed; the unit went to the next in line or back on sale.</summary>
    Expired,

    Cancelled,
}

/// <summary>
/// A shopper waiting for one unit of a SKU whose stock is all held. Entries are served first in, first out; an
/// offer is a hold owned by the entry (its id stands where a checkout session id would), so the unit cannot be
/// sold to anyone else during the claim window.
/// </summary>
public sealed class WaitlistEntry
{
    private WaitlistEntry()
    {
    }

    public WaitlistEntry(string sku, string email, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Sku = sku;
        Email = email;
        CreatedAt = now;
        Status = WaitlistStatus.Waiting;
    }

    public Guid Id { get; private set; }
    public string Sku { get; private set; } = "";
    public string Email { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public WaitlistStatus Status { get; private set; }
    public DateTimeOffset? OfferExpiresAt { get; private set; }
}
