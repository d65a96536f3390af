using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Builders;

/// <summary>
/// Every row a shopper's or an admin's request could touch, one readable line each, sorted, so that "changed
/// nothing" is one equality whose failure shows the rows that moved.
/// </summary>
public static class DbSnapshot
{
    /// <param name="withDelivery">
    /// Include what the outbox dispatcher changes on its own (sent flags, shipments): off when the app's background
    /// workers run during the test.
    /// </param>
    public static async Task<IReadOnlyList<string>> TakeAsync(CheckoutDbContext db, bool withDelivery)
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
        var gateway = await db.GatewayOperations.AsNoTracking().ToListAsync();
        var outbox = await db.OutboxMessages.AsNoTracking().ToListAsync();
        var shipments = withDelivery ? await db.ShipmentRequests.AsNoTracking().ToListAsync() : [];
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
            .. gateway.Select(g => $"gateway {g.Key} {g.Outcome} {g.AmountMinor}"),
            .. outbox.Select(m => withDelivery ? $"outbox {m.Id} {m.Type} sent={m.SentAt is not null} attempts={m.Attempts}" : $"outbox {m.Id} {m.Type}"),
            .. shipments.Select(s => $"shipment {s.MessageId} {s.OrderId}"),
        ];
        return [.. rows.Order(StringComparer.Ordinal)];
    }
}
