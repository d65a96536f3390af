namespace Checkout.Data.Inventory;

/// <summary>
/// Stock of one SKU. <see cref="Quantity"/> is what can still be sold, <see cref="Reserved"/> what checkouts hold
/// right now and <see cref="Sold"/> what orders took; only conditional updates move units between them, so the
/// sum changes only by restocks.
/// </summary>
public sealed class InventoryItem
{
    private InventoryItem()
    {
    }

    public InventoryItem(string sku, int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        Sku = sku;
        Quantity = quantity;
        Stocked = quantity;
    }

    public string Sku { get; private set; } = "";
    public int Quantity { get; private set; }
    public int Reserved { get; private set; }
    public int Sold { get; private set; }

    /// <summary>Every unit ever put on sale (initial stock plus adjustments): always Quantity + Reserved + Sold.</summary>
    public int Stocked { get; private set; }
}
