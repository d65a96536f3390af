using System.Collections.Concurrent;
using System.Net;
using Checkout.Data.Catalog;
using Checkout.Data.Fulfillment;
using Checkout.Data.HotStock;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Tests.Api;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Checkout.Data.CheckoutSessions;

namespace Checkout.Tests.ScaleOut;

/// <summary>
/// Two real app instances on one PostgreSQL database and one Redis, each with its own sweeper, outbox dispatcher,
/// Redis counters and event relay, raced through the HTTP API as a load balancer would spread shoppers.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoInstanceTests : IAsyncLifetime
{
    private const string Sku = "HOT-ESPRESSO";
    private TestDatabase? _database;
    private AppInstance _first = null!;
    private AppInstance _second = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSQL, Path.GetTempPath());
        var prefix = $"test:{Guid.NewGuid():N}:";
        // One after the other: the first migrates and seeds the shared database.
        _first = new AppInstance(_database.ConnectionString, RedisServer.Shared(), prefix).Started();
        _second = new AppInstance(_database.ConnectionString, RedisServer.Shared(), prefix).Started();
    }

    [Fact]
    public async Task TwoHundredCheckoutsForTwentyUnitsAcrossBothInstances_SellExactlyTwentyAndPublishEachOrderOnce()
    {
        // The seeded hot SKU has 100 units; an admin on one instance takes 80 away, through the ledger and the counter.
        ResultAssert.Success(await _first.Get<InventoryAdminService>().AdjustAsync(Sku, -80, "scale-out test", "test"));
        await Eventually.TrueAsync(() => Task.FromResult(_first.Get<RedisCounters>().IsHot(Sku) && _second.Get<RedisCounters>().IsHot(Sku)),
            "both instances seeded the hot SKU's counter");
        var shoppers = new[] { _first.Shopper(), _second.Shopper() };
        // Every buyer fills a cart while the 20 units are still there (a cart refuses a sold-out item); then the
        // checkouts race for them.
        var carts = new Guid[200];
        for (var i = 0; i < carts.Length; i++)
        {
            carts[i] = await shoppers[i % 2].CartWithAsync((Sku, 1));
        }

        var outcomes = await Race.RunAsync(200, async i =>
        {
            var shop = shoppers[i % 2];
            var cartId = carts[i];
            var started = await shop.StartCheckoutAsync(cartId, $"buyer{i}@example.com");
            if (started.StatusCode != HttpStatusCode.Created)
            {
                return started.StatusCode;
            }
            var session = await ApiClient.ReadAsync<CheckoutDto>(started, HttpStatusCode.Created);
            return (await shop.CompleteAsync(session.CheckoutSessionId, Cards.Approved)).StatusCode;
        });

        Assert.Equal(20, outcomes.Count(o => o == HttpStatusCode.Created));
        Assert.Equal(180, outcomes.Count(o => o == HttpStatusCode.Conflict));
        // Every unit sold was taken from the shared Redis counter first, whichever instance the buyer reached.
        Assert.Equal(20, _first.Get<RedisCounters>().Taken + _second.Get<RedisCounters>().Taken);
        await Eventually.TrueAsync(async () =>
        {
            await using var db = await _first.DbAsync();
            return await db.OutboxMessages.CountAsync(m => m.SentAt == null) == 0;
        }, "every confirmed order was published", timeoutMs: 20_000);
        await _second.Get<HoldSweeper>().SweepOnceAsync();

        await using var check = await _first.DbAsync();
        var stock = await check.Inventory.AsNoTracking().SingleAsync(i => i.Sku == Sku);
        Assert.Equal((0, 0, 20), (stock.Quantity, stock.Reserved, stock.Sold));
        Assert.Equal(20, await check.Orders.CountAsync());
        Assert.Equal(0, await check.Holds.CountAsync(h => h.Status == HoldStatus.Active));
        Assert.Equal(20, await check.OutboxMessages.CountAsync(m => m.SentAt != null));
        Assert.Equal(20, await check.OutboxDeliveries.CountAsync(d => d.Consumer == FulfillmentConsumer.ConsumerName && d.Attempts == 1 && d.DeliveredAt != null));
        // Every consumer the app has (the receipt e-mails too) got each message in one attempt.
        Assert.Equal(0, await check.OutboxDeliveries.CountAsync(d => d.Attempts != 1 || d.DeliveredAt == null));
        Assert.Equal(20, await check.ShipmentRequests.CountAsync());
        Assert.Equal(0, await _first.Get<RedisCounters>().ReadAsync(Sku));
        Assert.All(await _first.Get<Checkout.Data.Operations.InvariantsService>().CheckAsync(), c => Assert.True(c.Holds, c.Name));
    }

    [Fact]
    public async Task AHoldReleasedOnOneInstance_ReachesTheShoppersOfTheOther()
    {
        var seen = new ConcurrentQueue<CheckoutEvent>();
        using var subscription = _second.Get<CheckoutEvents>().Subscribe(e =>
        {
            seen.Enqueue(e);
            return Task.CompletedTask;
        });
        using var shopper = _first.Shopper();
        var session = await shopper.OpenCheckoutAsync(("TEA-SENCHA", 1));
        await RelaysConnectedAsync();

        var cancelled = await shopper.PostAsync($"/api/checkouts/{session.CheckoutSessionId}/cancel");

        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(seen.OfType<HoldReleased>().Any(e => e.CheckoutSessionId == session.CheckoutSessionId)),
            "the second instance's subscriber saw the release");
        await Eventually.TrueAsync(() => Task.FromResult(seen.OfType<StockChanged>().Any(e => e.Sku == "TEA-SENCHA")),
            "and the stock coming back");
    }

    [Fact]
    public async Task UnitsHeldOnOneInstance_ShowInTheCatalogOfTheOther()
    {
        using var browsing = _second.Shopper();
        var before = await AvailableAsync(browsing, "TEA-SENCHA");
        await RelaysConnectedAsync();

        using var buying = _first.Shopper();
        await buying.OpenCheckoutAsync(("TEA-SENCHA", 2));

        await Eventually.MatchesAsync(() => AvailableAsync(browsing, "TEA-SENCHA"), available => available == before - 2,
            "the second instance's catalog shows the units held on the first");
    }

    [Fact]
    public async Task AProductChangedOnOneInstance_ShowsInTheCatalogOfTheOther_AndArchivedLeavesIt()
    {
        using var browsing = _second.Shopper();
        var before = (await browsing.ProductsAsync()).Single(p => p.Sku == "TEA-MATCHA");
        await RelaysConnectedAsync();
        var products = _first.Get<ProductAdminService>();
        var matcha = ResultAssert.Success(await products.GetAsync("TEA-MATCHA"));

        ResultAssert.Success(await products.ChangeAsync("TEA-MATCHA", new ProductInput(
            "Ceremonial Matcha 40 g", matcha.Description, matcha.Category, before.PriceMinor + 500, matcha.WeightGrams, matcha.Hot), "admin@shop"));

        // The second instance's snapshot never ages out here (Checkout:CatalogMaxAge is an hour): only the relayed event refreshes it.
        await Eventually.MatchesAsync(async () => (await browsing.ProductsAsync()).Single(p => p.Sku == "TEA-MATCHA"),
            p => p.Name == "Ceremonial Matcha 40 g" && p.PriceMinor == before.PriceMinor + 500, "the second instance lists the new name and price");

        ResultAssert.Success(await products.ArchiveAsync("TEA-MATCHA", "admin@shop"));

        await Eventually.TrueAsync(async () => (await browsing.ProductsAsync()).All(p => p.Sku != "TEA-MATCHA"), "the second instance no longer lists it");
    }

    private static async Task<int> AvailableAsync(ApiClient shopper, string sku) => (await shopper.ProductsAsync()).Single(p => p.Sku == sku).Available;

    /// <summary>Waits until both relays are connected: an event published on the first instance reaches the second.</summary>
    private async Task RelaysConnectedAsync()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _second.Get<CheckoutEvents>().Subscribe(e =>
        {
            if (e is StockChanged { Sku: "PROBE" })
            {
                arrived.TrySetResult();
            }
            return Task.CompletedTask;
        });
        await Eventually.TrueAsync(async () =>
        {
            await _first.Get<CheckoutEvents>().PublishAsync(new StockChanged("PROBE", 0, 0));
            await Task.Delay(50);
            return arrived.Task.IsCompleted;
        }, "the instances relay each other's events");
    }

    // Also after a failed start: whatever was started is stopped, and the database dropped.
    public async Task DisposeAsync()
    {
        foreach (var started in new IAsyncDisposable?[] { _second, _first, _database })
        {
            if (started is not null)
            {
                await started.DisposeAsync();
            }
        }
    }
}
