using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// PostgreSQL dies in the middle of a run (every connection dropped, as in a crash) and comes back: checkouts during
/// the outage fail without leaving half a checkout behind, and shoppers who retry with the same checkout id all end
/// with exactly one order and one charge.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class DatabaseRestartTests
{
    [Fact]
    public async Task PostgresCrashesMidRun_CheckoutsFailCleanAndRetriesCompleteWithNothingLostOrChargedTwice()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL, postgresServer: server.ConnectionString);
        await shop.AddProductAsync("ITEM", stock: 30);
        var shoppers = new List<(Guid Cart, Guid Session)>();
        for (var i = 0; i < 30; i++)
        {
            shoppers.Add((await shop.CartWithAsync(("ITEM", 1)), Guid.CreateVersion7()));
        }
        Task<Exception?> BuyAsync(int i) => CatchAsync(async () =>
        {
            var (cart, session) = shoppers[i];
            ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(cart, $"s{i}@example.com", "Shopper", CheckoutSessionId: session, ShippingAddress: TestAddresses.Portland)));
            Assert.Equal(OrderStatus.Confirmed, ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session, Cards.Approved)).Order.Status);
        });

        Assert.All(await Race.RunAsync(10, BuyAsync), Assert.Null);

        await server.StopAsync();
        var duringOutage = await Race.RunAsync(10, i => BuyAsync(10 + i));
        Assert.All(duringOutage, e => Assert.NotNull(e));

        await server.StartAgainAsync();
        // Every shopper of the outage and ten new ones: each retries (a client would) until it has its order.
        await Race.RunAsync(20, async i =>
        {
            await Eventually.TrueAsync(async () => await BuyAsync(10 + i) is null, $"shopper {10 + i} has an order");
            return i;
        });

        await using var db = await shop.DbAsync();
        Assert.Equal(30, await db.Orders.CountAsync(o => o.Status == OrderStatus.Confirmed));
        Assert.Equal(30, await shop.GatewayCallsAsync(Checkout.Data.Payments.GatewayOperationKind.Authorize));
        Assert.Equal(0, await db.Holds.CountAsync(h => h.Status == HoldStatus.Active));
        var stock = await db.Inventory.AsNoTracking().SingleAsync();
        Assert.Equal((0, 0, 30), (stock.Quantity, stock.Reserved, stock.Sold));
        Assert.All(await shop.Get<InvariantsService>().CheckAsync(), c => Assert.True(c.Holds, c.Name));
    }

    private static async Task<Exception?> CatchAsync(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            return e;
        }
    }
}
