namespace Checkout.Data.Inventory;

/// <summary>The audit row of a restock or a manual adjustment of available stock.</summary>
public sealed class InventoryAdjustment
{
    private InventoryAdjustment()
    {
    }

    public InventoryAdjustment(string sku, int delta, string reason, string actor, DateTimeOffset at, Guid? requestId = null)
    {
        RequestId = requestId;
        Sku = sku;
        Delta = delta;
        Reason = reason;
        Actor = actor;
        At = at;
    }

    public long Id { get; private set; }
    public string Sku { get; private set; } = "";
    public int Delta { get; private set; }
    public string Reason { get; private set; } = "";
    public string Actor { get; private set; } = "";
    public DateTimeOffset At { get; private set; }

    /// <summary>The request that made it, when it carried an Idempotency-Key: a resumed request finds it and adjusts nothing.</summary>
    public Guid? RequestId { get; private set; }
}
