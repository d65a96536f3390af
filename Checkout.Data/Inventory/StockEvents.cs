using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Inventory;

public sealed record StockChanged(string Sku, int Available, int Reserved) : CheckoutEvent;

public static class StockEvents
{
    /// <summary>Reads the current stock of the SKUs and publishes a <see cref="StockChanged"/> for each.</summary>
    public static async Task PublishStockAsync(this CheckoutEvents events, IEnumerable<string> skus, CancellationToken ct = default)
    {
        var list = skus.Distinct().ToList();
        if (list.Count == 0 || !events.HasListeners)
        {
            return;
        }
        await using var db = await events.DbFactory.CreateDbContextAsync(ct);
        var stock = await db.Inventory.AsNoTracking().Where(i => list.Contains(i.Sku))
            .Select(i => new StockChanged(i.Sku, i.Quantity, i.Reserved)).ToListAsync(ct);
        foreach (var changed in stock)
        {
            await events.PublishAsync(changed);
        }
    }
}
