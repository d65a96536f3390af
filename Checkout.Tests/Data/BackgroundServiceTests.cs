using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Checkout.Tests.Data;

/// <summary>The registered workers run on the injected clock: advancing the fake clock is what makes them act.</summary>
public abstract class BackgroundServiceTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task HoldSweeperService_ReleasesExpiredHoldsOnItsInterval()
    {
        await using var shop = await CreateShopAsync(new Dictionary<string, string?>
        {
            ["Checkout:HoldTtl"] = "00:02:00",
            ["Checkout:SweepInterval"] = "00:00:30",
        });
        await shop.AddProductAsync("SWEPT", stock: 4);
        await shop.OpenCheckoutAsync(lines: ("SWEPT", 3));
        var service = Worker<HoldSweeperService>(shop);
        await service.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal(3, (await shop.InventoryAsync("SWEPT")).Reserved);

            shop.Clock.Advance(TimeSpan.FromMinutes(2));

            await Eventually.TrueAsync(async () => (await shop.InventoryAsync("SWEPT")).Reserved == 0, "the sweeper released the hold");
            Assert.Equal(4, (await shop.InventoryAsync("SWEPT")).Quantity);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task OutboxDispatcherService_PublishesAConfirmedOrderOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("SHIP-IT", stock: 4);
        var session = await shop.OpenCheckoutAsync(lines: ("SHIP-IT", 1));
        var order = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved)).Order;
        var service = Worker<OutboxDispatcherService>(shop);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.TrueAsync(
                async () => await shop.CountAsync(db => db.OutboxMessages.Where(m => m.SentAt != null)) == 1, "the message was marked sent");
            shop.Clock.Advance(TimeSpan.FromSeconds(5));

            var shipments = await shop.CountAsync(db => db.ShipmentRequests.Where(s => s.OrderId == order.OrderId));
            Assert.Equal(1, shipments);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private static T Worker<T>(TestShop shop) where T : IHostedService =>
        shop.Services.GetServices<IHostedService>().OfType<T>().Single();
}

public sealed class BackgroundServiceTestsOnSqlite() : BackgroundServiceTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class BackgroundServiceTestsOnPostgreSQL() : BackgroundServiceTests(DatabaseProvider.PostgreSQL);
