namespace Checkout.Data.Inventory;

public enum HoldStatus
{
    Active,
    Converted,
    Released,
}

/// <summary>
/// Units of one SKU reserved until <see cref="ExpiresAt"/> for one owner: a checkout session, or a waitlist entry whose
/// offer it is (exactly one of the two ids is set). Status only moves Active → Converted (an order took the units) or
/// Active → Released (expired or given up), each by a compare-and-set in <see cref="HoldLedger"/>.
/// </summary>
public sealed class Hold
{
    private Hold()
    {
    }

    private Hold(Guid? checkoutSessionId, Guid? waitlistEntryId, string sku, int quantity, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        Id = Guid.CreateVersion7(now);
        CheckoutSessionId = checkoutSessionId;
        WaitlistEntryId = waitlistEntryId;
        Sku = sku;
        Quantity = quantity;
        CreatedAt = now;
        ExpiresAt = expiresAt;
        Status = HoldStatus.Active;
    }

    public Guid Id { get; private set; }

    /// <summary>The checkout the units are held for; null for a waitlist offer.</summary>
    public Guid? CheckoutSessionId { get; private set; }

    /// <summary>The waitlist entry the units are offered to; null for a checkout's hold.</summary>
    public Guid? WaitlistEntryId { get; private set; }

    public string Sku { get; private set; } = "";
    public int Quantity { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>True once payment has extended the hold; a hold is extended at most once.</summary>
    public bool Extended { get; private set; }

    public HoldStatus Status { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }

    internal static Hold ForCheckout(Guid checkoutSessionId, string sku, int quantity, DateTimeOffset now, DateTimeOffset expiresAt) =>
        new(checkoutSessionId, null, sku, quantity, now, expiresAt);

    internal static Hold ForWaitlistOffer(Guid waitlistEntryId, string sku, int quantity, DateTimeOffset now, DateTimeOffset expiresAt) =>
        new(null, waitlistEntryId, sku, quantity, now, expiresAt);
}

/// <summary>Whom a hold's units are kept for.</summary>
public readonly record struct HoldOwner(HoldOwnerKind Kind, Guid Id)
{
    public static HoldOwner Checkout(Guid checkoutSessionId) => new(HoldOwnerKind.Checkout, checkoutSessionId);

    public static HoldOwner WaitlistOffer(Guid waitlistEntryId) => new(HoldOwnerKind.WaitlistOffer, waitlistEntryId);
}

public enum HoldOwnerKind
{
    Checkout,
    WaitlistOffer,
}
