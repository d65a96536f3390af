using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Pricing;
using Checkout.Data.Promotions;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.CheckoutSessions;

/// <summary>The one table of a checkout session's moves: it ends once, as an order or given back.</summary>
public static class CheckoutSessionTransitions
{
    public static readonly TransitionTable<CheckoutSessionStatus> Table = new(new()
    {
        [CheckoutSessionStatus.Open] =
            [CheckoutSessionStatus.Completed, CheckoutSessionStatus.Failed, CheckoutSessionStatus.Expired, CheckoutSessionStatus.Cancelled],
        [CheckoutSessionStatus.Completed] = [],
        [CheckoutSessionStatus.Failed] = [],
        [CheckoutSessionStatus.Expired] = [],
        [CheckoutSessionStatus.Cancelled] = [],
    });
}

/// <summary>
/// The only writes of a checkout session after it was started, inside the caller's transaction. Each is a
/// compare-and-set on the open session; ending one asks the hold ledger for its units and the promo ledger for its use,
/// so a session's holds and promo use move with it, exactly once.
/// </summary>
internal static class SessionLedger
{
    /// <summary>
    /// Extends the open session's hold once, for the payment, to <paramref name="to"/>: from then on it no longer
    /// changes or gets replaced. False when it was extended already, is closed, or its hold ran out.
    /// </summary>
    public static async Task<bool> ExtendForPaymentAsync(CheckoutDbContext db, Guid sessionId, DateTimeOffset now, DateTimeOffset to, CancellationToken ct)
    {
        var extended = await db.ExpectAsync(
            """
            UPDATE "checkout_sessions" SET "HoldExpiresAt" = {3}, "HoldExtended" = {4}
            WHERE "Id" = {0} AND "Status" = {1} AND "HoldExtended" = {5} AND "HoldExpiresAt" > {2}
            """,
            1, ct, Column(nameof(CheckoutSession.Id), sessionId), Column(nameof(CheckoutSession.Status), CheckoutSessionStatus.Open),
            Column(nameof(CheckoutSession.HoldExpiresAt), now), Column(nameof(CheckoutSession.HoldExpiresAt), to),
            Column(nameof(CheckoutSession.HoldExtended), true), Column(nameof(CheckoutSession.HoldExtended), false));
        if (extended)
        {
            await HoldLedger.ExtendAsync(db, sessionId, to, ct);
        }
        return extended;
    }

    /// <summary>Writes a re-priced quote (another promo code or destination) while the session is open, unpaid and its hold live.</summary>
    public static async Task<bool> RepriceAsync(CheckoutDbContext db, Guid sessionId, string? promoCode, Quote quote, DateTimeOffset now, CancellationToken ct) =>
        await db.CheckoutSessions
            .Where(s => s.Id == sessionId && s.Status == CheckoutSessionStatus.Open && !s.HoldExtended && s.HoldExpiresAt > now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.PromoCode, promoCode)
                .SetProperty(x => x.DiscountMinor, quote.DiscountMinor)
                .SetProperty(x => x.ShippingMinor, quote.ShippingMinor)
                .SetProperty(x => x.Delivery, quote.Delivery)
                .SetProperty(x => x.Tax, quote.Tax)
                .SetProperty(x => x.TotalMinor, quote.TotalMinor), ct) == 1;

    /// <summary>
    /// Open → Completed for its order: every hold becomes sold units and the promo use is consumed. False when the
    /// session, any hold or its promo use is gone (released meanwhile); the caller rolls back.
    /// </summary>
    public static async Task<bool> CompleteAsync(CheckoutDbContext db, CheckoutSession session, DateTimeOffset now, CancellationToken ct)
    {
        CheckoutSessionTransitions.Table.Require(CheckoutSessionStatus.Completed, CheckoutSessionStatus.Open);
        var completed = await db.ExpectAsync(
            """UPDATE "checkout_sessions" SET "Status" = {2} WHERE "Id" = {0} AND "Status" = {1}""",
            1, ct, Column(nameof(CheckoutSession.Id), session.Id), Column(nameof(CheckoutSession.Status), CheckoutSessionStatus.Open),
            Column(nameof(CheckoutSession.Status), CheckoutSessionStatus.Completed));
        if (!completed || !await HoldLedger.ConvertAsync(db, session.Id, session.Lines.Select(l => (l.Sku, l.Quantity)), now, ct))
        {
            return false;
        }
        // A quote with a code was priced with its use reserved; without that use the discount would be free.
        return session.PromoCode is null || await PromoLedger.ConsumeAsync(db, session.Id, ct);
    }

    /// <summary>Open → Failed: the payment was declined; holds and promo use go back.</summary>
    public static Task<bool> FailAsync(CheckoutDbContext db, Guid sessionId, DateTimeOffset now, IWaitingDemand waiting, CancellationToken ct) =>
        CloseAsync(db, sessionId, CheckoutSessionStatus.Failed, now, expiredOnly: false, unlessPaying: false, waiting, ct);

    /// <summary>
    /// Open → Expired once its hold ran out; its units are offered to <paramref name="waiting"/> first. With
    /// <paramref name="unlessPaying"/>, a session whose payment has started is left to its payment.
    /// </summary>
    public static Task<bool> ExpireAsync(
        CheckoutDbContext db, Guid sessionId, DateTimeOffset now, IWaitingDemand waiting, CancellationToken ct, bool unlessPaying = false) =>
        CloseAsync(db, sessionId, CheckoutSessionStatus.Expired, now, expiredOnly: true, unlessPaying, waiting, ct);

    /// <summary>
    /// Open → Cancelled: the shopper, an admin, a replacing start or an order that cannot stand gave it up. Its units
    /// are offered to <paramref name="waiting"/> first, or with null go straight back on sale (for a replacement to
    /// take in the same transaction). With <paramref name="unlessPaying"/>, a session whose payment has started stays.
    /// </summary>
    public static Task<bool> CancelAsync(
        CheckoutDbContext db, Guid sessionId, DateTimeOffset now, IWaitingDemand? waiting, CancellationToken ct, bool unlessPaying = false) =>
        CloseAsync(db, sessionId, CheckoutSessionStatus.Cancelled, now, expiredOnly: false, unlessPaying, waiting, ct);

    private static async Task<bool> CloseAsync(
        CheckoutDbContext db, Guid sessionId, CheckoutSessionStatus to, DateTimeOffset now, bool expiredOnly, bool unlessPaying,
        IWaitingDemand? waiting, CancellationToken ct)
    {
        CheckoutSessionTransitions.Table.Require(to, CheckoutSessionStatus.Open);
        var closed = await db.CheckoutSessions
            .Where(s => s.Id == sessionId && s.Status == CheckoutSessionStatus.Open && (!expiredOnly || s.HoldExpiresAt <= now)
                && (!unlessPaying || !s.HoldExtended))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, to), ct) == 1;
        if (!closed)
        {
            return false;
        }
        await HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), now, expiredOnly: false, waiting, ct);
        await PromoLedger.ReleaseAsync(db, sessionId, ct);
        return true;
    }

    /// <summary>Inserts a new open session with its lines, inside the transaction that holds its units.</summary>
    public static async Task StartAsync(CheckoutDbContext db, CheckoutSession session, CancellationToken ct)
    {
        await db.InsertAsync(session, ct);
        await db.InsertAllAsync(session.Lines, ct);
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<CheckoutSession>(property, value);
}
