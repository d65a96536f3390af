using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Waitlist;

/// <summary>Offers freed units to waiting shoppers, inside the caller's transaction. Each offer is a compare-and-set on the entry.</summary>
internal static class WaitlistLedger
{
    /// <summary>
    /// Offers up to <paramref name="units"/> freed units of <paramref name="sku"/> to the oldest waiting entries,
    /// one unit each, as holds owned by the entries. Returns how many units were offered; the rest go back on sale.
    /// </summary>
    public static async Task<int> OfferAsync(CheckoutDbContext db, string sku, int units, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
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
                db.Holds.Add(new Hold(next, sku, 1, now, expiresAt));
                await db.SaveChangesAsync(ct);
                db.Raise(new WaitlistOffered(next, sku, 1, expiresAt));
                offered++;
            }
        }
        return offered;
    }

    /// <summary>Marks an offer whose window passed as expired, once; its hold is then released to the next in line.</summary>
    public static Task<int> ExpireOfferAsync(CheckoutDbContext db, Guid entryId, DateTimeOffset now, CancellationToken ct) =>
        db.WaitlistEntries
            .Where(e => e.Id == entryId && e.Status == WaitlistStatus.Offered && e.OfferExpiresAt <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.Status, WaitlistStatus.Expired), ct);
}
