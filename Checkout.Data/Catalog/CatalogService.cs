namespace Checkout.Data.Catalog;

/// <param name="Reserved">Units held by checkouts right now: 0 available with some reserved means a shopper can join the waitlist.</param>
/// <param name="ImageVersion">The version every address of the product's picture carries; null when it has none.</param>
/// <param name="ImageAlt">The picture's text alternative; null when it has none.</param>
public sealed record ProductView(
    string Sku, string Name, string Category, long PriceMinor, string Currency, int Available, bool IsHot, int Reserved = 0,
    string? ImageVersion = null, string? ImageAlt = null);

/// <summary>
/// What the storefront shows of the catalog, answered from the <see cref="CatalogSnapshot"/>: for display only, a
/// moment behind the database at most (see there); a checkout reads prices and stock from the database itself.
/// </summary>
public sealed class CatalogService(CatalogSnapshot snapshot)
{
    /// <summary>Active products with what is available to sell, by category then name, optionally filtered.</summary>
    public async Task<IReadOnlyList<ProductView>> ListAsync(string? category = null, string? search = null, CancellationToken ct = default) =>
        (await snapshot.CurrentAsync(ct)).Matching(category, search);

    /// <summary>An active product as the snapshot shows it; null when there is no such product or it is no longer sold.</summary>
    public async Task<ProductView?> FindAsync(string sku, CancellationToken ct = default) =>
        (await snapshot.CurrentAsync(ct)).Find(sku);

    /// <summary>
    /// An active product as the database has it now, reading the whole catalog again for everyone: for a page that
    /// learned its copy is stale (the cart refused a unit it showed as available).
    /// </summary>
    public async Task<ProductView?> FindCurrentAsync(string sku, CancellationToken ct = default) =>
        (await snapshot.RefreshAsync(ct)).Find(sku);
}
