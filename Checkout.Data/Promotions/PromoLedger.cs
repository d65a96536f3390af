using Checkout.Data.Common;
using Checkout.Data.HotStock;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Promotions;

/// <summary>
/// The one table of a promo use's moves: reserved when checkout starts, then consumed by its order or given back; a
/// consumed use is given back too when its order is cancelled before shipment.
/// </summary>
public static class RedemptionTransitions
{
    public static readonly TransitionTable<RedemptionStatus> Table = new(new()
    {
        [RedemptionStatus.Reserved] = [RedemptionStatus.Consumed, RedemptionStatus.Released],
        [RedemptionStatus.Consumed] = [RedemptionStatus.Released],
        [RedemptionStatus.Released] = [],
    });
}

/// <summary>
/// Takes, consumes and gives back promo uses with conditional updates, inside the caller's transaction: the only writes
/// of a redemption's status and of a code's use count.
/// </summary>
internal static class PromoLedger
{
    /// <summary>
    /// Takes one use of <paramref name="promo"/> for the shopper's session, or says why not. The conditional
    /// <c>UPDATE promo_codes SET used = used + 1 WHERE code = c AND (usage_limit IS NULL OR used &lt; usage_limit)</c>
    /// comes first because it also locks the promo's row until the transaction ends: uses of the same code queue behind
    /// it, so the shopper's count that follows sees every use committed before (on PostgreSQL's and SQL Server's
    /// read-committed as on SQLite's serialised writers).
    /// </summary>
    public static async Task<Error?> TryRedeemAsync(CheckoutDbContext db, PromoCode promo, Guid sessionId, string email, DateTimeOffset now, CancellationToken ct)
    {
        var taken = await db.PromoCodes
            .Where(p => p.Code == promo.Code && p.Enabled && (p.UsageLimit == null || p.Used < p.UsageLimit))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Used, p => p.Used + 1), ct) == 1;
        if (!taken)
        {
            return PromoRules.LimitReached(promo.Code);
        }
        db.PromoUsed(promo.Code, 1);
        if (promo.PerCustomerLimit is { } perCustomer
            && await db.PromoRedemptions.CountAsync(r => r.Code == promo.Code && r.Email == email && r.Status != RedemptionStatus.Released, ct) >= perCustomer)
        {
            return PromoRules.CustomerLimitReached(promo.Code);
        }
        await db.InsertAsync(new PromoRedemption(promo.Code, sessionId, email, now), ct);
        return null;
    }

    /// <summary>
    /// With Redis, before any transaction: takes one use of a code whose uses are counted there, ahead of
    /// <see cref="TryRedeemAsync"/>'s update (recorded on the caller's work, settled or given back with its commit), and
    /// answers a used-up code without touching the database. Null when the code may be redeemed.
    /// </summary>
    public static async Task<Error?> TakeHotAsync(CheckoutDbContext db, PromoCode promo) =>
        db.Counters is { } counters && counters.TracksPromo(promo.Code) && await counters.TryTakePromoAsync(db.HotWork, promo.Code) == HotTake.SoldOut
            ? PromoRules.LimitReached(promo.Code)
            : null;

    /// <summary>Reserved → Consumed: the session's order took its use for good; false when it had none reserved.</summary>
    public static async Task<bool> ConsumeAsync(CheckoutDbContext db, Guid sessionId, CancellationToken ct)
    {
        RedemptionTransitions.Table.Require(RedemptionStatus.Consumed, RedemptionStatus.Reserved);
        return await db.PromoRedemptions
            .Where(r => r.CheckoutSessionId == sessionId && r.Status == RedemptionStatus.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RedemptionStatus.Consumed), ct) == 1;
    }

    /// <summary>Reserved → Released: gives back the session's reserved use and its count on the code, once.</summary>
    public static async Task ReleaseAsync(CheckoutDbContext db, Guid sessionId, CancellationToken ct)
    {
        RedemptionTransitions.Table.Require(RedemptionStatus.Released, RedemptionStatus.Reserved);
        var code = await db.PromoRedemptions
            .Where(r => r.CheckoutSessionId == sessionId && r.Status == RedemptionStatus.Reserved)
            .Select(r => r.Code)
            .FirstOrDefaultAsync(ct);
        if (code is null)
        {
            return;
        }
        var released = await db.PromoRedemptions
            .Where(r => r.CheckoutSessionId == sessionId && r.Status == RedemptionStatus.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RedemptionStatus.Released), ct);
        if (released == 1)
        {
            await UncountAsync(db, code, ct);
        }
    }

    /// <summary>
    /// Consumed → Released: the session's order, paid with <paramref name="code"/>, was cancelled before shipment, so its
    /// use goes back, once: the redemption no longer counts towards the shopper's limit, nor its use towards the
    /// code's. A compare-and-set on the consumed use, then the code's count, in the caller's transaction. False, with
    /// nothing changed, when the session has no consumed use of the code (given back already).
    /// </summary>
    public static async Task<bool> GiveBackAsync(CheckoutDbContext db, Guid sessionId, string code, CancellationToken ct)
    {
        RedemptionTransitions.Table.Require(RedemptionStatus.Released, RedemptionStatus.Consumed);
        if (!await db.ExpectAsync(
                """UPDATE "promo_redemptions" SET "Status" = {3} WHERE "CheckoutSessionId" = {0} AND "Code" = {1} AND "Status" = {2}""",
                1, ct, Redemption(nameof(PromoRedemption.CheckoutSessionId), sessionId), Redemption(nameof(PromoRedemption.Code), code),
                Redemption(nameof(PromoRedemption.Status), RedemptionStatus.Consumed), Redemption(nameof(PromoRedemption.Status), RedemptionStatus.Released)))
        {
            return false;
        }
        await UncountAsync(db, code, ct);
        return true;
    }

    /// <summary>Takes one use off the code's count, never below zero; with the commit, its Redis counter gets the use back too.</summary>
    private static async Task UncountAsync(CheckoutDbContext db, string code, CancellationToken ct)
    {
        if (await db.ExpectAsync(
                """UPDATE "promo_codes" SET "Used" = "Used" - 1 WHERE "Code" = {0} AND "Used" > 0""",
                1, ct, Statements.Value.Of<PromoCode>(nameof(PromoCode.Code), code)))
        {
            db.PromoUsed(code, -1);
        }
    }

    private static Statements.Value Redemption(string property, object? value) => Statements.Value.Of<PromoRedemption>(property, value);
}
