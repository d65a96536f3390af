using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Operations;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Data.Waitlist;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Inventory;

/// <summary>
/// Releases expired holds. Each release is a compare-and-set on the hold and on the session, so two sweepers
/// (two app instances) racing over the same holds restore each unit exactly once.
/// </summary>
public sealed class HoldSweeper(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CheckoutEvents events, IOptions<CheckoutOptions> options, CheckoutMetrics metrics)
{
    private const int BatchSize = 200;

    /// <summary>Releases the holds that expired by now; returns how many sessions this call closed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var sessionIds = await db.Holds.AsNoTracking()
            .Where(h => h.Status == HoldStatus.Active && h.ExpiresAt <= now)
            .Select(h => h.CheckoutSessionId)
            .Distinct()
            .OrderBy(id => id)
            .Take(BatchSize)
            .ToListAsync(ct);
        var closed = 0;
        foreach (var sessionId in sessionIds)
        {
            bool expired;
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                var window = options.Value.WaitlistClaimWindow;
                expired = await StockLedger.CloseSessionAsync(db, sessionId, CheckoutSessionStatus.Expired, now, expiredOnly: true, window, ct);
                if (!expired)
                {
                    // A waitlist offer that was not claimed in time, or a session closed another way whose hold is
                    // still active: the units go to the next in line or back on sale.
                    await WaitlistLedger.ExpireOfferAsync(db, sessionId, now, ct);
                    await StockLedger.ReleaseHoldsAsync(db, sessionId, now, expiredOnly: true, window, ct);
                }
                await tx.CommitAsync(ct);
            }
            await events.PublishRaisedAsync(db);
            if (expired)
            {
                closed++;
                await events.PublishReleasedAsync(sessionId, CheckoutSessionStatus.Expired, ct);
            }
        }
        metrics.HoldsExpired(closed);
        return closed;
    }
}

/// <summary>Runs <see cref="HoldSweeper"/> every <c>Checkout:SweepInterval</c>.</summary>
public sealed partial class HoldSweeperService(
    HoldSweeper sweeper, TimeProvider clock, IOptions<CheckoutOptions> options, ILogger<HoldSweeperService> logger)
    : PeriodicService(clock, options.Value.SweepInterval, logger)
{
    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var released = await sweeper.SweepOnceAsync(ct);
        if (released > 0)
        {
            LogReleased(released);
        }
    }

    [LoggerMessage(LogLevel.Information, "Released the expired holds of {Sessions} checkout sessions")]
    private partial void LogReleased(int sessions);
}
