using Checkout.Data.Payments.Simulator;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Builders;

/// <summary>
/// Every row a shopper's or an admin's request could touch (the shop's with the audit log's entries, and the simulated gateway's in its own ledger),
/// one readable line each, sorted, so that "changed nothing" is one equality whose failure shows the rows that moved.
/// </summary>
public static class DbSnapshot
{
    /// <param name="withDelivery">
    /// Include what the outbox dispatcher changes on its own (sent flags, shipments, lookup e-mails counted): off when the app's background
    /// workers run during the test.
    /// </param>
    /// <param name="withKeys">Include the Idempotency-Key records and the stock adjustments, which a request may leave even when it is refused.</param>
    public static async Task<IReadOnlyList<string>> TakeAsync(CheckoutDbContext db, SimulatorLedger gateway, bool withDelivery, bool withKeys = false)
    {
        var products = await db.Products.AsNoTracking().ToListAsync();
        var inventory = await db.Inventory.AsNoTracking().ToListAsync();
        var carts = await db.Carts.AsNoTracking().ToListAsync();
        var holds = await db.Holds.AsNoTracking().ToListAsync();
        var sessions = await db.CheckoutSessions.AsNoTracking().ToListAsync();
        var promos = await db.PromoCodes.AsNoTracking().ToListAsync();
        var redemptions = await db.PromoRedemptions.AsNoTracking().ToListAsync();
        var orders = await db.Orders.AsNoTracking().ToListAsync();
        var payments = await db.Payments.AsNoTracking().ToListAsync();
        var history = await db.OrderStatusChanges.AsNoTracking().ToListAsync();
        var operations = await gateway.ListAsync().ToListAsync();
        var outbox = await db.OutboxMessages.AsNoTracking().ToListAsync();
        var deliveries = withDelivery ? await db.OutboxDeliveries.AsNoTracking().ToListAsync() : [];
        var shipments = withDelivery ? await db.ShipmentRequests.AsNoTracking().ToListAsync() : [];
        var lookupEmails = withDelivery ? await db.OrderLookupEmails.AsNoTracking().ToListAsync() : [];
        var keys = withKeys ? await db.IdempotencyKeys.AsNoTracking().ToListAsync() : [];
        var adjustments = withKeys ? await db.InventoryAdjustments.AsNoTracking().ToListAsync() : [];
        var audit = await db.AuditEntries.AsNoTracking().ToListAsync();
        IEnumerable<string> rows =
        [
            .. products.Select(p => $"product {p.Sku} price={p.PriceMinor} active={p.Active}"),
            .. inventory.Select(i => $"inventory {i.Sku} quantity={i.Quantity} reserved={i.Reserved} sold={i.Sold} stocked={i.Stocked}"),
            .. carts.Select(c => $"cart {c.Id} lines={c.Lines.Count}"),
            .. carts.SelectMany(c => c.Lines).Select(l => $"cart-line {l.CartId} {l.Sku} x{l.Quantity} seen={l.SeenPriceMinor}"),
            .. holds.Select(h => $"hold {h.CheckoutSessionId} {h.Sku} x{h.Quantity} {h.Status} until={h.ExpiresAt:O}"),
            .. sessions.Select(s => $"session {s.Id} {s.Status} total={s.TotalMinor} until={s.HoldExpiresAt:O}"),
            .. promos.Select(p => $"promo {p.Code} {p.Kind} {p.Value} used={p.Used} enabled={p.Enabled} limit={p.UsageLimit}"),
            .. redemptions.Select(r => $"redemption {r.Code} {r.Email} {r.Status}"),
            .. orders.Select(o => $"order {o.Id} {o.Status} v{o.Version} tracking={o.TrackingNumber}"),
            .. payments.Select(p => $"payment {p.OrderId} {p.Status} refunded={p.RefundedMinor}"),
            .. history.Select(h => $"history {h.OrderId} {h.From}->{h.To} by {h.Actor}"),
            .. operations.Select(g => $"gateway {g.Key} {g.Outcome} {g.AmountMinor}"),
            .. outbox.Select(m => withDelivery ? $"outbox {m.Id} {m.Type} sent={m.SentAt is not null}" : $"outbox {m.Id} {m.Type}"),
            .. deliveries.Select(d => $"delivery {d.MessageId} {d.Consumer} attempts={d.Attempts} delivered={d.DeliveredAt is not null} dead={d.DeadAt is not null}"),
            .. shipments.Select(s => $"shipment {s.MessageId} {s.OrderId}"),
            .. lookupEmails.Select(e => $"lookup-email {e.MessageId} {e.Email}"),
            .. keys.Select(k => $"key {k.Scope} {k.Key} {k.Id} {k.Status} {k.ResponseStatus} locked={k.LockToken}/{k.LockedUntil:O} body={Convert.ToBase64String(k.ResponseBody ?? [])}"),
            .. adjustments.Select(a => $"adjustment {a.Id} {a.Sku} {a.Delta} {a.Actor} {a.RequestId}"),
            .. audit.Select(e => $"audit {e.Id} {e.Action} {e.SubjectType}/{e.SubjectId} by {e.Actor}"),
        ];
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The shop's snapshot; what its background workers change on their own is left out when they run
    /// (<see cref="IShopDatabase.WorkersRun"/>).
    /// </summary>
    /// <param name="withKeys">Include the Idempotency-Key records and the stock adjustments.</param>
    public static async Task<IReadOnlyList<string>> SnapshotAsync(this IShopDatabase shop, bool withKeys = false)
    {
        await using var db = await shop.DbAsync();
        return await TakeAsync(db, shop.GatewayLedger, withDelivery: !shop.WorkersRun, withKeys);
    }

    /// <summary>
    /// Fails, naming <paramref name="what"/> and listing the rows that appeared and disappeared, when the database moved
    /// since <paramref name="before"/>, taken by <see cref="SnapshotAsync"/> with the same <paramref name="withKeys"/>.
    /// </summary>
    public static async Task AssertUnchangedAsync(this IShopDatabase shop, IReadOnlyList<string> before, string what, bool withKeys = false) =>
        AssertSame(before, await shop.SnapshotAsync(withKeys), what);

    /// <summary>Two snapshots are equal row for row; the failure lists the rows that appeared and disappeared.</summary>
    public static void AssertSame(IReadOnlyList<string> before, IReadOnlyList<string> after, string what)
    {
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        Assert.True(before.SequenceEqual(after, StringComparer.Ordinal),
            $"{what} changed the database.\nGone:\n  {string.Join("\n  ", removed)}\nNew:\n  {string.Join("\n  ", added)}");
    }
}
