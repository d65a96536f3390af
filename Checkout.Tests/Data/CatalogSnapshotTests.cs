using System.Data.Common;
using Checkout.Data;
using Checkout.Data.Catalog;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Data;

/// <summary>
/// The catalog answers from memory: what the shop announces (a checkout holding units, an admin's adjustment, an
/// order) shows in the next lists at once, what it does not (a direct database edit) shows once the snapshot is
/// <c>Checkout:CatalogMaxAge</c> old, and a burst of announcements costs a couple of reads, not one each. The clock is
/// the shop's fake one and never moves unless a test moves it, so only an event can refresh the snapshot before then.
/// </summary>
public abstract class CatalogSnapshotTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task ACheckoutHoldingUnits_ShowsInTheNextList_AndCancellingItGivesThemBack()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 5);
        var catalog = shop.Get<CatalogService>();
        Assert.Equal((5, 0), Stock(await catalog.FindAsync("MUG")));

        var checkout = await shop.OpenCheckoutAsync(lines: ("MUG", 3));

        await Eventually.MatchesAsync(async () => Stock(Assert.Single(await catalog.ListAsync())), s => s == (2, 3), "the held units show in the list");
        ResultAssert.Success(await shop.Checkouts.CancelAsync(checkout.CheckoutSessionId));
        await Eventually.MatchesAsync(async () => Stock(await catalog.FindAsync("MUG")), s => s == (5, 0), "the released units are back in the catalog");
    }

    [Fact]
    public async Task AnAdminAdjustment_ShowsInTheNextList()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 5);
        var catalog = shop.Get<CatalogService>();
        Assert.Equal((5, 0), Stock(await catalog.FindAsync("MUG")));

        ResultAssert.Success(await shop.Get<InventoryAdminService>().AdjustAsync("MUG", 4, "Delivery arrived", "admin@example.com"));

        await Eventually.MatchesAsync(async () => Stock(await catalog.FindAsync("MUG")), s => s == (9, 0), "the restock shows in the catalog");
    }

    [Fact]
    public async Task APlacedOrder_ShowsItsUnitsNoLongerHeld()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 5);
        var catalog = shop.Get<CatalogService>();
        var checkout = await shop.OpenCheckoutAsync(lines: ("MUG", 2));
        await Eventually.MatchesAsync(async () => Stock(await catalog.FindAsync("MUG")), s => s == (3, 2), "the held units show in the catalog");

        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));

        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        await Eventually.MatchesAsync(async () => Stock(await catalog.FindAsync("MUG")), s => s == (3, 0), "the sold units are no longer shown as held");
    }

    [Fact]
    public async Task AChangeMadeStraightInTheDatabase_ShowsOnceTheSnapshotIsAsOldAsTheMaximumAge()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 5);
        await shop.AddProductAsync("TOTE", stock: 5);
        var catalog = shop.Get<CatalogService>();
        Assert.Equal(["MUG", "TOTE"], (await catalog.ListAsync()).Select(p => p.Sku));
        var maxAge = shop.Get<IOptions<CheckoutOptions>>().Value.CatalogMaxAge;

        // Behind the shop's back: no event announces any of it.
        await shop.SetStockAsync("MUG", 1);
        await shop.SetPriceAsync("MUG", 1_250);
        await using (var db = await shop.DbAsync())
        {
            (await db.Products.SingleAsync(p => p.Sku == "TOTE")).Deactivate();
            await db.SaveChangesAsync();
        }
        await shop.AddProductAsync("BAG", stock: 3);
        shop.Clock.Advance(maxAge - TimeSpan.FromMilliseconds(1));

        var before = await catalog.ListAsync();
        shop.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await catalog.ListAsync();

        Assert.Equal([("MUG", 5, 1000L), ("TOTE", 5, 1000L)], before.Select(p => (p.Sku, p.Available, p.PriceMinor)));
        Assert.Equal([("BAG", 3, 1000L), ("MUG", 1, 1250L)], after.Select(p => (p.Sku, p.Available, p.PriceMinor)));
        Assert.Null(await catalog.FindAsync("TOTE"));
    }

    [Fact]
    public async Task ABurstOfAThousandStockEvents_ReadsTheCatalogTwice_AndReadersKeepThePreviousSnapshotMeanwhile()
    {
        var reads = Reads.OfCatalog();
        await using var shop = await CreateShopAsync(interceptors: [reads]);
        await shop.AddProductAsync("MUG", stock: 5);
        var catalog = shop.Get<CatalogService>();
        Assert.Equal((5, 0), Stock(await catalog.FindAsync("MUG")));
        Assert.Equal(1, reads.Count);
        await shop.SetStockAsync("MUG", 1);
        var events = shop.Get<CheckoutEvents>();

        // The first event starts a read, which the test holds; the other 999 arrive while it is in flight.
        var held = reads.HoldNext();
        await events.PublishAsync(new StockChanged("MUG", 1, 0));
        await held.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 1; i < 1_000; i++)
        {
            await events.PublishAsync(new StockChanged("MUG", 1, 0));
        }
        var during = await catalog.ListAsync().WaitAsync(TimeSpan.FromSeconds(10));
        reads.Release();

        Assert.Equal((5, 0), Stock(Assert.Single(during)));
        // The held read, and one more for everything announced while it ran: the 999 share it.
        await Eventually.TrueAsync(() => reads.Count == 3, "the read asked for during the held one ran");
        Assert.Equal((1, 0), Stock(await catalog.FindCurrentAsync("MUG")));
        Assert.Equal(4, reads.Count);
    }

    [Fact]
    public async Task StockEventsNobodyReads_CostNoRead_AndTheNextReaderWaitsForTheirRead()
    {
        var reads = Reads.OfCatalog();
        var (shop, catalog, events) = await MugShownAsync(reads);
        await using var _ = shop;
        await shop.SetStockAsync("MUG", 4);
        // Read since it was read: a change reads again in the background, and readers keep the old one meanwhile.
        await events.PublishAsync(new StockChanged("MUG", 4, 0));
        await Eventually.TrueAsync(() => reads.Count == 2, "the change read the catalog again");
        await shop.SetStockAsync("MUG", 1);

        // Nobody has read the new snapshot: ten more changes only mark it stale. Had one of them started a read, the
        // held read would be that one and the list below would answer from the old snapshot without waiting.
        var held = reads.HoldNext();
        for (var i = 0; i < 10; i++)
        {
            await events.PublishAsync(new StockChanged("MUG", 1, 0));
        }
        var listed = catalog.ListAsync();
        await held.WaitAsync(TimeSpan.FromSeconds(10));
        reads.Release();

        Assert.Equal((1, 0), Stock(Assert.Single(await listed.WaitAsync(TimeSpan.FromSeconds(10)))));
        Assert.Equal(3, reads.Count);
        // The reader was answered from the new read, so it counts as read: the next change reads in the background again.
        await shop.SetStockAsync("MUG", 2);
        await events.PublishAsync(new StockChanged("MUG", 2, 0));
        await Eventually.MatchesAsync(async () => Stock(await catalog.FindAsync("MUG")), s => s == (2, 0), "the change read the catalog again");
        Assert.Equal(4, reads.Count);
    }

    [Fact]
    public async Task WithOnlyTheCatalogWatching_AStockMoveReadsNoCounts_AndTheCatalogStillShowsIt()
    {
        var reads = Reads.OfStockCounts();
        var (shop, catalog, events) = await MugShownAsync(reads);
        await using var _ = shop;
        Assert.Equal((false, true), (events.HasListeners, events.HasWatchers));

        await shop.OpenCheckoutAsync(lines: ("MUG", 3));

        Assert.Equal(0, reads.Count);
        await Eventually.MatchesAsync(async () => Stock(await catalog.FindAsync("MUG")), s => s == (2, 3), "the held units show in the catalog");
        // Someone who needs the counts (a storefront page) gets them read again.
        var counts = new List<StockChanged>();
        using (events.Subscribe(e =>
        {
            if (e is StockChanged changed)
            {
                lock (counts)
                {
                    counts.Add(changed);
                }
            }
            return Task.CompletedTask;
        }))
        {
            await shop.OpenCheckoutAsync(lines: ("MUG", 1));
        }
        Assert.Equal(1, reads.Count);
        Assert.Equal([new StockChanged("MUG", 1, 4)], counts);
    }

    [Fact]
    public async Task ListAndFind_AnswerAsTheDatabaseQueryDid_InItsOrderAndWithItsFilters()
    {
        await using var shop = await CreateShopAsync();
        await using (var db = await shop.DbAsync())
        {
            (string Sku, string Name, string Category)[] products =
            [
                ("COF-BEANS", "Espresso Beans", "Coffee"), ("COF-CUP", "espresso Cup", "Coffee"), ("COF-GRIND", "Burr Grinder", "Coffee"),
                ("TEA-MUG", "Tea Mug", "Tea"), ("TEA-POT", "Cast Iron Pot", "Tea"), ("GEAR-MUG", "Travel mug", "Gear"), ("OLD-MUG", "Old Mug", "Gear"),
            ];
            foreach (var (sku, name, category) in products)
            {
                db.Products.Add(new Product(sku, name, category, "📦", 1000));
                db.Inventory.Add(new InventoryItem(sku, 7));
            }
            await db.SaveChangesAsync();
            (await db.Products.SingleAsync(p => p.Sku == "OLD-MUG")).Deactivate();
            await db.SaveChangesAsync();
        }
        var catalog = shop.Get<CatalogService>();

        foreach (var (category, search) in new (string?, string?)[]
        {
            (null, null), ("", "  "), ("Coffee", null), ("coffee", null), (null, "MUG"), (null, "  espresso "), ("Coffee", "ESPRESSO"),
            ("Tea", "mug"), (null, "cof-"), (null, "grind"), (null, "nothing like it"), ("Gear", "old"),
        })
        {
            Assert.Equal(await FromTheDatabaseAsync(shop, category, search), await catalog.ListAsync(category, search));
        }
        Assert.Equal((await FromTheDatabaseAsync(shop, null, "cup")).Single(), await catalog.FindAsync("COF-CUP"));
        Assert.Null(await catalog.FindAsync("cof-cup"));
        Assert.Null(await catalog.FindAsync("OLD-MUG"));
    }

    /// <summary>A shop whose commands go through <paramref name="interceptor"/>, with 5 MUGs that the catalog has shown once.</summary>
    private async Task<(TestShop Shop, CatalogService Catalog, CheckoutEvents Events)> MugShownAsync(IInterceptor interceptor)
    {
        var shop = await CreateShopAsync(interceptors: [interceptor]);
        await shop.AddProductAsync("MUG", stock: 5);
        var catalog = shop.Get<CatalogService>();
        Assert.Equal((5, 0), Stock(await catalog.FindAsync("MUG")));
        return (shop, catalog, shop.Get<CheckoutEvents>());
    }

    /// <summary>The query the catalog answered every request with before it was kept in memory: the reference for its results.</summary>
    private static async Task<List<ProductView>> FromTheDatabaseAsync(TestShop shop, string? category, string? search)
    {
        await using var db = await shop.DbAsync();
        var term = search?.Trim().ToLowerInvariant();
        return await (
            from p in db.Products.AsNoTracking().Where(p =>
                (string.IsNullOrWhiteSpace(category) || p.Category == category)
                && (string.IsNullOrEmpty(term) || p.Name.ToLower().Contains(term) || p.Sku.ToLower().Contains(term)))
            join i in db.Inventory.AsNoTracking() on p.Sku equals i.Sku
            where p.Active
            orderby p.Category, p.Name
            select new ProductView(p.Sku, p.Name, p.Category, p.PriceMinor, p.Currency, i.Quantity, p.IsHot, i.Reserved)).ToListAsync();
    }

    private static (int Available, int Reserved) Stock(ProductView? product) =>
        product is null ? throw new InvalidOperationException("The product is not in the catalog.") : (product.Available, product.Reserved);

    /// <summary>Counts the reads a predicate picks (by their SQL, without identifier quotes), and holds the next one when asked.</summary>
    private sealed class Reads(Func<string, bool> counts) : DbCommandInterceptor
    {
        /// <summary>The catalog's reads: products joined with their stock.</summary>
        public static Reads OfCatalog() =>
            new(sql => sql.Contains("FROM products", StringComparison.Ordinal) && sql.Contains("JOIN inventory", StringComparison.Ordinal));

        /// <summary>Reads of stock counts alone (what a stock event publishes), not the catalog's join.</summary>
        public static Reads OfStockCounts() =>
            new(sql => sql.Contains("FROM inventory", StringComparison.Ordinal) && !sql.Contains("JOIN", StringComparison.Ordinal));

        private TaskCompletionSource? _armed;
        private TaskCompletionSource? _release;
        private TaskCompletionSource? _held;
        private int _count;

        public int Count => Volatile.Read(ref _count);

        /// <summary>Holds the next counted read until <see cref="Release"/>; the task completes once that read is being held.</summary>
        public Task HoldNext()
        {
            _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _armed, _release);
            return _held.Task;
        }

        public void Release() => _release?.SetResult();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            // Without identifier quotes, which PostgreSQL's SQL leaves off lower-case names.
            var sql = command.CommandText.Replace("\"", "", StringComparison.Ordinal);
            if (counts(sql))
            {
                Interlocked.Increment(ref _count);
                if (Interlocked.Exchange(ref _armed, null) is { } hold)
                {
                    _held!.SetResult();
                    // Bounded, so that a release that never comes fails the test instead of hanging it.
                    await hold.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
                }
            }
            return result;
        }
    }
}

public sealed class CatalogSnapshotTestsOnSqlite() : CatalogSnapshotTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class CatalogSnapshotTestsOnPostgreSQL() : CatalogSnapshotTests(DatabaseProvider.PostgreSQL);
