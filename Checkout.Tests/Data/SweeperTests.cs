using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

public abstract class SweeperTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task Sweep_BeforeTtl_ReleasesNothing()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("KEEP", stock: 5);
        await shop.OpenCheckoutAsync(lines: ("KEEP", 2));

        shop.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(0, await shop.Get<HoldSweeper>().SweepOnceAsync());

        Assert.Equal((3, 2), Stock(await shop.InventoryAsync("KEEP")));
    }

    [Fact]
    public async Task Sweep_AfterTtl_ReleasesOnceAndPlacingTheOrderFailsWithoutCharge()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("EXPIRE", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("EXPIRE", 2));

        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(1, await shop.Get<HoldSweeper>().SweepOnceAsync());
        Assert.Equal(0, await shop.Get<HoldSweeper>().SweepOnceAsync());

        Assert.Equal((5, 0), Stock(await shop.InventoryAsync("EXPIRE")));
        Assert.Equal(CheckoutSessionStatus.Expired, ResultAssert.Success(await shop.Checkouts.GetAsync(session.CheckoutSessionId)).Status);
        var placed = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved);
        ResultAssert.Failure(placed, ErrorCodes.HoldExpired);
        Assert.Empty(await shop.GatewayOperationsAsync());
        Assert.Equal(0, await shop.CountAsync(db => db.Orders));
    }

    [Fact]
    public async Task PlaceOrder_AfterTtlBeforeTheSweeperRuns_FailsWithoutCharge()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LATE", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("LATE", 1));

        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        var placed = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved);

        ResultAssert.Failure(placed, ErrorCodes.HoldExpired);
        Assert.Empty(await shop.GatewayOperationsAsync());
    }

    [Fact]
    public async Task Sweep_TwoSweepersRacingOverManyExpiredSessions_RestoreEachUnitExactlyOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("RACE-A", stock: 40);
        await shop.AddProductAsync("RACE-B", stock: 40);
        for (var i = 0; i < 20; i++)
        {
            await shop.OpenCheckoutAsync($"s{i}@example.com", null, ("RACE-A", 1), ("RACE-B", 2));
        }
        Assert.Equal((20, 20), Stock(await shop.InventoryAsync("RACE-A")));

        shop.Clock.Advance(TimeSpan.FromMinutes(16));
        var sweepers = Enumerable.Range(0, 2).Select(_ => shop.Get<HoldSweeper>()).ToList();
        var closed = await Race.RunAsync(2, i => sweepers[i].SweepOnceAsync());

        Assert.Equal(20, closed.Sum());
        Assert.Equal((40, 0), Stock(await shop.InventoryAsync("RACE-A")));
        Assert.Equal((40, 0), Stock(await shop.InventoryAsync("RACE-B")));
        Assert.Equal(40, await shop.CountAsync(db => db.Holds.Where(h => h.Status == HoldStatus.Released)));
    }

    [Fact]
    public async Task PaymentStart_ExtendsTheHoldOnceSoItOutlivesTheGatewayCall()
    {
        await using var shop = await CreateShopAsync(new Dictionary<string, string?> { ["Checkout:PaymentGrace"] = "00:05:00" });
        await shop.AddProductAsync("GRACE", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("GRACE", 1));
        shop.Clock.Advance(TimeSpan.FromMinutes(14));

        // The gateway times out: the order stays pending, and the hold must not lapse at minute 15.
        var timeoutCard = Cards.TimesOutOnce;
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, timeoutCard), ErrorCodes.PaymentPending);
        var extended = ResultAssert.Success(await shop.Checkouts.GetAsync(session.CheckoutSessionId));
        Assert.True(extended.HoldExtended);
        Assert.Equal(TestShop.Start.AddMinutes(19), extended.HoldExpiresAt);

        shop.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await shop.Get<HoldSweeper>().SweepOnceAsync());
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, timeoutCard));

        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal(TestShop.Start.AddMinutes(19), ResultAssert.Success(await shop.Checkouts.GetAsync(session.CheckoutSessionId)).HoldExpiresAt);
    }

    [Fact]
    public async Task PendingPayment_WhoseHoldExpired_IsVoidedAndCancelledWhenTheApprovalArrives()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAPSE", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("LAPSE", 1));
        var timeoutCard = Cards.TimesOutOnce;
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, timeoutCard), ErrorCodes.PaymentPending);

        shop.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await shop.Get<HoldSweeper>().SweepOnceAsync());
        var retry = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, timeoutCard);

        ResultAssert.Failure(retry, ErrorCodes.HoldExpired);
        Assert.Equal((5, 0), Stock(await shop.InventoryAsync("LAPSE")));
        await using var db = await shop.DbAsync();
        Assert.Equal(OrderStatus.Cancelled, (await db.Orders.SingleAsync()).Status);
        Assert.Single(await shop.GatewayOperationsAsync(GatewayOperationKind.Void), o => o.Outcome == GatewayOutcome.Approved);
        Assert.Empty(await shop.GatewayOperationsAsync(GatewayOperationKind.Capture));
    }

    private static (int Quantity, int Reserved) Stock(InventoryItem item) => (item.Quantity, item.Reserved);
}

public sealed class SweeperTestsOnSqlite() : SweeperTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class SweeperTestsOnPostgreSQL() : SweeperTests(DatabaseProvider.PostgreSQL);
