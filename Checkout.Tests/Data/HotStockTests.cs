using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.HotStock;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// Hot SKUs reserve through a real Redis ahead of the database. The database stays the record: these races check
/// that neither side sells a unit twice and that the Redis counter ends equal to the database's available units.
/// </summary>
public abstract class HotStockTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task HotSku_64BuyersOn20Units_SellsExactly20ThroughRedis_AndTheCounterEqualsTheDatabase()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 20);
        var carts = await CartsAsync(shop, 64);

        var results = await Race.RunAsync(64, i => shop.Checkouts.StartAsync(new StartCheckout(carts[i], $"b{i}@example.com", "Buyer", ShippingAddress: TestAddresses.Portland)));

        Assert.Equal(20, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.OutOfStock, r.Error!.Code));
        var counters = shop.Get<RedisCounters>();
        Assert.Equal(20, counters.Taken);
        await AssertCounterEqualsDatabaseAsync(shop, expected: 0);

        // Units coming back (a cancel, an expiry) are copied to the counter too.
        await shop.Checkouts.CancelAsync(results.First(r => r.IsSuccess).Value!.CheckoutSessionId);
        await AssertCounterEqualsDatabaseAsync(shop, expected: 1);
        shop.Clock.Advance(TimeSpan.FromHours(1));
        await shop.Get<HoldSweeper>().SweepOnceAsync();
        await AssertCounterEqualsDatabaseAsync(shop, expected: 20);
    }

    [Fact]
    public async Task Counter_UnderRacingTakesCancelsRestocksAndReseeds_NeverDriftsFromTheDatabase()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 30);
        var carts = await CartsAsync(shop, 48);
        var reconciler = shop.Get<HotStockReconciler>();
        var admin = shop.Get<InventoryAdminService>();

        await Race.RunAsync(48 + 8 + 6, async i =>
        {
            switch (i)
            {
                case < 48:
                    // Every third buyer changes their mind at once.
                    var started = await shop.Checkouts.StartAsync(new StartCheckout(carts[i], $"b{i}@example.com", "Buyer", ShippingAddress: TestAddresses.Portland));
                    if (started.IsSuccess && i % 3 == 0)
                    {
                        await shop.Checkouts.CancelAsync(started.Value!.CheckoutSessionId);
                    }
                    break;
                case < 56:
                    await reconciler.ReconcileOnceAsync();
                    break;
                default:
                    ResultAssert.Success(await admin.AdjustAsync("HOT", 2, "restock", "test"));
                    break;
            }
            return i;
        });

        var stock = await shop.InventoryAsync("HOT");
        Assert.Equal(30 + 12, stock.Quantity + stock.Reserved + stock.Sold);
        await AssertCounterEqualsDatabaseAsync(shop, expected: stock.Quantity);
        Assert.True(shop.Get<RedisCounters>().Taken > 0, "The hot path answered some of the buyers.");
    }

    [Fact]
    public async Task ASeed_WaitsUntilTheMovesCommittedBeforeItAreCopied()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 10);
        var counters = shop.Get<RedisCounters>();

        // A unit committed its moves and its caller has not copied them yet (on SQLite the writer's callers copy after
        // the commit): a seed counting now would count them twice once the copy lands.
        counters.MovesCommitting();
        var seeding = shop.Get<HotStockReconciler>().ReconcileOnceAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(seeding.IsCompleted, "The seed went ahead while a committed move was still to be copied.");
        counters.MovesCopied();

        Assert.Equal(1, await seeding.WaitAsync(TimeSpan.FromSeconds(10)));
        await AssertCounterEqualsDatabaseAsync(shop, expected: 10);
    }

    [Fact]
    public async Task RedisStoppedMidRun_CheckoutsGoOnThroughTheDatabase_AndTheCounterIsReseededBeforeItIsUsedAgain()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var shop = await HotShopAsync(redis.ConnectionString, units: 40);
        var carts = await CartsAsync(shop, 30);
        var counters = shop.Get<RedisCounters>();
        Task<Result<CheckoutView>[]> BuyAsync(int from) =>
            Race.RunAsync(10, i => shop.Checkouts.StartAsync(new StartCheckout(carts[from + i], $"b{from + i}@example.com", "Buyer", ShippingAddress: TestAddresses.Portland)));

        Assert.All(await BuyAsync(0), r => Assert.True(r.IsSuccess));
        Assert.Equal(10, counters.Taken);

        await redis.StopAsync();
        Assert.All(await BuyAsync(10), r => Assert.True(r.IsSuccess, r.Error?.Message));
        Assert.Equal(10, counters.Taken);
        Assert.False(counters.IsHot("HOT"), "The counter is not trusted while Redis is away.");

        await redis.StartAgainAsync();
        // The restarted server is empty: the next pass that reaches it seeds the counter from the database.
        await ReseededAsync(shop);
        await AssertCounterEqualsDatabaseAsync(shop, expected: 20);
        Assert.All(await BuyAsync(20), r => Assert.True(r.IsSuccess));

        Assert.Equal(20, counters.Taken);
        await AssertCounterEqualsDatabaseAsync(shop, expected: 10);
    }

    [Fact]
    public async Task WaitlistClaim_OfAHotSku_GetsItsOfferedUnitWhileTheCrowdIsToldSoldOut()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 1);
        var crowd = await CartsAsync(shop, 16);
        ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(await shop.CartWithAsync(("HOT", 1)), "first@example.com", "First", ShippingAddress: TestAddresses.Portland)));
        var waitlist = shop.Get<WaitlistService>();
        var entry = ResultAssert.Success(await waitlist.JoinAsync("HOT", "waiter@example.com"));
        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await shop.Get<HoldSweeper>().SweepOnceAsync();
        Assert.Equal(WaitlistStatus.Offered, ResultAssert.Success(await waitlist.GetAsync(entry.EntryId)).Status);
        var claimerCart = await shop.Carts.CreateAsync();
        ResultAssert.Success(await shop.Carts.AddOfferedAsync(claimerCart, entry.EntryId));

        // The claimer and a crowd start at once: the counter says 0, yet the offered unit is the claimer's.
        var results = await Race.RunAsync(17, i => i == 16
            ? shop.Checkouts.StartAsync(new StartCheckout(claimerCart, "waiter@example.com", "Waiter", WaitlistEntryId: entry.EntryId, ShippingAddress: TestAddresses.Portland))
            : shop.Checkouts.StartAsync(new StartCheckout(crowd[i], $"c{i}@example.com", "Crowd", ShippingAddress: TestAddresses.Portland)));

        ResultAssert.Success(results[16]);
        Assert.All(results.Take(16), r => Assert.Equal(ErrorCodes.OutOfStock, r.Error!.Code));
        Assert.Equal(WaitlistStatus.Claimed, ResultAssert.Success(await waitlist.GetAsync(entry.EntryId)).Status);
        await AssertCounterEqualsDatabaseAsync(shop, expected: 0);
    }

    [Fact]
    public async Task SoldOutInRedis_IsAnsweredWithoutTheStockRow_AndSaysWhatIsLeft()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 1);
        var crowd = await CartsAsync(shop, 12);
        ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(await shop.CartWithAsync(("HOT", 1)), "first@example.com", "First", ShippingAddress: TestAddresses.Portland)));

        // Someone holds the stock row (on SQLite, the whole write lock) for as long as the crowd is answered: a start
        // that went to the database would wait behind it.
        await using var holder = await HoldStockRowAsync(shop);
        var results = await Race.RunAsync(12, i => shop.Checkouts.StartAsync(new StartCheckout(crowd[i], $"c{i}@example.com", "Crowd", ShippingAddress: TestAddresses.Portland)))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r =>
        {
            Assert.Equal(ErrorCodes.OutOfStock, r.Error!.Code);
            Assert.Equal(0, Assert.Single((IReadOnlyList<StockShortage>)r.Error.Details!["shortages"]!).Available);
        });
    }

    [Fact]
    public async Task AStartRefusedAfterItsRedisTake_GivesTheUnitsBack()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 5);
        var cartId = await shop.CartWithAsync(("HOT", 2));
        // The price changes after the cart saw it: the start takes from Redis, then its quote refuses.
        await using (var db = await shop.DbAsync())
        {
            await db.Products.Where(p => p.Sku == "HOT").ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, 1234));
        }

        ResultAssert.Failure(await shop.StartCheckoutAsync(cartId), ErrorCodes.PriceChanged);

        await AssertCounterEqualsDatabaseAsync(shop, expected: 5);
    }

    /// <summary>An open transaction that locks the hot SKU's inventory row (on SQLite, takes the write lock).</summary>
    private static async Task<IAsyncDisposable> HoldStockRowAsync(TestShop shop)
    {
        var db = await shop.DbAsync();
        var tx = await db.Database.BeginTransactionAsync();
        await db.Database.ExecuteSqlRawAsync("""UPDATE "inventory" SET "Quantity" = "Quantity" WHERE "Sku" = 'HOT'""");
        return new Held(db, tx);
    }

    private sealed class Held(CheckoutDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await tx.RollbackAsync();
            await tx.DisposeAsync();
            await db.DisposeAsync();
        }
    }

    [Fact]
    public async Task PromoWithLimit5RacedBy30_RedeemsExactly5ThroughRedis_AndItsCounterFollowsGiveBacksAndNewLimits()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 100);
        await shop.AddPromoAsync(new PromoCode("RUSH5", PromoKind.Percentage, 10, usageLimit: 5));
        await shop.Get<HotStockReconciler>().ReconcileOnceAsync();
        var counters = shop.Get<RedisCounters>();
        Assert.True(counters.TracksPromo("RUSH5"));
        var carts = await CartsAsync(shop, 30);

        var results = await Race.RunAsync(30, i => shop.Checkouts.StartAsync(new StartCheckout(carts[i], $"p{i}@example.com", "Buyer", "RUSH5", ShippingAddress: TestAddresses.Portland)));

        Assert.Equal(5, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.PromoLimitReached, r.Error!.Code));
        await AssertPromoCounterAsync(shop, used: 5, left: 0);

        // A use given back (the shopper cancels) is counted back; a raised limit is counted from the next change.
        await shop.Checkouts.CancelAsync(results.First(r => r.IsSuccess).Value!.CheckoutSessionId);
        await AssertPromoCounterAsync(shop, used: 4, left: 1);
        ResultAssert.Success(await shop.Get<PromoAdminService>().UpdateAsync("RUSH5", new PromoTerms("RUSH5", PromoKind.Percentage, 10, UsageLimit: 8), "admin@shop"));
        await AssertPromoCounterAsync(shop, used: 4, left: 4);
        ResultAssert.Success(await shop.Get<PromoAdminService>().DisableAsync("RUSH5", "admin@shop"));
        Assert.Null(await counters.ReadPromoAsync("RUSH5"));
    }

    [Fact]
    public async Task PromoUse_GivenBackByACancelledOrder_IsCountedBackInRedis()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 10);
        await shop.AddPromoAsync(new PromoCode("RUSH5", PromoKind.Percentage, 10, usageLimit: 5));
        await shop.Get<HotStockReconciler>().ReconcileOnceAsync();
        var checkout = await shop.OpenCheckoutAsync("p@example.com", "RUSH5", ("HOT", 1));
        var order = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved)).Order;
        await AssertPromoCounterAsync(shop, used: 1, left: 4);

        ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, new TransitionRequest("admin@shop")));

        await AssertPromoCounterAsync(shop, used: 0, left: 5);
        await AssertCounterEqualsDatabaseAsync(shop, expected: 10);
    }

    private static async Task AssertPromoCounterAsync(TestShop shop, int used, int left)
    {
        await using var db = await shop.DbAsync();
        Assert.Equal(used, (await db.PromoCodes.AsNoTracking().SingleAsync(p => p.Code == "RUSH5")).Used);
        Assert.Equal(left, await shop.Get<RedisCounters>().ReadPromoAsync("RUSH5"));
    }

    [Fact]
    public async Task RedisKilledAndRestartedWhileBuyersRace_SellsEveryUnitOnce_AndTheCounterEndsEqualToTheDatabase()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var shop = await HotShopAsync(redis.ConnectionString, units: 30);
        var buyers = new RestartRace(shop, await CartsAsync(shop, 31));

        // Killed while ten buyers are under way, ten more buy while it is away, and it comes back (empty) while ten
        // more buy and the reconciler seeds it again, as the shop's background pass does.
        await buyers.RaceAsync(10, during: redis.StopAsync);
        await buyers.RaceAsync(10);
        await buyers.RaceAsync(10, during: async () =>
        {
            await redis.StartAgainAsync();
            await ReseededAsync(shop);
        });

        await buyers.AssertEveryUnitSoldOnceAsync(units: 30);
    }

    [Fact]
    public async Task WithRedisAway_AReconcilePass_FailsBeforeItLocksTheStockRow()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var shop = await HotShopAsync(redis.ConnectionString, units: 5);
        await redis.StopAsync();

        // Someone holds the stock row (on SQLite, the write lock): a pass that took its lock before asking Redis would
        // wait behind it, and then hold every writer of that row for Redis's timeout.
        await using var holder = await HoldStockRowAsync(shop);
        await Assert.ThrowsAnyAsync<StackExchange.Redis.RedisException>(() =>
            shop.Get<HotStockReconciler>().ReconcileOnceAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Passes of the reconciler until the hot SKU's counter is trusted again (a restarted Redis is empty).</summary>
    protected static Task ReseededAsync(TestShop shop) => Eventually.TrueAsync(async () =>
    {
        try
        {
            await shop.Get<HotStockReconciler>().ReconcileOnceAsync();
            return shop.Get<RedisCounters>().IsHot("HOT");
        }
        catch (StackExchange.Redis.RedisException)
        {
            return false;
        }
    }, "the counter is seeded again", timeoutMs: 30_000);

    /// <summary>
    /// Buyers of one unit of the hot SKU each (one cart per unit, and one more for the buyer who finds it sold out),
    /// raced a batch at a time, each trying again (with the same checkout id, as a client would) after anything but an
    /// answer: it ends with an order or "out of stock", never with nothing.
    /// </summary>
    protected sealed class RestartRace(TestShop shop, List<Guid> carts)
    {
        private readonly Guid[] _sessions = [.. carts.Select(_ => Guid.CreateVersion7())];
        private readonly List<bool> _answers = [];
        private int _next;

        /// <summary>Attempts that failed with an exception and were tried again.</summary>
        public int Retries => Volatile.Read(ref _retries);

        private int _retries;

        /// <summary>
        /// The next <paramref name="count"/> buyers, arriving 30 ms apart, with <paramref name="during"/> (a crash, a
        /// restart) started as the first arrives.
        /// </summary>
        public async Task RaceAsync(int count, Func<Task>? during = null)
        {
            var first = _next;
            _next += count;
            var race = Race.RunAsync(count, async i =>
            {
                await Task.Delay(30 * i);
                return await BuyAsync(first + i);
            });
            await (during?.Invoke() ?? Task.CompletedTask);
            _answers.AddRange(await race);
        }

        /// <summary>
        /// Every unit was sold exactly once: the units a restart left unsold are bought by new buyers, after which the
        /// SKU is sold out; one order and one authorization per buyer who got one; the counter equals the database.
        /// </summary>
        public async Task AssertEveryUnitSoldOnceAsync(int units)
        {
            var sold = _answers.Count(a => a);
            Assert.InRange(sold, 1, units);
            for (var left = units - sold; left > 0; left--)
            {
                Assert.True(await BuyAsync(await shop.CartWithAsync(("HOT", 1)), Guid.CreateVersion7(), $"late{left}@example.com"), $"{left} units were left unsold");
            }
            Assert.False(await BuyAsync(carts[^1], Guid.CreateVersion7(), "last@example.com"), "sold out");

            await using var db = await shop.DbAsync();
            Assert.Equal(units, await db.Orders.CountAsync(o => o.Status == OrderStatus.Confirmed));
            Assert.Equal(units, await db.Orders.Select(o => o.Email).Distinct().CountAsync());
            Assert.Equal(units, await shop.GatewayCallsAsync(Checkout.Data.Payments.GatewayOperationKind.Authorize));
            Assert.Equal(0, await db.Holds.CountAsync(h => h.Status == HoldStatus.Active));
            var stock = await shop.InventoryAsync("HOT");
            Assert.Equal((0, 0, units), (stock.Quantity, stock.Reserved, stock.Sold));
            Assert.Equal(0, await shop.Get<RedisCounters>().ReadAsync("HOT"));
            Assert.All(await shop.Get<InvariantsService>().CheckAsync(), c => Assert.True(c.Holds, c.Name));
        }

        private Task<bool> BuyAsync(int buyer) => BuyAsync(carts[buyer], _sessions[buyer], $"b{buyer}@example.com");

        /// <summary>True with an order, false when told out of stock; anything else (an exception, a retryable refusal) is tried again.</summary>
        private async Task<bool> BuyAsync(Guid cart, Guid session, string email)
        {
            var deadline = Environment.TickCount64 + 60_000;
            while (true)
            {
                try
                {
                    var started = await shop.Checkouts.StartAsync(new StartCheckout(cart, email, "Buyer", CheckoutSessionId: session, ShippingAddress: TestAddresses.Portland));
                    if (started.Error?.Code == ErrorCodes.OutOfStock)
                    {
                        return false;
                    }
                    if (started.IsSuccess && (await shop.PlaceOrders.PlaceAsync(session, Cards.Approved)).Value?.Order.Status == OrderStatus.Confirmed)
                    {
                        return true;
                    }
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException && Environment.TickCount64 < deadline)
                {
                    // The outage: a client tries again.
                    Interlocked.Increment(ref _retries);
                }
                Assert.True(Environment.TickCount64 < deadline, $"{email} got no answer within a minute");
                await Task.Delay(50);
            }
        }
    }

    /// <summary>A shop on this provider and a Redis (keys of its own), with one hot SKU whose counter is seeded.</summary>
    protected async Task<TestShop> HotShopAsync(string redis, int units, string? postgresServer = null)
    {
        var shop = await TestShop.CreateAsync(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis,
            ["Redis:KeyPrefix"] = $"test:{Guid.NewGuid():N}:",
            // These races check the Redis path: on a two-core machine running the whole suite at once a command can
            // wait over the product's one second for a thread, and the counters would then (rightly) be given up.
            ["Redis:CommandTimeout"] = "00:00:10",
        }, Provider, postgresServer);
        await shop.AddProductAsync("HOT", stock: units, isHot: true);
        Assert.Equal(1, await shop.Get<HotStockReconciler>().ReconcileOnceAsync());
        return shop;
    }

    protected static async Task<List<Guid>> CartsAsync(TestShop shop, int count)
    {
        var carts = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            carts.Add(await shop.CartWithAsync(("HOT", 1)));
        }
        return carts;
    }

    private static async Task AssertCounterEqualsDatabaseAsync(TestShop shop, int expected)
    {
        Assert.Equal(expected, (await shop.InventoryAsync("HOT")).Quantity);
        Assert.Equal(expected, await shop.Get<RedisCounters>().ReadAsync("HOT"));
    }
}

public sealed class HotStockTestsOnSqlite() : HotStockTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class HotStockTestsOnPostgreSQL() : HotStockTests(DatabaseProvider.PostgreSQL)
{
    [Fact]
    public async Task SoldOutInRedis_CostsOneRoundTrip_TheReadOfTheCartWithItsOpenCheckout()
    {
        await using var shop = await HotShopAsync(RedisServer.Shared(), units: 1);
        var (first, late) = (await shop.CartWithAsync(("HOT", 1)), await shop.CartWithAsync(("HOT", 1)));
        ResultAssert.Success(await shop.StartCheckoutAsync(first));
        using var trips = new RoundTrips(shop);

        ResultAssert.Failure(await shop.StartCheckoutAsync(late), ErrorCodes.OutOfStock);

        Assert.Contains("checkout_sessions", Assert.Single(trips.All()));
    }

    [Fact]
    public async Task PostgresAndRedisKilledAndRestartedWhileBuyersRace_SellEveryUnitOnce_AndTheCounterEndsEqualToTheDatabase()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var shop = await HotShopAsync(redis.ConnectionString, units: 40, postgres.ConnectionString);
        var buyers = new RestartRace(shop, await CartsAsync(shop, 41));

        await buyers.RaceAsync(10, during: redis.StopAsync);
        await buyers.RaceAsync(10, during: async () =>
        {
            await redis.StartAgainAsync();
            await ReseededAsync(shop);
        });
        // The database crashes (every connection dropped) under ten buyers and is back after a moment; they try again.
        await buyers.RaceAsync(10, during: async () =>
        {
            await postgres.StopAsync();
            await Task.Delay(500);
            await postgres.StartAgainAsync();
        });
        Assert.True(buyers.Retries > 0, "some buyers met the crash");
        await buyers.RaceAsync(10);

        await buyers.AssertEveryUnitSoldOnceAsync(units: 40);
    }
}
