using Checkout.Data;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.HotStock;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Checkout.Bench;

/// <summary>
/// A shop on a throwaway database of its own (<see cref="BenchDatabase"/>), wired by the product's own registration
/// (as the tests' TestShop is) on the real clock. The background workers (sweeper, outbox dispatcher, counter
/// reconciler) are registered but not started: no row needs them, and they would only add noise. With
/// <c>--redis</c> the shop's keys carry a prefix of their own, its products are hot, and their counters are seeded
/// as soon as they are added; the keys are deleted at the end.
/// </summary>
public sealed class BenchShop : IAsyncDisposable
{
    public const long PriceMinor = 1990;

    private readonly BenchDatabase _database;
    private readonly ServiceProvider _services;
    private readonly string? _redisPrefix;

    private BenchShop(BenchDatabase database, ServiceProvider services, string? redisPrefix)
    {
        _database = database;
        _services = services;
        _redisPrefix = redisPrefix;
    }

    public DatabaseProvider Provider => _database.Provider;
    public string ConnectionString => _database.ConnectionString;

    /// <summary>The row's folder: the SQLite file and whatever else the row keeps on disk go with it at the end.</summary>
    public string Folder => _database.Folder;
    public IServiceProvider Services => _services;
    public CartService Carts => _services.GetRequiredService<CartService>();
    public CheckoutService Checkouts => _services.GetRequiredService<CheckoutService>();
    public PlaceOrderService PlaceOrders => _services.GetRequiredService<PlaceOrderService>();

    /// <summary>What the row's note says about the hot path: how many takes Redis answered (null without Redis).</summary>
    public string? RedisNote => _redisPrefix is null ? null : $"Redis answered {Counters.Taken:N0} takes (warm-up included)";

    private RedisCounters Counters => _services.GetRequiredService<RedisCounters>();

    /// <summary>How many commits the SQLite writer made and how many write units they held so far; null where units are transactions.</summary>
    public (long Batches, long Units)? WriterCommits => _services.GetRequiredService<WriteUnits>() is SqliteWriter writer ? writer.Committed : null;

    /// <summary>What the row's note says about the SQLite writer's batching between two readings of <see cref="WriterCommits"/>.</summary>
    public static string? BatchingNote((long Batches, long Units)? before, (long Batches, long Units)? after) =>
        before is { } b && after is { } a && a.Batches > b.Batches
            ? $"writer: {a.Units - b.Units:N0} units in {a.Batches - b.Batches:N0} commits ({(double)(a.Units - b.Units) / (a.Batches - b.Batches):N1} per commit)"
            : null;

    public static async Task<BenchShop> CreateAsync(BenchOptions options)
    {
        var database = await BenchDatabase.CreateAsync(options);
        try
        {
            var redisPrefix = options.Redis is null ? null : $"checkout-bench:{Guid.NewGuid():N}:";
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = database.Folder, EnvironmentName = "Production" });
            var settings = new Dictionary<string, string?>
            {
                [DependencyInjection.ProviderKey] = database.Provider.ToString(),
                [$"ConnectionStrings:{DependencyInjection.ConnectionStringName}"] = database.ConnectionString,
                [$"{CheckoutOptions.Section}:{nameof(CheckoutOptions.SimulatedGatewayLatency)}"] = "00:00:00",
            };
            if (options.Redis is not null)
            {
                settings[$"{RedisOptions.Section}:{nameof(RedisOptions.ConnectionString)}"] = options.Redis;
                settings[$"{RedisOptions.Section}:{nameof(RedisOptions.KeyPrefix)}"] = redisPrefix;
            }
            builder.Configuration.AddInMemoryCollection(settings);
            builder.AddCheckoutData();
            var services = builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            await services.MigrateCheckoutDatabaseAsync();
            return new BenchShop(database, services, redisPrefix);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public Task<CheckoutDbContext> DbAsync() => _services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();

    /// <summary>
    /// Adds products <c>{prefix}-0 … {prefix}-{count-1}</c>, each with <paramref name="stock"/> units; with Redis they
    /// are hot, and every hot SKU's counter is seeded from the database before this returns.
    /// </summary>
    public async Task<string[]> AddProductsAsync(string prefix, int count, int stock)
    {
        var skus = Enumerable.Range(0, count).Select(i => $"{prefix}-{i}").ToArray();
        await using var db = await DbAsync();
        foreach (var sku in skus)
        {
            db.Products.Add(new Product(sku, $"Bench {sku}", "Bench", "📦", PriceMinor, isHot: _redisPrefix is not null));
            db.Inventory.Add(new InventoryItem(sku, stock));
        }
        await db.SaveChangesAsync();
        if (_redisPrefix is not null)
        {
            await _services.GetRequiredService<HotStockReconciler>().ReconcileOnceAsync();
        }
        return skus;
    }

    /// <summary>
    /// What the product's background reconciler does within its interval after a restart of Redis (which comes back
    /// empty): seeds the hot counters from the database again. Passes a second apart until one reaches Redis, for at most
    /// 30 s; says how it went. Nothing to do without Redis.
    /// </summary>
    public async Task<string?> ReseedHotStockAsync()
    {
        if (_redisPrefix is null)
        {
            return null;
        }
        for (var pass = 1; pass <= 30; pass++)
        {
            try
            {
                return $"counters seeded again by reconciler pass {pass}: {await _services.GetRequiredService<HotStockReconciler>().ReconcileOnceAsync()}";
            }
            catch (StackExchange.Redis.RedisException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
        return "counters not seeded again within 30 s: the hot SKU went on through the database";
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
        if (_redisPrefix is not null && Counters.Connection is { IsConnected: true } redis)
        {
            foreach (var endpoint in redis.GetEndPoints())
            {
                await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: $"{_redisPrefix}*"))
                {
                    await redis.GetDatabase().KeyDeleteAsync(key);
                }
            }
        }
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }
}
