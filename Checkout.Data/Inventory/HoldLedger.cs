using System.Linq.Expressions;
using Checkout.Data.Common;
using Checkout.Data.HotStock;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Inventory;

/// <summary>The one table of a hold's moves: an order converts it into sold units, or it is released.</summary>
public static class HoldTransitions
{
    public static readonly TransitionTable<HoldStatus> Table = new(new()
    {
        [HoldStatus.Active] = [HoldStatus.Converted, HoldStatus.Released],
        [HoldStatus.Converted] = [],
        [HoldStatus.Released] = [],
    });
}

/// <summary>
/// The only writes of holds: placing them (with the units they reserve), extending, converting and releasing them.
/// Each status move is a compare-and-set on Active, so it happens once however many callers race; each runs inside
/// the caller's transaction, together with the stock it moves.
/// </summary>
internal static class HoldLedger
{
    /// <summary>
    /// Before any transaction: asks Redis for the units of the hot SKUs among <paramref name="lines"/>, recording what
    /// it gave on the context (settled at the commit that reserves them in the database, given back by
    /// <see cref="GiveBackHotAsync"/> or a rollback otherwise). Returns the SKUs Redis says are sold out: then the
    /// caller answers out of stock (with what Redis says is left) without touching a table.
    /// </summary>
    public static async Task<IReadOnlyList<(string Sku, int Quantity, int Left)>> TakeHotAsync(
        CheckoutDbContext db, IEnumerable<(string Sku, int Quantity)> lines)
    {
        var soldOut = new List<(string Sku, int Quantity, int Left)>();
        if (db.Counters is not { } counters)
        {
            return soldOut;
        }
        foreach (var (sku, quantity) in lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            if (counters.IsHot(sku) && await counters.TryTakeAsync(db.HotWork, sku, quantity) is (HotTake.SoldOut, var left))
            {
                soldOut.Add((sku, quantity, left));
            }
        }
        return soldOut;
    }

    /// <summary>Gives back what <see cref="TakeHotAsync"/> took when the start goes no further.</summary>
    public static async Task GiveBackHotAsync(CheckoutDbContext db)
    {
        if (db.Counters is { } counters && !db.HotWork.IsEmpty)
        {
            await counters.UndoAsync(db.HotWork);
        }
    }

    /// <summary>
    /// Reserves every line for the checkout in the database (its guard, whatever Redis said) and inserts its holds.
    /// All or nothing: returns the SKUs that were short, and then the caller rolls back.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PlaceAsync(
        CheckoutDbContext db, Guid checkoutSessionId, IEnumerable<(string Sku, int Quantity)> lines, DateTimeOffset now, DateTimeOffset expiresAt,
        CancellationToken ct)
    {
        var ordered = lines.OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
        var shortSkus = new List<string>();
        foreach (var (sku, quantity) in ordered)
        {
            if (!await StockLedger.TryReserveAsync(db, sku, quantity, ct))
            {
                shortSkus.Add(sku);
            }
        }
        if (shortSkus.Count == 0)
        {
            await db.InsertAllAsync(ordered.Select(l => Hold.ForCheckout(checkoutSessionId, l.Sku, l.Quantity, now, expiresAt)).ToList(), ct);
        }
        return shortSkus;
    }

    /// <summary>Adds a waitlist offer's hold on units that are reserved already (freed by another hold or just restocked).</summary>
    public static void PlaceOffer(CheckoutDbContext db, Guid waitlistEntryId, string sku, int quantity, DateTimeOffset now, DateTimeOffset expiresAt) =>
        db.Holds.Add(Hold.ForWaitlistOffer(waitlistEntryId, sku, quantity, now, expiresAt));

    /// <summary>Moves the expiry of the checkout's active holds to <paramref name="to"/> and marks them extended (payment started).</summary>
    public static Task ExtendAsync(CheckoutDbContext db, Guid checkoutSessionId, DateTimeOffset to, CancellationToken ct) =>
        db.WriteAsync(
            """UPDATE "holds" SET "ExpiresAt" = {1}, "Extended" = {2} WHERE "CheckoutSessionId" = {0} AND "Status" = {3}""",
            ct, Column(nameof(Hold.CheckoutSessionId), checkoutSessionId), Column(nameof(Hold.ExpiresAt), to),
            Column(nameof(Hold.Extended), true), Column(nameof(Hold.Status), HoldStatus.Active));

    /// <summary>
    /// Active → Released for each of the owner's active holds (only the expired ones when <paramref name="expiredOnly"/>),
    /// each exactly once. Freed units are offered to <paramref name="waiting"/> first, when given; the rest go back on
    /// sale. Returns how many holds this call released.
    /// </summary>
    public static async Task<int> ReleaseAsync(
        CheckoutDbContext db, HoldOwner owner, DateTimeOffset now, bool expiredOnly, IWaitingDemand? waiting, CancellationToken ct)
    {
        HoldTransitions.Table.Require(HoldStatus.Released, HoldStatus.Active);
        var holds = await db.Holds.AsNoTracking()
            .Where(OwnedBy(owner))
            .Where(h => h.Status == HoldStatus.Active)
            .Select(h => new { h.Id, h.Sku, h.Quantity })
            .ToListAsync(ct);
        var released = 0;
        foreach (var hold in holds.OrderBy(h => h.Sku, StringComparer.Ordinal))
        {
            var won = await db.Holds
                .Where(h => h.Id == hold.Id && h.Status == HoldStatus.Active && (!expiredOnly || h.ExpiresAt <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.Status, HoldStatus.Released).SetProperty(h => h.ClosedAt, now), ct) == 1;
            if (won)
            {
                var taken = waiting is null ? 0 : await waiting.TakeAsync(db, hold.Sku, hold.Quantity, now, ct);
                await StockLedger.ReturnToSaleAsync(db, hold.Sku, hold.Quantity - taken, ct);
                released++;
            }
        }
        return released;
    }

    /// <summary>Active → Converted for the checkout's hold of each line, its units sold; false when any hold is gone (the caller rolls back).</summary>
    public static async Task<bool> ConvertAsync(
        CheckoutDbContext db, Guid checkoutSessionId, IEnumerable<(string Sku, int Quantity)> lines, DateTimeOffset now, CancellationToken ct)
    {
        HoldTransitions.Table.Require(HoldStatus.Converted, HoldStatus.Active);
        var ordered = lines.OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
        // One statement for all of them: a checkout holds each SKU once (a unique index), so every line's hold moved or the
        // caller rolls back.
        var converted = await db.ExpectAsync(
            """UPDATE "holds" SET "Status" = {1}, "ClosedAt" = {2} WHERE "CheckoutSessionId" = {0} AND "Status" = {3}""",
            ordered.Count, ct, Column(nameof(Hold.CheckoutSessionId), checkoutSessionId), Column(nameof(Hold.Status), HoldStatus.Converted),
            Column(nameof(Hold.ClosedAt), now), Column(nameof(Hold.Status), HoldStatus.Active));
        if (!converted)
        {
            return false;
        }
        foreach (var (sku, quantity) in ordered)
        {
            await StockLedger.SellReservedAsync(db, sku, quantity, ct);
        }
        return true;
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<Hold>(property, value);

    private static Expression<Func<Hold, bool>> OwnedBy(HoldOwner owner) => owner.Kind == HoldOwnerKind.Checkout
        ? h => h.CheckoutSessionId == owner.Id
        : h => h.WaitlistEntryId == owner.Id;
}
