namespace Checkout.Data.Inventory;

public enum HoldStatus
{
    Active,
    Converted,
    Released,
}

/// <summary>
/// Units of one SKU reserved for one checkout session until <see cref="ExpiresAt"/>. Status only moves
/// Active → Converted (an order took the units) or Active → Released (expired or given up), each by a
/// compare-and-set on Active so that it happens exactly once.
/// </summary>
public sealed class Hold
{
    private Hold()
    {
    }

    public Hold(Guid checkoutSessionId, string sku, int quantity, DateTimeOffset now, DateTimeOffset expiresAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        Id = Guid.CreateVersion7(now);
        CheckoutSessionId = checkoutSessionId;
        Sku = sku;
        Quantity = quantity;
        CreatedAt = now;
        ExpiresAt = expiresAt;
        Status = HoldStatus.Active;
    }

    public Guid Id { get; private set; }
    public Guid CheckoutSessionId { get; private set; }
    public string Sku { get; private set; } = "";
    public int Quantity { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    /// <summary>True once payment has extended the hold; a hold is extended at most once.</summary>
    public bool Extended { get; private set; }

    public HoldStatus Status { get; private set; }
    public DateTimeOffset? ClosedAt { get; private set; }
}
