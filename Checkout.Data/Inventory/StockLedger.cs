using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Waitlist;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Inventory;

/// <summary>
/// The only code that moves units between available, reserved and sold. Every move is a conditional UPDATE whose
/// affected-row count is the check, and each runs inside the caller's transaction.
/// </summary>
internal static class StockLedger
{
    /// <summary><c>UPDATE inventory SET quantity = quantity - n, reserved = reserved + n WHERE sku = s AND quantity &gt;= n</c>.</summary>
    public static async Task<bool> TryReserveAsync(CheckoutDbContext db, string sku, int quantity, CancellationToken ct)
    {
        var reserved = await db.Inventory
            .Where(i => i.Sku == sku && i.Quantity >= quantity)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Quantity, i => i.Quantity - quantity)
                .SetProperty(i => i.Reserved, i => i.Reserved + quantity), ct) == 1;
        if (reserved)
        {
            db.AvailableMoved(sku, -quantity);
        }
        return reserved;
    }

    /// <summary>
    /// Releases the session's active holds (only the expired ones when <paramref name="expiredOnly"/>), each exactly
    /// once. Freed units are offered to the SKU's waitlist first (for <paramref name="waitlistWindow"/>, when given);
    /// what nobody waits for goes back on sale.
    /// </summary>
    public static async Task<int> ReleaseHoldsAsync(
        CheckoutDbContext db, Guid sessionId, DateTimeOffset now, bool expiredOnly, TimeSpan? waitlistWindow, CancellationToken ct)
    {
        var holds = await db.Holds.AsNoTracking()
            .Where(h => h.CheckoutSessionId == sessionId && h.Status == HoldStatus.Active)
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
                var offered = waitlistWindow is { } window ? await WaitlistLedger.OfferAsync(db, hold.Sku, hold.Quantity, now, window, ct) : 0;
                var back = hold.Quantity - offered;
                await MoveAsync(db, hold.Sku, availableDelta: back, reservedDelta: -back, soldDelta: 0, ct);
                released++;
            }
        }
        return released;
    }

    /// <summary>Turns every active hold of the session into sold units; false when any hold is gone (the caller rolls back).</summary>
    public static async Task<bool> TryConvertHoldsAsync(CheckoutDbContext db, CheckoutSession session, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var line in session.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            var won = await db.Holds
                .Where(h => h.CheckoutSessionId == session.Id && h.Sku == line.Sku && h.Status == HoldStatus.Active)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.Status, HoldStatus.Converted).SetProperty(h => h.ClosedAt, now), ct) == 1;
            if (!won)
            {
                return false;
            }
            await MoveAsync(db, line.Sku, availableDelta: 0, reservedDelta: -line.Quantity, soldDelta: line.Quantity, ct);
        }
        return true;
    }

    /// <summary>Puts sold units back on sale (cancellation after payment, return).</summary>
    public static async Task RestockSoldAsync(CheckoutDbContext db, IEnumerable<(string Sku, int Quantity)> lines, CancellationToken ct)
    {
        foreach (var (sku, quantity) in lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            await MoveAsync(db, sku, availableDelta: quantity, reservedDelta: 0, soldDelta: -quantity, ct);
        }
    }

    /// <summary>
    /// Ends a session that has not become an order: releases holds and gives back its promo use, once. With
    /// <paramref name="unlessPaying"/>, a session whose payment has started (its hold extended) is left alone.
    /// </summary>
    public static async Task<bool> CloseSessionAsync(
        CheckoutDbContext db, Guid sessionId, CheckoutSessionStatus to, DateTimeOffset now, bool expiredOnly, TimeSpan? waitlistWindow, CancellationToken ct,
        bool unlessPaying = false)
    {
        var closed = await db.CheckoutSessions
            .Where(s => s.Id == sessionId && s.Status == CheckoutSessionStatus.Open && (!expiredOnly || s.HoldExpiresAt <= now)
                && (!unlessPaying || !s.HoldExtended))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, to), ct) == 1;
        if (!closed)
        {
            return false;
        }
        await ReleaseHoldsAsync(db, sessionId, now, expiredOnly: false, waitlistWindow, ct);
        await PromoLedger.ReleaseAsync(db, sessionId, ct);
        return true;
    }

    private static async Task MoveAsync(CheckoutDbContext db, string sku, int availableDelta, int reservedDelta, int soldDelta, CancellationToken ct)
    {
        await db.Inventory
            .Where(i => i.Sku == sku)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.Quantity, i => i.Quantity + availableDelta)
                .SetProperty(i => i.Reserved, i => i.Reserved + reservedDelta)
                .SetProperty(i => i.Sold, i => i.Sold + soldDelta), ct);
        if (availableDelta != 0)
        {
            db.AvailableMoved(sku, availableDelta);
        }
    }
}
