using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.HotStock;

/// <summary>
/// Makes the Redis counters equal to the database: the available units of hot SKUs and the uses left of enabled
/// promo codes with a usage limit. Runs at start, whenever Redis comes back or a command failed, and every
/// <see cref="RedisOptions.ReconcileInterval"/>. Each counter is seeded inside a database transaction that holds its
/// row, so no move can commit between the read and the seed, and after the moves committed before it are copied. Safe to run on every instance at once.
/// </summary>
public sealed class HotStockReconciler(IDbContextFactory<CheckoutDbContext> dbFactory, RedisCounters counters)
{
    /// <summary>Seeds every counter and then trusts exactly those; returns how many were seeded.</summary>
    public async Task<int> ReconcileOnceAsync(CancellationToken ct = default)
    {
        await counters.AnswersAsync();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var hot = await db.Products.AsNoTracking().Where(p => p.IsHot).Select(p => p.Sku).ToListAsync(ct);
        var limited = await db.PromoCodes.AsNoTracking().Where(p => p.Enabled && p.UsageLimit != null).Select(p => p.Code).ToListAsync(ct);
        foreach (var sku in hot)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // A write that changes nothing, to hold the row (PostgreSQL, SQL Server) or the database (SQLite) until the seed is in.
            await db.Inventory.Where(i => i.Sku == sku).ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity), ct);
            // Moves committed before the lock but not copied yet (the SQLite writer's callers copy after the commit).
            await counters.CommittedMovesCopiedAsync(ct);
            var available = await db.Inventory.Where(i => i.Sku == sku).Select(i => i.Quantity).SingleAsync(ct);
            await counters.SeedAsync(RedisCounters.StockName(sku), available);
            await tx.CommitAsync(ct);
        }
        foreach (var code in limited)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await SeedPromoAsync(db, counters, code, ct);
            await tx.CommitAsync(ct);
        }
        counters.Seeded([.. hot.Select(RedisCounters.StockName), .. limited.Select(RedisCounters.PromoName)]);
        return hot.Count + limited.Count;
    }

    /// <summary>
    /// Seeds the code's counter with its uses left, or drops it when the code has no limit or is disabled. Call inside
    /// a transaction: the promo's row is held from here until it ends.
    /// </summary>
    internal static async Task SeedPromoAsync(CheckoutDbContext db, RedisCounters counters, string code, CancellationToken ct)
    {
        await db.PromoCodes.Where(p => p.Code == code).ExecuteUpdateAsync(s => s.SetProperty(p => p.Used, p => p.Used), ct);
        await counters.CommittedMovesCopiedAsync(ct);
        var promo = await db.PromoCodes.AsNoTracking().Where(p => p.Code == code)
            .Select(p => new { p.Enabled, p.UsageLimit, p.Used }).SingleAsync(ct);
        if (promo is { Enabled: true, UsageLimit: { } limit })
        {
            await counters.SeedAsync(RedisCounters.PromoName(code), limit - promo.Used);
        }
        else
        {
            await counters.DropAsync(RedisCounters.PromoName(code));
        }
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

    [LoggerMessage(LogLevel.Debug, "Seeded {Counters} Redis counters from the database")]
    private partial void LogSeeded(int counters);

    [LoggerMessage(LogLevel.Warning, "Could not seed the Redis counters; the database alone serves hot SKUs meanwhile")]
    private partial void LogFailed(Exception exception);
}
