using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Data.Telemetry;
using Checkout.Data.Waitlist;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.CheckoutSessions;

/// <summary>
/// Ends what a hold that ran out was kept for: the checkout expires (through its ledger, which releases its holds and
/// promo use) and a waitlist offer expires (its unit goes to the next in line). Each is a compare-and-set, so two
/// sweepers (two app instances) racing over the same holds restore each unit exactly once.
/// </summary>
public sealed class HoldSweeper(
    IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CheckoutEvents events, IWaitingDemand waiting, CheckoutMetrics metrics)
{
    private const int BatchSize = 200;

    /// <summary>Releases the holds that expired by now; returns how many checkout sessions this call expired.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var owners = await db.Holds.AsNoTracking()
            .Where(h => h.Status == HoldStatus.Active && h.ExpiresAt <= now)
            .Select(h => new { h.CheckoutSessionId, h.WaitlistEntryId })
            .Distinct()
            .OrderBy(o => o.CheckoutSessionId).ThenBy(o => o.WaitlistEntryId)
            .Take(BatchSize)
            .ToListAsync(ct);
        var closed = 0;
        foreach (var owner in owners)
        {
            var expiredSession = owner.CheckoutSessionId is { } sessionId ? await ExpireCheckoutAsync(db, sessionId, now, ct) : null;
            if (owner.WaitlistEntryId is { } entryId)
            {
                await ExpireOfferAsync(db, entryId, now, ct);
            }
            await events.PublishRaisedAsync(db);
            if (expiredSession is { } expired)
            {
                closed++;
                await events.PublishReleasedAsync(expired, CheckoutSessionStatus.Expired, ct);
            }
        }
        metrics.HoldsExpired(closed);
        return closed;
    }

    /// <summary>Expires the checkout; returns its id when this call did.</summary>
    private async Task<Guid?> ExpireCheckoutAsync(CheckoutDbContext db, Guid sessionId, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var expired = await SessionLedger.ExpireAsync(db, sessionId, now, waiting, ct);
        if (!expired)
        {
            // A session closed another way whose hold is still active: its units go to the next in line or back on sale.
            await HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), now, expiredOnly: true, waiting, ct);
        }
        await tx.CommitAsync(ct);
        return expired ? sessionId : null;
    }

    private async Task ExpireOfferAsync(CheckoutDbContext db, Guid entryId, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await WaitlistLedger.ExpireOfferAsync(db, entryId, now, waiting, ct))
        {
            // An entry that left or was claimed whose hold is still active: the same, once.
            await HoldLedger.ReleaseAsync(db, HoldOwner.WaitlistOffer(entryId), now, expiredOnly: true, waiting, ct);
        }
        await tx.CommitAsync(ct);
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
