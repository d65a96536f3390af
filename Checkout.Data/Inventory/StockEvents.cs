using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Inventory;

public sealed record StockChanged(string Sku, int Available, int Reserved) : CheckoutEvent;

/// <summary>The stock of these SKUs moved; sent instead of <see cref="StockChanged"/> when nobody needs the counts (<see cref="CheckoutEvents.Watch"/>).</summary>
public sealed record StockMoved(IReadOnlyList<string> Skus) : CheckoutEvent;

public static class StockEvents
{
    private static readonly CompiledQuery<Func<CheckoutDbContext, List<string>, IAsyncEnumerable<StockChanged>>> Stock = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, List<string> skus) => db.Inventory.AsNoTracking()
            .Where(i => skus.Contains(i.Sku))
            .Select(i => new StockChanged(i.Sku, i.Quantity, i.Reserved))));

    /// <summary>
    /// Reads the current stock of the SKUs and publishes a <see cref="StockChanged"/> for each; when nobody needs the
    /// counts but someone watches for moves, publishes one <see cref="StockMoved"/> without reading.
    /// </summary>
    public static async Task PublishStockAsync(this CheckoutEvents events, IEnumerable<string> skus, CancellationToken ct = default)
    {
        var list = skus.Distinct().ToList();
        if (list.Count == 0)
        {
            return;
        }
        if (!events.HasListeners)
        {
            if (events.HasWatchers)
            {
                await events.PublishAsync(new StockMoved(list));
            }
            return;
        }
        var stock = new List<StockChanged>(list.Count);
        await using (var db = await events.DbFactory.CreateDbContextAsync(ct))
        {
            await foreach (var changed in Stock.For(db)(db, list).WithCancellation(ct))
            {
                stock.Add(changed);
            }
        }
        foreach (var changed in stock)
        {
            await events.PublishAsync(changed);
        }
    }
}
