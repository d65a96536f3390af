using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

public abstract class OperationsTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task Invariants_AfterOrdersCancellationsDeclinesAndExpiry_AreAllZero()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("INV", stock: 20);
        var paid = await shop.OpenCheckoutAsync(lines: ("INV", 2));
        var order = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(paid.CheckoutSessionId, Cards.Approved)).Order;
        ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, new TransitionRequest("shopper")));
        var declined = await shop.OpenCheckoutAsync("d@example.com", null, ("INV", 1));
        await shop.PlaceOrders.PlaceAsync(declined.CheckoutSessionId, Cards.Declined);
        await shop.OpenCheckoutAsync("late@example.com", null, ("INV", 3));
        shop.Clock.Advance(TimeSpan.FromMinutes(16));
        await shop.Get<HoldSweeper>().SweepOnceAsync();

        var checks = await shop.Get<InvariantsService>().CheckAsync();

        Assert.Equal(6, checks.Count);
        Assert.All(checks, c => Assert.True(c.Holds, $"{c.Name}: {c.Violations} ({string.Join(", ", c.Offenders)})"));
    }

    [Fact]
    public async Task Invariants_DetectPlantedViolations()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("BROKEN", stock: 5);
        await shop.AddProductAsync("STALE", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("BROKEN", 1));
        var order = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved)).Order;
        await shop.OpenCheckoutAsync("stale@example.com", null, ("STALE", 1));
        await shop.Get<IPaymentGateway>().AuthorizeAsync("orphan-key", 999, "USD", Cards.Approved);
        await using (var db = await shop.DbAsync())
        {
            await db.Inventory.Where(i => i.Sku == "BROKEN").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity + 1));
            db.OrderStatusChanges.Add(new OrderStatusChange(order.OrderId, OrderStatus.Delivered, OrderStatus.Pending, shop.Clock.GetUtcNow(), "test", null));
            await db.SaveChangesAsync();
        }
        shop.Clock.Advance(TimeSpan.FromMinutes(31));

        var checks = (await shop.Get<InvariantsService>().CheckAsync()).ToDictionary(c => c.Name);

        Assert.Equal(["BROKEN"], checks["oversold"].Offenders);
        Assert.Equal(1, checks["stale-holds"].Violations);
        Assert.Equal(1, checks["orphan-authorizations"].Violations);
        Assert.Equal([order.OrderId.ToString()], checks["illegal-transitions"].Offenders);
        Assert.True(checks["orders-per-session"].Holds);
        Assert.True(checks["promo-over-limit"].Holds);
    }

    [Fact]
    public async Task LastUnitDrill_SellsTheUnitOnceKeepsInvariantsAndRemovesItsData()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("KEEP-ME", stock: 3);

        var result = ResultAssert.Success(await shop.Get<LastUnitDrill>().RunAsync(units: 1, buyers: 20));

        Assert.True(result.Passed);
        Assert.Equal((1, 19, 0), (result.Orders, result.OutOfStock, result.OtherFailures));
        Assert.All(result.Invariants, c => Assert.True(c.Holds, c.Name));
        await using var db = await shop.DbAsync();
        Assert.Equal(["KEEP-ME"], await db.Products.Select(p => p.Sku).ToListAsync());
        Assert.Equal(0, await db.Orders.CountAsync());
        Assert.Equal(0, await db.CheckoutSessions.CountAsync());
        Assert.Equal(0, await db.Holds.CountAsync());
        Assert.Empty(await shop.GatewayOperationsAsync());
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
        Assert.Equal(0, await db.Carts.CountAsync());
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(5, 3)]
    [InlineData(1, 1000)]
    public async Task LastUnitDrill_WithOutOfRangeSizes_IsRefused(int units, int buyers)
    {
        await using var shop = await CreateShopAsync();

        ResultAssert.Failure(await shop.Get<LastUnitDrill>().RunAsync(units, buyers), ErrorCodes.Validation);

        Assert.Equal(0, await shop.CountAsync(db => db.Products));
    }

    [Fact]
    public async Task Dashboard_CountsTodaysOrdersRevenueConversionDeclinesHoldsAndRejections()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("DASH", priceMinor: 2000, stock: 4);
        for (var i = 0; i < 2; i++)
        {
            var paid = await shop.OpenCheckoutAsync($"p{i}@example.com", null, ("DASH", 1));
            await shop.PlaceOrders.PlaceAsync(paid.CheckoutSessionId, Cards.Approved);
        }
        var declined = await shop.OpenCheckoutAsync("d@example.com", null, ("DASH", 1));
        await shop.PlaceOrders.PlaceAsync(declined.CheckoutSessionId, Cards.Declined);
        await shop.OpenCheckoutAsync("held@example.com", null, ("DASH", 1));
        var tooMany = await shop.CartWithAsync(("DASH", 1));
        await using (var db = await shop.DbAsync())
        {
            await db.Inventory.Where(i => i.Sku == "DASH").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 0));
        }
        ResultAssert.Failure(await shop.Checkouts.StartAsync(new StartCheckout(tooMany, "x@example.com", "X")), ErrorCodes.OutOfStock);

        var dashboard = await shop.Get<DashboardService>().GetAsync();

        Assert.Equal((2, 2 * 2499L), (dashboard.OrdersToday, dashboard.RevenueTodayMinor));
        Assert.Equal((4, 2), (dashboard.CheckoutsStartedToday, dashboard.CheckoutsCompletedToday));
        Assert.Equal(0.5, dashboard.Conversion);
        Assert.Equal(1, dashboard.HoldsActive);
        Assert.Equal(1, dashboard.PaymentDeclinesToday);
        Assert.Equal(1, dashboard.OversellRejectedSinceStart);
        Assert.Equal(new HoldOutcomes(Converted: 2, Expired: 0, Released: 1), dashboard.HoldOutcomesToday);
        Assert.Equal(24, dashboard.LastDay.Count);
        Assert.Equal((2, 2 * 2499L), (dashboard.LastDay[^1].Orders, dashboard.LastDay[^1].RevenueMinor));
    }
}

public sealed class OperationsTestsOnSqlite() : OperationsTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class OperationsTestsOnPostgreSQL() : OperationsTests(DatabaseProvider.PostgreSQL);
