using Checkout.Data;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Checkout.Bench;

/// <summary>
/// A shop on a fresh SQLite file in its own temp folder, wired by the product's own registration (as the tests'
/// TestShop is) on the real clock. The background workers (sweeper, outbox dispatcher) are registered but not
/// started: no row needs them, and they would only add noise.
/// </summary>
public sealed class BenchShop : IAsyncDisposable
{
    public const long PriceMinor = 1990;

    private readonly string _folder;
    private readonly ServiceProvider _services;

    private BenchShop(string folder, string databasePath, ServiceProvider services)
    {
        _folder = folder;
        DatabasePath = databasePath;
        _services = services;
    }

    public string DatabasePath { get; }
    public IServiceProvider Services => _services;
    public CartService Carts => _services.GetRequiredService<CartService>();
    public CheckoutService Checkouts => _services.GetRequiredService<CheckoutService>();
    public PlaceOrderService PlaceOrders => _services.GetRequiredService<PlaceOrderService>();

    public static async Task<BenchShop> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "checkout-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var databasePath = Path.Combine(folder, "shop.db");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{DependencyInjection.ConnectionStringName}"] = $"Data Source={databasePath}",
            [$"{CheckoutOptions.Section}:{nameof(CheckoutOptions.SimulatedGatewayLatency)}"] = "00:00:00",
        });
        builder.AddCheckoutData();
        var services = builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        await services.MigrateCheckoutDatabaseAsync();
        return new BenchShop(folder, databasePath, services);
    }

    public Task<CheckoutDbContext> DbAsync() => _services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();

    /// <summary>Adds products <c>{prefix}-0 … {prefix}-{count-1}</c>, each with <paramref name="stock"/> units.</summary>
    public async Task<string[]> AddProductsAsync(string prefix, int count, int stock)
    {
        var skus = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToArray();
        await using var db = await DbAsync();
        foreach (var sku in skus)
        {
            db.Products.Add(new Product(sku, $"Bench {sku}", "Bench", "📦", PriceMinor));
            db.Inventory.Add(new InventoryItem(sku, stock));
        }
        await db.SaveChangesAsync();
        return skus;
    }

    /// <summary>
    /// Carts of one line each (quantity 1), written in bulk before a timed phase so that the phase measures only
    /// what it names. They are the product's own entities, saved through its own context.
    /// </summary>
    public async Task<Guid[]> PrepareCartsAsync(IReadOnlyList<string> skus, int count)
    {
        var ids = new Guid[count];
        var now = DateTimeOffset.UtcNow;
        const int batch = 2_000;
        for (var start = 0; start < count; start += batch)
        {
            await using var db = await DbAsync();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var cart = new Cart(Guid.CreateVersion7(now), now);
                cart.SetQuantity(skus[i % skus.Count], 1, PriceMinor, now);
                db.Carts.Add(cart);
                ids[i] = cart.Id;
            }
            await db.SaveChangesAsync();
        }
        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finalizing connection; the temp folder is the OS's to clean.
        }
    }
}
