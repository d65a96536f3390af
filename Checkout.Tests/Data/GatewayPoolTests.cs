using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Data;

/// <summary>
/// A payment holds its connection to the shop's database while the gateway answers. The simulated gateway keeps its
/// ledger in the same PostgreSQL database, so if it drew its connections from the shop's pool, a crowd of payments
/// as large as the pool would hold every connection and each wait for one more: nobody could pay until the pool's
/// wait ran out. Its connections come from a pool of their own, as a real provider's are on its own servers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GatewayPoolTests
{
    [Fact]
    public async Task MorePaymentsAtOnceThanTheShopsPoolHolds_AllConfirm()
    {
        const int pool = 3, payments = 12;
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL, postgresPool: b =>
        {
            b.MaxPoolSize = pool;
            b.Timeout = 5;
        });
        await shop.AddProductAsync("POOL-1", stock: payments);
        var sessions = new List<Guid>();
        for (var i = 0; i < payments; i++)
        {
            sessions.Add(ResultAssert.Success(await shop.StartCheckoutAsync(await shop.CartWithAsync(("POOL-1", 1)))).CheckoutSessionId);
        }

        var placed = await Race.RunAsync(payments, i => shop.PlaceOrders.PlaceAsync(sessions[i], Cards.Approved));

        Assert.All(placed, p => Assert.Equal(OrderStatus.Confirmed, ResultAssert.Success(p).Order.Status));
        var stock = await shop.InventoryAsync("POOL-1");
        Assert.Equal((0, 0, payments), (stock.Quantity, stock.Reserved, stock.Sold));
    }
}
