using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Api;

/// <summary>Reads and arranges the shop's database behind the API: what the API cannot set up, and what "changed nothing" means.</summary>
public static class ShopDb
{
    /// <summary>
    /// Every row a request could touch, one readable line each, so that "changed nothing" is one equality whose
    /// failure shows the rows that moved.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SnapshotAsync(this ApiFactory api)
    {
        await using var db = await api.DbAsync();
        return await DbSnapshot.TakeAsync(db, withDelivery: false);
    }

    /// <summary>Fails, naming <paramref name="what"/> and listing the rows that appeared and disappeared, when the database moved since <paramref name="before"/>.</summary>
    public static async Task AssertUnchangedAsync(this ApiFactory api, IReadOnlyList<string> before, string what)
    {
        var after = await api.SnapshotAsync();
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        Assert.True(removed.Count == 0 && added.Count == 0,
            $"{what} changed the database.\nGone:\n  {string.Join("\n  ", removed)}\nNew:\n  {string.Join("\n  ", added)}");
    }

    /// <summary>Available (still sellable), reserved (held by checkouts) and sold units of a SKU.</summary>
    public static async Task<(int Available, int Reserved, int Sold)> StockAsync(this ApiFactory api, string sku)
    {
        await using var db = await api.DbAsync();
        var item = await db.Inventory.AsNoTracking().SingleAsync(i => i.Sku == sku);
        return (item.Quantity, item.Reserved, item.Sold);
    }

    /// <summary>Makes exactly <paramref name="available"/> units sellable, none reserved or sold.</summary>
    public static async Task SetStockAsync(this ApiFactory api, string sku, int available)
    {
        await using var db = await api.DbAsync();
        var changed = await db.Inventory.Where(i => i.Sku == sku).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Quantity, available)
            .SetProperty(i => i.Reserved, 0)
            .SetProperty(i => i.Sold, 0));
        Assert.Equal(1, changed);
    }

    /// <summary>The shop changes a price behind the shopper's back.</summary>
    public static async Task SetPriceAsync(this ApiFactory api, string sku, long priceMinor)
    {
        await using var db = await api.DbAsync();
        var product = await db.Products.SingleAsync(p => p.Sku == sku);
        product.ChangePrice(priceMinor);
        await db.SaveChangesAsync();
    }

    public static async Task<int> GatewayCallsAsync(this ApiFactory api, GatewayOperationKind kind)
    {
        await using var db = await api.DbAsync();
        return await db.GatewayOperations.CountAsync(o => o.Kind == kind);
    }

    public static async Task<int> CountAsync<T>(this ApiFactory api, Func<CheckoutDbContext, IQueryable<T>> query)
    {
        await using var db = await api.DbAsync();
        return await query(db).CountAsync();
    }
}
