using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Waitlist;

/// <summary>The one table of a waitlist entry's moves.</summary>
public static class WaitlistTransitions
{
    public static readonly TransitionTable<WaitlistStatus> Table = new(new()
    {
        [WaitlistStatus.Waiting] = [WaitlistStatus.Offered, WaitlistStatus.Cancelled],
        [WaitlistStatus.Offered] = [WaitlistStatus.Claimed, WaitlistStatus.Expired, WaitlistStatus.Cancelled],
        [WaitlistStatus.Claimed] = [],
        [WaitlistStatus.Expired] = [],
        [WaitlistStatus.Cancelled] = [],
    });
}

/// <summary>
/// The only writes of a waitlist entry's status, inside the caller's transaction. Each is a compare-and-set on the
/// entry; an offer is a hold owned by the entry, placed and released through <see cref="HoldLedger"/>.
/// </summary>
internal static class WaitlistLedger
{
    /// <summary>
    /// Waiting → Offered for the oldest waiting entries, one unit each, as holds owned by the entries (the units are
    /// reserved already). Each offer is announced through the outbox (<see cref="WaitlistOfferAnnouncement"/>) in the
    /// same save as its hold, inside the caller's transaction: the message commits or rolls back with the offer.
    /// Returns how many units were offered; the rest are the caller's to put back on sale.
    /// </summary>
    public static async Task<int> OfferAsync(CheckoutDbContext db, string sku, int units, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        WaitlistTransitions.Table.Require(WaitlistStatus.Offered, WaitlistStatus.Waiting);
        var offered = 0;
        while (offered < units)
        {
            var next = await db.WaitlistEntries.AsNoTracking()
                .Where(e => e.Sku == sku && e.Status == WaitlistStatus.Waiting)
                .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id)
                .Select(e => e.Id)
                .FirstOrDefaultAsync(ct);
            if (next == Guid.Empty)
            {
                break;
            }
            var expiresAt = now + window;
            var won = await db.WaitlistEntries
                .Where(e => e.Id == next && e.Status == WaitlistStatus.Waiting)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Offered).SetProperty(e => e.OfferExpiresAt, expiresAt), ct) == 1;
            if (won)
            {
                HoldLedger.PlaceOffer(db, next, sku, 1, now, expiresAt);
                db.OutboxMessages.Add(new WaitlistOfferAnnouncement(next, sku, expiresAt).ToMessage(now));
                await db.SaveChangesAsync(ct);
                db.Raise(new WaitlistOffered(next, sku, 1, expiresAt));
                offered++;
            }
        }
        return offered;
    }

    /// <summary>
    /// Offered → Claimed by the shopper it was offered to, while the offer is open: its unit goes back on sale inside
    /// the caller's transaction, for the checkout that claims it to reserve right after, so nobody else can take it.
    /// </summary>
    public static async Task<bool> ClaimAsync(CheckoutDbContext db, Guid entryId, string email, DateTimeOffset now, CancellationToken ct)
    {
        WaitlistTransitions.Table.Require(WaitlistStatus.Claimed, WaitlistStatus.Offered);
        var claimed = await db.WaitlistEntries
            .Where(e => e.Id == entryId && e.Email == email && e.Status == WaitlistStatus.Offered && e.OfferExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Claimed), ct) == 1;
        if (claimed)
        {
            await HoldLedger.ReleaseAsync(db, HoldOwner.WaitlistOffer(entryId), now, expiredOnly: false, waiting: null, ct);
        }
        return claimed;
    }

    /// <summary>Offered → Expired once the claim window passed; its unit goes to the next in line or back on sale.</summary>
    public static async Task<bool> ExpireOfferAsync(CheckoutDbContext db, Guid entryId, DateTimeOffset now, IWaitingDemand waiting, CancellationToken ct)
    {
        WaitlistTransitions.Table.Require(WaitlistStatus.Expired, WaitlistStatus.Offered);
        var expired = await db.WaitlistEntries
            .Where(e => e.Id == entryId && e.Status == WaitlistStatus.Offered && e.OfferExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Expired), ct) == 1;
        if (expired)
        {
            await HoldLedger.ReleaseAsync(db, HoldOwner.WaitlistOffer(entryId), now, expiredOnly: false, waiting, ct);
        }
        return expired;
    }

    /// <summary>Waiting or Offered → Cancelled: the shopper leaves the line; an open offer passes to the next in line at once.</summary>
    public static async Task<bool> LeaveAsync(CheckoutDbContext db, Guid entryId, DateTimeOffset now, IWaitingDemand waiting, CancellationToken ct)
    {
        WaitlistTransitions.Table.Require(WaitlistStatus.Cancelled, WaitlistStatus.Waiting, WaitlistStatus.Offered);
        var left = await db.WaitlistEntries
            .Where(e => e.Id == entryId && (e.Status == WaitlistStatus.Waiting || e.Status == WaitlistStatus.Offered))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Cancelled), ct) == 1;
        if (left)
        {
            await HoldLedger.ReleaseAsync(db, HoldOwner.WaitlistOffer(entryId), now, expiredOnly: false, waiting, ct);
        }
        return left;
    }
}

/// <summary>The waitlist as Inventory sees it: freed units are offered to the oldest waiting shoppers for the claim window.</summary>
internal sealed class WaitlistDemand(IOptions<CheckoutOptions> options) : IWaitingDemand
{
    public Task<int> TakeAsync(CheckoutDbContext db, string sku, int units, DateTimeOffset now, CancellationToken ct) =>
        WaitlistLedger.OfferAsync(db, sku, units, now, options.Value.WaitlistClaimWindow, ct);
}
