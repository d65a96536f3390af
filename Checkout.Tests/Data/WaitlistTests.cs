using System.Text.Json;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

public abstract class WaitlistTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task Join_WhileUnitsAreAvailable_IsRefused()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("PLENTY", stock: 3);

        ResultAssert.Failure(await Waitlist(shop).JoinAsync("PLENTY", "w@example.com"), ErrorCodes.Conflict);

        Assert.Equal(0, await shop.CountAsync(db => db.WaitlistEntries));
    }

    [Fact]
    public async Task Join_WhenEveryUnitIsHeld_QueuesFirstInFirstOutAndOncePerShopper()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "HELD", units: 1);

        var first = ResultAssert.Success(await Waitlist(shop).JoinAsync("HELD", "first@example.com"));
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = ResultAssert.Success(await Waitlist(shop).JoinAsync("HELD", "second@example.com"));
        var again = ResultAssert.Success(await Waitlist(shop).JoinAsync("HELD", "FIRST@example.com"));

        Assert.Equal((1, 2), (first.Position, second.Position));
        Assert.Equal(first.EntryId, again.EntryId);
        Assert.Equal(2, await shop.CountAsync(db => db.WaitlistEntries));
    }

    [Fact]
    public async Task ExpiredHold_IsOfferedToTheFirstInLineBeforeGoingBackOnSale()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "NEXT", units: 1);
        var first = ResultAssert.Success(await Waitlist(shop).JoinAsync("NEXT", "first@example.com"));
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = ResultAssert.Success(await Waitlist(shop).JoinAsync("NEXT", "second@example.com"));
        var offers = CaptureOffers(shop);

        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await shop.Get<HoldSweeper>().SweepOnceAsync();

        var offered = ResultAssert.Success(await Waitlist(shop).GetAsync(first.EntryId));
        Assert.Equal(WaitlistStatus.Offered, offered.Status);
        Assert.Equal(shop.Clock.GetUtcNow().AddMinutes(5), offered.OfferExpiresAt);
        Assert.Equal(WaitlistStatus.Waiting, ResultAssert.Success(await Waitlist(shop).GetAsync(second.EntryId)).Status);
        Assert.Equal([first.EntryId], offers.Select(o => o.EntryId));
        var stock = await shop.InventoryAsync("NEXT");
        Assert.Equal((0, 1), (stock.Quantity, stock.Reserved));
        // Nobody else can buy the offered unit.
        var stranger = await shop.CartWithAsync();
        ResultAssert.Failure(await shop.Carts.SetQuantityAsync(stranger, "NEXT", 1), ErrorCodes.OutOfStock);
    }

    [Fact]
    public async Task Offer_IsAnnouncedThroughTheOutbox_OnceForTheEntryItWasMadeTo()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "TOLD", units: 1);
        var first = ResultAssert.Success(await Waitlist(shop).JoinAsync("TOLD", "first@example.com"));
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Success(await Waitlist(shop).JoinAsync("TOLD", "second@example.com"));
        shop.Clock.Advance(TimeSpan.FromMinutes(15));

        await shop.Get<HoldSweeper>().SweepOnceAsync();

        var message = Assert.Single(await OfferMessagesAsync(shop));
        Assert.Equal((first.EntryId, shop.Clock.GetUtcNow()), (message.AggregateId, message.CreatedAt));
        Assert.Null(message.SentAt);
        var offered = ResultAssert.Success(await Waitlist(shop).GetAsync(first.EntryId));
        Assert.Equal(new WaitlistOfferAnnouncement(first.EntryId, "TOLD", offered.OfferExpiresAt!.Value),
            JsonSerializer.Deserialize<WaitlistOfferAnnouncement>(message.Payload, OutboxMessage.PayloadJson));
        Assert.Contains("\"sku\":\"TOLD\"", message.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offer_RolledBackWithTheReleaseThatMadeIt_LeavesNoMessage_AndCommittedItLeavesOne()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("UNDO", stock: 1);
        var holder = await shop.OpenCheckoutAsync("holder@example.com", null, ("UNDO", 1));
        var waiter = ResultAssert.Success(await Waitlist(shop).JoinAsync("UNDO", "waiter@example.com"));
        var now = shop.Clock.GetUtcNow();

        // The cancellation's own release, offering the freed unit to the waitlist, in a transaction that then fails.
        await using (var db = await shop.DbAsync())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            Assert.Equal(1, await HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(holder.CheckoutSessionId), now, expiredOnly: false, shop.Get<IWaitingDemand>(), default));
            Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.Type == OutboxTypes.WaitlistOffered));
            await tx.RollbackAsync();
        }

        Assert.Equal(WaitlistStatus.Waiting, ResultAssert.Success(await Waitlist(shop).GetAsync(waiter.EntryId)).Status);
        Assert.Equal(0, await shop.CountAsync(db => db.Holds.Where(h => h.WaitlistEntryId == waiter.EntryId)));
        Assert.Empty(await OfferMessagesAsync(shop));

        ResultAssert.Success(await shop.Checkouts.CancelAsync(holder.CheckoutSessionId));

        Assert.Equal(WaitlistStatus.Offered, ResultAssert.Success(await Waitlist(shop).GetAsync(waiter.EntryId)).Status);
        Assert.Equal([waiter.EntryId], (await OfferMessagesAsync(shop)).Select(m => m.AggregateId));
    }

    [Fact]
    public async Task Claim_StartsCheckoutWithTheOfferedUnit()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "CLAIM", units: 1);
        var entry = ResultAssert.Success(await Waitlist(shop).JoinAsync("CLAIM", "claimer@example.com"));
        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await shop.Get<HoldSweeper>().SweepOnceAsync();
        var cart = await shop.Carts.CreateAsync();
        // Stock is 0 for everybody else, yet the offered unit goes into the claimer's cart.
        ResultAssert.Failure(await shop.Carts.SetQuantityAsync(cart, "CLAIM", 1), ErrorCodes.OutOfStock);
        Assert.Equal(1, ResultAssert.Success(await shop.Carts.AddOfferedAsync(cart, entry.EntryId)).ItemCount);

        var started = await shop.Checkouts.StartAsync(new StartCheckout(cart, "claimer@example.com", "Claimer", WaitlistEntryId: entry.EntryId, ShippingAddress: TestAddresses.Portland));

        ResultAssert.Success(started);
        Assert.Equal(WaitlistStatus.Claimed, ResultAssert.Success(await Waitlist(shop).GetAsync(entry.EntryId)).Status);
        var stock = await shop.InventoryAsync("CLAIM");
        Assert.Equal((0, 1, 0), (stock.Quantity, stock.Reserved, stock.Sold));
        Assert.Equal(1, await shop.CountAsync(db => db.Holds.Where(h => h.Status == HoldStatus.Active)));
    }

    [Fact]
    public async Task UnclaimedOffer_PassesToTheNextInLineThenBackOnSale()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "PASS", units: 1);
        var first = ResultAssert.Success(await Waitlist(shop).JoinAsync("PASS", "first@example.com"));
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = ResultAssert.Success(await Waitlist(shop).JoinAsync("PASS", "second@example.com"));
        var sweeper = shop.Get<HoldSweeper>();

        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await sweeper.SweepOnceAsync();
        shop.Clock.Advance(TimeSpan.FromMinutes(5));
        await sweeper.SweepOnceAsync();

        Assert.Equal(WaitlistStatus.Expired, ResultAssert.Success(await Waitlist(shop).GetAsync(first.EntryId)).Status);
        Assert.Equal(WaitlistStatus.Offered, ResultAssert.Success(await Waitlist(shop).GetAsync(second.EntryId)).Status);

        shop.Clock.Advance(TimeSpan.FromMinutes(5));
        await sweeper.SweepOnceAsync();

        Assert.Equal(WaitlistStatus.Expired, ResultAssert.Success(await Waitlist(shop).GetAsync(second.EntryId)).Status);
        var stock = await shop.InventoryAsync("PASS");
        Assert.Equal((1, 0), (stock.Quantity, stock.Reserved));
    }

    [Fact]
    public async Task Leave_WithAnOpenOffer_PassesItOnAtOnce()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "LEAVE", units: 1);
        var first = ResultAssert.Success(await Waitlist(shop).JoinAsync("LEAVE", "first@example.com"));
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = ResultAssert.Success(await Waitlist(shop).JoinAsync("LEAVE", "second@example.com"));
        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await shop.Get<HoldSweeper>().SweepOnceAsync();

        Assert.Equal(WaitlistStatus.Cancelled, ResultAssert.Success(await Waitlist(shop).LeaveAsync(first.EntryId)).Status);

        Assert.Equal(WaitlistStatus.Offered, ResultAssert.Success(await Waitlist(shop).GetAsync(second.EntryId)).Status);
        Assert.Equal((0, 1), Stock(await shop.InventoryAsync("LEAVE")));
    }

    [Fact]
    public async Task Restock_OffersTheNewUnitsToTheWaitlistFirst()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "RESTOCK", units: 1);
        var waiter = ResultAssert.Success(await Waitlist(shop).JoinAsync("RESTOCK", "waiter@example.com"));

        var stock = ResultAssert.Success(await shop.Get<InventoryAdminService>().AdjustAsync("RESTOCK", 3, "delivery", "admin"));

        Assert.Equal(WaitlistStatus.Offered, ResultAssert.Success(await Waitlist(shop).GetAsync(waiter.EntryId)).Status);
        Assert.Equal((2, 2, 0), (stock.Available, stock.Reserved, stock.Sold));
    }

    [Fact]
    public async Task ConcurrentReleases_NeverOfferOneUnitTwice()
    {
        await using var shop = await CreateShopAsync();
        await HeldOutAsync(shop, "RACE", units: 6, shoppers: 6);
        var waiters = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            shop.Clock.Advance(TimeSpan.FromMilliseconds(10));
            waiters.Add(ResultAssert.Success(await Waitlist(shop).JoinAsync("RACE", $"w{i}@example.com")).EntryId);
        }
        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        var sweepers = Enumerable.Range(0, 3).Select(_ => shop.Get<HoldSweeper>()).ToList();

        await Race.RunAsync(3, i => sweepers[i].SweepOnceAsync());

        await using var db = await shop.DbAsync();
        var entries = await db.WaitlistEntries.AsNoTracking().ToListAsync();
        Assert.All(entries, e => Assert.Equal(WaitlistStatus.Offered, e.Status));
        var offerHolds = await db.Holds.AsNoTracking().Where(h => h.WaitlistEntryId != null && waiters.Contains(h.WaitlistEntryId.Value) && h.Status == HoldStatus.Active).ToListAsync();
        Assert.Equal(4, offerHolds.Count);
        Assert.Equal(4, offerHolds.Select(h => h.WaitlistEntryId).Distinct().Count());
        var stock = await shop.InventoryAsync("RACE");
        Assert.Equal((2, 4, 0), (stock.Quantity, stock.Reserved, stock.Sold));
        // Each offer announced once: the losers of a race wrote no message either.
        Assert.Equal(waiters.Order(), (await OfferMessagesAsync(shop)).Select(m => m.AggregateId).Order());
    }

    private static WaitlistService Waitlist(TestShop shop) => shop.Get<WaitlistService>();

    private static async Task<List<OutboxMessage>> OfferMessagesAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.OutboxMessages.AsNoTracking().Where(m => m.Type == OutboxTypes.WaitlistOffered).OrderBy(m => m.CreatedAt).ToListAsync();
    }

    private static (int, int) Stock(InventoryItem item) => (item.Quantity, item.Reserved);

    /// <summary>A SKU with <paramref name="units"/> units, every one held by an open checkout.</summary>
    private static async Task HeldOutAsync(TestShop shop, string sku, int units, int shoppers = 1)
    {
        await shop.AddProductAsync(sku, stock: units);
        for (var i = 0; i < shoppers; i++)
        {
            await shop.OpenCheckoutAsync($"holder{i}@example.com", null, (sku, units / shoppers));
        }
    }

    private static List<WaitlistOffered> CaptureOffers(TestShop shop)
    {
        var offers = new List<WaitlistOffered>();
        shop.Get<CheckoutEvents>().Subscribe(e =>
        {
            if (e is WaitlistOffered offered)
            {
                lock (offers)
                {
                    offers.Add(offered);
                }
            }
            return Task.CompletedTask;
        });
        return offers;
    }
}

public sealed class WaitlistTestsOnSqlite() : WaitlistTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class WaitlistTestsOnPostgreSQL() : WaitlistTests(DatabaseProvider.PostgreSQL);
