using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Builders;

/// <summary>Shortcuts over a <see cref="TestShop"/> for the data tests: whole-shop snapshots, refusals, placed orders.</summary>
public static class TestShopExtras
{
    /// <summary>
    /// Every row a shopper's or an admin's request could touch, one readable line each, so that "changed nothing"
    /// is a single equality whose failure shows the rows that moved.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SnapshotAsync(this TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await DbSnapshot.TakeAsync(db, withDelivery: true);
    }

    /// <summary>Runs <paramref name="act"/>, expects the error <paramref name="code"/> with a readable sentence, and that the shop did not change.</summary>
    public static async Task<Error> AssertRefusedAsync<T>(this TestShop shop, string code, Func<Task<Result<T>>> act)
        where T : notnull
    {
        var before = await shop.SnapshotAsync();

        var error = ResultAssert.Failure(await act(), code);

        Assert.InRange(error.Message.Length, 10, 300);
        Assert.EndsWith(".", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await shop.SnapshotAsync());
        return error;
    }

    /// <summary>Starts checkout for a cart with a valid shopper unless told otherwise; the result is returned, not asserted.</summary>
    public static Task<Result<CheckoutView>> StartCheckoutAsync(
        this TestShop shop, Guid cartId, string? promo = null, string email = "shopper@example.com", string name = "Sam Shopper") =>
        shop.Checkouts.StartAsync(new StartCheckout(cartId, email, name, promo));

    /// <summary>A product, a checkout for <paramref name="quantity"/> of it and an order paid with the good card: CONFIRMED.</summary>
    public static async Task<OrderView> PlaceConfirmedOrderAsync(this TestShop shop, string sku = "ORDERED", int quantity = 2, int stock = 10)
    {
        await shop.AddProductAsync(sku, priceMinor: 2500, stock: stock);
        var checkout = await shop.OpenCheckoutAsync(lines: (sku, quantity));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, TestShop.GoodCard));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        return placed.Order;
    }

    /// <summary>Puts an order in a status directly, bypassing the rules, to test the rules from that status.</summary>
    public static async Task ForceStatusAsync(this TestShop shop, Guid orderId, OrderStatus status)
    {
        await using var db = await shop.DbAsync();
        Assert.Equal(1, await db.Orders.Where(o => o.Id == orderId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, status)));
    }

    /// <summary>The order's status and version and its number of history rows, as stored.</summary>
    public static async Task<(OrderStatus Status, int Version, int History)> OrderStateAsync(this TestShop shop, Guid orderId)
    {
        await using var db = await shop.DbAsync();
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.Id == orderId);
        return (order.Status, order.Version, await db.OrderStatusChanges.CountAsync(h => h.OrderId == orderId));
    }
}
