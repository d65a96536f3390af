using System.Linq.Expressions;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Catalog;

/// <param name="Reserved">Units held by checkouts right now: 0 available with some reserved means a shopper can join the waitlist.</param>
public sealed record ProductView(
    string Sku, string Name, string Category, string Icon, long PriceMinor, string Currency, int Available, bool IsHot, int Reserved = 0);

public sealed class CatalogService(IDbContextFactory<CheckoutDbContext> dbFactory)
{
    /// <summary>Active products with what is available to sell right now, optionally filtered.</summary>
    public async Task<IReadOnlyList<ProductView>> ListAsync(string? category = null, string? search = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var term = search?.Trim().ToLowerInvariant();
        var query = ProductViews(db, p =>
            (string.IsNullOrWhiteSpace(category) || p.Category == category)
            && (string.IsNullOrEmpty(term) || p.Name.ToLower().Contains(term) || p.Sku.ToLower().Contains(term)));
        return await query.ToListAsync(ct);
    }

    public async Task<ProductView?> FindAsync(string sku, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ProductViews(db, p => p.Sku == sku).FirstOrDefaultAsync(ct);
    }

    private static IQueryable<ProductView> ProductViews(CheckoutDbContext db, Expression<Func<Product, bool>> filter) =>
        from p in db.Products.AsNoTracking().Where(filter)
        join i in db.Inventory.AsNoTracking() on p.Sku equals i.Sku
        where p.Active
        orderby p.Category, p.Name
        select new ProductView(p.Sku, p.Name, p.Category, p.Icon, p.PriceMinor, p.Currency, i.Quantity, p.IsHot, i.Reserved);
}
