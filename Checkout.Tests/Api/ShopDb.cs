using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Api;

/// <summary>Reads and arranges the shop's database behind the API: what the API cannot set up, and what "changed nothing" means.</summary>
public static class ShopDb
{
    /// <summary>
    /// Every row a request could touch, one readable line each, so that "changed nothing" is one equality whose
    /// failure shows the rows that moved.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SnapshotAsync(this ApiFactory api)
    {
        await using var db = await api.DbAsync();
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
        var gateway = await db.GatewayOperations.AsNoTracking().ToListAsync();
        var outbox = await db.OutboxMessages.AsNoTracking().ToListAsync();
        IEnumerable<string> rows =
        [
            .. products.Select(p => $"product {p.Sku} price={p.PriceMinor} active={p.Active}"),
            .. inventory.Select(i => $"inventory {i.Sku} quantity={i.Quantity} reserved={i.Reserved} sold={i.Sold}"),
            .. carts.Select(c => $"cart {c.Id} lines={c.Lines.Count}"),
            .. carts.SelectMany(c => c.Lines).Select(l => $"cart-line {l.CartId} {l.Sku} x{l.Quantity} seen={l.SeenPriceMinor}"),
            .. holds.Select(h => $"hold {h.CheckoutSessionId} {h.Sku} x{h.Quantity} {h.Status} until={h.ExpiresAt:O}"),
            .. sessions.Select(s => $"session {s.Id} {s.Status} total={s.TotalMinor} until={s.HoldExpiresAt:O}"),
            .. promos.Select(p => $"promo {p.Code} {p.Kind} {p.Value} used={p.Used} enabled={p.Enabled} limit={p.UsageLimit}"),
            .. redemptions.Select(r => $"redemption {r.Code} {r.Email} {r.Status}"),
            .. orders.Select(o => $"order {o.Id} {o.Status} v{o.Version} tracking={o.TrackingNumber}"),
            .. payments.Select(p => $"payment {p.OrderId} {p.Status} refunded={p.RefundedMinor}"),
            .. history.Select(h => $"history {h.OrderId} {h.From}->{h.To} by {h.Actor}"),
            .. gateway.Select(g => $"gateway {g.Key} {g.Outcome} {g.AmountMinor}"),
            .. outbox.Select(m => $"outbox {m.Id} {m.Type}"),
        ];
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    /// <summary>Fails, naming <paramref name="what"/> and listing the rows that appeared and disappeared, when the database moved since <paramref name="before"/>.</summary>
    public static async Task AssertUnchangedAsync(this ApiFactory api, IReadOnlyList<string> before, string what)
    {
        var after = await api.SnapshotAsync();
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        Assert.True(removed.Count == 0 && added.Count == 0,
            $"{what} changed the database.\nGone:\n  {string.Join("\n  ", removed)}\nNew:\n  {string.Join("\n  ", added)}");
    }

    /// <summary>Available (still sellable), reserved (held by checkouts) and sold units of a SKU.</summary>
    public static async Task<(int Available, int Reserved, int Sold)> StockAsync(this ApiFactory api, string sku)
    {
        await using var db = await api.DbAsync();
        var item = await db.Inventory.AsNoTracking().SingleAsync(i => i.Sku == sku);
        return (item.Quantity, item.Reserved, item.Sold);
    }

    /// <summary>Makes exactly <paramref name="available"/> units sellable, none reserved or sold.</summary>
    public static async Task SetStockAsync(this ApiFactory api, string sku, int available)
    {
        await using var db = await api.DbAsync();
        var changed = await db.Inventory.Where(i => i.Sku == sku).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Quantity, available)
            .SetProperty(i => i.Reserved, 0)
            .SetProperty(i => i.Sold, 0));
        Assert.Equal(1, changed);
    }

    /// <summary>The shop changes a price behind the shopper's back.</summary>
    public static async Task SetPriceAsync(this ApiFactory api, string sku, long priceMinor)
    {
        await using var db = await api.DbAsync();
        var product = await db.Products.SingleAsync(p => p.Sku == sku);
        product.ChangePrice(priceMinor);
        await db.SaveChangesAsync();
    }

    public static async Task<int> GatewayCallsAsync(this ApiFactory api, GatewayOperationKind kind)
    {
        await using var db = await api.DbAsync();
        return await db.GatewayOperations.CountAsync(o => o.Kind == kind);
    }

    public static async Task<int> CountAsync<T>(this ApiFactory api, Func<CheckoutDbContext, IQueryable<T>> query)
    {
        await using var db = await api.DbAsync();
        return await query(db).CountAsync();
    }
}
