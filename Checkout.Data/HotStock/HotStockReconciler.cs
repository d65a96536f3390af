using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.HotStock;

/// <summary>
/// Makes the Redis counters of hot SKUs equal to the database's available units: at start, whenever Redis comes back
/// or a command failed, and every <see cref="RedisOptions.ReconcileInterval"/>. Each SKU is seeded inside a database
/// transaction that holds its inventory row, so no move can commit between the read and the seed. Safe to run on
/// every instance at once.
/// </summary>
public sealed class HotStockReconciler(IDbContextFactory<CheckoutDbContext> dbFactory, RedisCounters counters)
{
    /// <summary>Seeds every hot SKU and then trusts exactly those; returns how many were seeded.</summary>
    public async Task<int> ReconcileOnceAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hot = await db.Products.AsNoTracking().Where(p => p.IsHot).Select(p => p.Sku).ToListAsync(ct);
        foreach (var sku in hot)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // A write that changes nothing, to hold the row (PostgreSQL, SQL Server) or the database (SQLite) until the seed is in.
            await db.Inventory.Where(i => i.Sku == sku).ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity), ct);
            var available = await db.Inventory.Where(i => i.Sku == sku).Select(i => i.Quantity).SingleAsync(ct);
            await counters.SeedAsync(sku, available);
            await tx.CommitAsync(ct);
        }
        counters.Seeded(hot);
        return hot.Count;
    }
}

/// <summary>Runs <see cref="HotStockReconciler"/> at start, on demand from <see cref="RedisCounters"/>, and on its interval.</summary>
public sealed partial class HotStockReconcilerService(
    HotStockReconciler reconciler, RedisCounters counters, TimeProvider clock, IOptions<RedisOptions> options, ILogger<HotStockReconcilerService> logger)
    : BackgroundService
{
    /// <summary>How soon a failed pass (Redis still away) is tried again.</summary>
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            await counters.ReseedWantedAsync(wait, clock, stoppingToken);
            try
            {
                var seeded = await reconciler.ReconcileOnceAsync(stoppingToken);
                LogSeeded(seeded);
                wait = options.Value.ReconcileInterval;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(e);
                wait = RetryDelay;
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Seeded the Redis counters of {Skus} hot SKUs from the database")]
    private partial void LogSeeded(int skus);

    [LoggerMessage(LogLevel.Warning, "Could not seed the Redis counters; the database alone serves hot SKUs meanwhile")]
    private partial void LogFailed(Exception exception);
}
