using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Builders;

/// <summary>
/// Shortcuts over a shop's database, for the data tests' <see cref="TestShop"/> and the hosted <see cref="TestApp"/>s
/// alike: what the API cannot arrange (prices, exact stock), what it wrote, refusals and placed orders. Snapshots are
/// <see cref="DbSnapshot"/>'s.
/// </summary>
public static class TestShopExtras
{
    /// <summary>Runs <paramref name="act"/>, expects the error <paramref name="code"/> with a readable sentence, and that the shop did not change.</summary>
    public static async Task<Error> AssertRefusedAsync<T>(this TestShop shop, string code, Func<Task<Result<T>>> act)
        where T : notnull
    {
        var before = await shop.SnapshotAsync();

        var error = ResultAssert.Failure(await act(), code);

        Assert.InRange(error.Message.Length, 10, 300);
        Assert.EndsWith(".", error.Message, StringComparison.Ordinal);
        await shop.AssertUnchangedAsync(before, $"A call refused with {code}");
        return error;
    }

    /// <summary>
    /// Starts checkout for a cart with a valid shopper unless told otherwise, shipping to <see cref="TestAddresses.Portland"/>
    /// so that it can be paid; the result is returned, not asserted.
    /// </summary>
    public static Task<Result<CheckoutView>> StartCheckoutAsync(
        this TestShop shop, Guid cartId, string? promo = null, string email = "shopper@example.com", string name = "Sam Shopper") =>
        shop.Checkouts.StartAsync(new StartCheckout(cartId, email, name, promo, ShippingAddress: TestAddresses.Portland));

    /// <summary>A product, a checkout for <paramref name="quantity"/> of it and an order paid with the approved card: CONFIRMED.</summary>
    public static async Task<OrderView> PlaceConfirmedOrderAsync(this TestShop shop, string sku = "ORDERED", int quantity = 2, int stock = 10)
    {
        await shop.AddProductAsync(sku, priceMinor: 2500, stock: stock);
        var checkout = await shop.OpenCheckoutAsync(lines: (sku, quantity));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        return placed.Order;
    }

    /// <summary>Puts an order in a status directly, bypassing the rules, to test the rules from that status.</summary>
    public static async Task ForceStatusAsync(this IShopDatabase shop, Guid orderId, OrderStatus status)
    {
        await using var db = await shop.DbAsync();
        Assert.Equal(1, await db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, status)));
    }

    /// <summary>The order's status and version and its number of history rows, as stored.</summary>
    public static async Task<(OrderStatus Status, int Version, int History)> OrderStateAsync(this IShopDatabase shop, Guid orderId)
    {
        await using var db = await shop.DbAsync();
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId);
        return (order.Status, order.Version, await db.OrderStatusChanges.CountAsync(h => h.OrderId == orderId));
    }

    /// <summary>Available (still sellable), reserved (held by checkouts) and sold units of a SKU.</summary>
    public static async Task<(int Available, int Reserved, int Sold)> StockAsync(this IShopDatabase shop, string sku)
    {
        await using var db = await shop.DbAsync();
        var item = await db.Inventory.AsNoTracking().SingleAsync(i => i.Sku == sku);
        return (item.Quantity, item.Reserved, item.Sold);
    }

    /// <summary>Makes exactly <paramref name="available"/> units sellable, none reserved or sold.</summary>
    public static async Task SetStockAsync(this IShopDatabase shop, string sku, int available)
    {
        await using var db = await shop.DbAsync();
        var changed = await db.Inventory.Where(i => i.Sku == sku).ExecuteUpdateAsync(s => s
            .SetProperty(i => i.Quantity, available)
            .SetProperty(i => i.Reserved, 0)
            .SetProperty(i => i.Sold, 0));
        Assert.Equal(1, changed);
    }

    /// <summary>The shop changes a price behind the shopper's back.</summary>
    public static async Task SetPriceAsync(this IShopDatabase shop, string sku, long priceMinor)
    {
        await using var db = await shop.DbAsync();
        var product = await db.Products.SingleAsync(p => p.Sku == sku);
        product.ChangePrice(priceMinor);
        await db.SaveChangesAsync();
    }

    /// <summary>The calls of <paramref name="kind"/> the simulated gateway stored: one per idempotency key.</summary>
    public static async Task<int> GatewayCallsAsync(this IShopDatabase shop, GatewayOperationKind kind) =>
        (await shop.GatewayOperationsAsync(kind)).Count;

    /// <summary>What the simulated gateway's ledger holds: every operation, or those of <paramref name="kind"/>.</summary>
    public static async Task<List<GatewayOperation>> GatewayOperationsAsync(this IShopDatabase shop, GatewayOperationKind? kind = null) =>
        await shop.GatewayLedger.ListAsync(kind).ToListAsync();

    public static async Task<int> CountAsync<T>(this IShopDatabase shop, Func<CheckoutDbContext, IQueryable<T>> query)
    {
        await using var db = await shop.DbAsync();
        return await query(db).CountAsync();
    }
}
