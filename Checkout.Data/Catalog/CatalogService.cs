using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Catalog;

public sealed record ProductView(
    string Sku, string Name, string Category, string Icon, long PriceMinor, string Currency, int Available, bool IsHot);

public sealed class CatalogService(IDbContextFactory<CheckoutDbContext> dbFactory)
{
    /// <summary>Active products with what is available to sell right now, optionally filtered.</summary>
    public async Task<IReadOnlyList<ProductView>> ListAsync(string? category = null, string? search = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = ProductViews(db);
        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(p => p.Category == category);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            query = query.Where(p => p.Name.ToLower().Contains(term) || p.Sku.ToLower().Contains(term));
        }
        return await query.OrderBy(p => p.Category).ThenBy(p => p.Name).ToListAsync(ct);
    }

    public async Task<ProductView?> FindAsync(string sku, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ProductViews(db).FirstOrDefaultAsync(p => p.Sku == sku, ct);
    }

    private static IQueryable<ProductView> ProductViews(CheckoutDbContext db) =>
        from p in db.Products.AsNoTracking()
        join i in db.Inventory.AsNoTracking() on p.Sku equals i.Sku
        where p.Active
        select new ProductView(p.Sku, p.Name, p.Category, p.Icon, p.PriceMinor, p.Currency, i.Quantity, p.IsHot);
}
