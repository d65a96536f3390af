using Checkout.Data;
using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Data;

/// <summary>
/// Every allowed edge of the cart, checkout session, hold, waitlist entry and promo redemption tables, driven through
/// its ledger's compare-and-set on a real entity: it moves once with its side effects, a second identical call returns
/// false (or 0) and changes nothing, and a call whose precondition does not hold changes nothing.
/// </summary>
public abstract class LedgerEdgeTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Shopper = "shopper@example.com";
    private const string Promo = "SAVE10";
    private static readonly (string Sku, int Quantity)[] ShopperLines = [("APPLE", 2), ("PEAR", 1)];

    public static TheoryData<CheckoutSessionStatus> EndingsWithoutOrder =>
        [CheckoutSessionStatus.Failed, CheckoutSessionStatus.Expired, CheckoutSessionStatus.Cancelled];

    // ---------------------------------------------------------------- Cart: Open → CheckedOut

    [Fact]
    public async Task CheckOut_WhenOpen_ClosesTheCartOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("APPLE");
        var cartId = await shop.CartWithAsync(("APPLE", 1));
        shop.Clock.Advance(TimeSpan.FromMinutes(3));
        var now = shop.Clock.GetUtcNow();

        Assert.True(await InTransactionAsync(shop, db => CartLedger.CheckOutAsync(db, cartId, [("APPLE", 1)], now, default)));

        var cart = await CartAsync(shop, cartId);
        Assert.Equal((CartStatus.CheckedOut, now), (cart.Status, cart.UpdatedAt));
        Assert.Empty(cart.Lines);
        await AssertChangesNothingAsync(shop, false, db => CartLedger.CheckOutAsync(db, cartId, [], now.AddMinutes(1), default));
        await AssertChangesNothingAsync(shop, false, db => CartLedger.LockOpenAsync(db, cartId, default));
    }

    [Fact]
    public async Task CheckOut_KeepsWhatWasAddedBeyondTheOrder()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("APPLE");
        await shop.AddProductAsync("PEAR");
        var cartId = await shop.CartWithAsync(("APPLE", 3), ("PEAR", 1));

        Assert.True(await InTransactionAsync(shop, db => CartLedger.CheckOutAsync(db, cartId, [("APPLE", 1), ("PEAR", 1)], shop.Clock.GetUtcNow(), default)));

        var line = Assert.Single((await CartAsync(shop, cartId)).Lines);
        Assert.Equal(("APPLE", 2), (line.Sku, line.Quantity));
    }

    [Fact]
    public async Task LockOpen_WhenOpen_SaysSoAndChangesNothing()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("APPLE");
        var cartId = await shop.CartWithAsync(("APPLE", 1));

        await AssertChangesNothingAsync(shop, true, db => CartLedger.LockOpenAsync(db, cartId, default));

        Assert.Equal(CartStatus.Open, (await CartAsync(shop, cartId)).Status);
    }

    [Fact]
    public async Task TryLinkSuccessor_OnlyOnceAndOnlyWhenCheckedOut()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("APPLE");
        var cartId = await shop.CartWithAsync(("APPLE", 1));
        var next = await shop.Carts.CreateAsync();
        var other = await shop.Carts.CreateAsync();
        await AssertChangesNothingAsync(shop, false, db => CartLedger.TryLinkSuccessorAsync(db, cartId, next, default));
        Assert.True(await InTransactionAsync(shop, db => CartLedger.CheckOutAsync(db, cartId, [], shop.Clock.GetUtcNow(), default)));

        Assert.True(await InTransactionAsync(shop, db => CartLedger.TryLinkSuccessorAsync(db, cartId, next, default)));

        Assert.Equal(next, (await CartAsync(shop, cartId)).NextCartId);
        await AssertChangesNothingAsync(shop, false, db => CartLedger.TryLinkSuccessorAsync(db, cartId, other, default));
    }

    // ---------------------------------------------------------------- Checkout session: Open → Completed

    [Fact]
    public async Task Complete_WhenOpen_ConvertsHoldsToSoldAndConsumesThePromoUseOnce()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);
        var session = await SessionAsync(shop, sessionId);
        shop.Clock.Advance(TimeSpan.FromMinutes(3));
        var now = shop.Clock.GetUtcNow();

        Assert.True(await InTransactionAsync(shop, db => SessionLedger.CompleteAsync(db, session, now, default)));

        Assert.Equal(CheckoutSessionStatus.Completed, (await SessionAsync(shop, sessionId)).Status);
        Assert.Equal((7, 1, 2), await StockAsync(shop, "APPLE"));
        Assert.Equal((4, 0, 1), await StockAsync(shop, "PEAR"));
        Assert.Equal(
            [("APPLE", HoldStatus.Converted, (DateTimeOffset?)now), ("PEAR", HoldStatus.Converted, now)],
            (await HoldsOfSessionAsync(shop, sessionId)).Select(h => (h.Sku, h.Status, h.ClosedAt)));
        Assert.Equal([RedemptionStatus.Consumed], await RedemptionsOfAsync(shop, sessionId));
        Assert.Equal(2, await PromoUsedAsync(shop));
        await AssertBystanderUntouchedAsync(shop, bystanderId);
        await AssertChangesNothingAsync(shop, false, db => SessionLedger.CompleteAsync(db, session, now.AddMinutes(1), default));
    }

    [Fact]
    public async Task Complete_WhenAHoldWasReleasedMeanwhile_ReturnsFalseForTheCallerToRollBack()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        var session = await SessionAsync(shop, sessionId);
        var now = shop.Clock.GetUtcNow();
        Assert.Equal(2, await InTransactionAsync(shop, db => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), now, false, null, default)));
        var before = await StateAsync(shop);

        bool completed;
        await using (var db = await shop.DbAsync())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            completed = await SessionLedger.CompleteAsync(db, session, now, default);
            await tx.RollbackAsync();
        }

        Assert.False(completed);
        Assert.Equal(before, await StateAsync(shop));
    }

    // ---------------------------------------------------------------- Checkout session: Open → Failed / Expired / Cancelled

    [Theory]
    [MemberData(nameof(EndingsWithoutOrder))]
    public async Task EndWithoutOrder_WhenOpen_ReleasesHoldsAndPromoUseOnce(CheckoutSessionStatus to)
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);
        var expiresAt = (await SessionAsync(shop, sessionId)).HoldExpiresAt;
        Assert.Equal((7, 3, 0), await StockAsync(shop, "APPLE"));
        Assert.Equal(2, await PromoUsedAsync(shop));
        // Only expiry needs the hold to have run out: the others happen while it is live.
        shop.Clock.SetUtcNow(to == CheckoutSessionStatus.Expired ? expiresAt : expiresAt.AddMinutes(-10));
        var now = shop.Clock.GetUtcNow();
        var end = EndCall(shop, to, sessionId, now);

        Assert.True(await InTransactionAsync(shop, end));

        Assert.Equal(to, (await SessionAsync(shop, sessionId)).Status);
        Assert.Equal((9, 1, 0), await StockAsync(shop, "APPLE"));
        Assert.Equal((5, 0, 0), await StockAsync(shop, "PEAR"));
        Assert.Equal(
            [("APPLE", HoldStatus.Released, (DateTimeOffset?)now), ("PEAR", HoldStatus.Released, now)],
            (await HoldsOfSessionAsync(shop, sessionId)).Select(h => (h.Sku, h.Status, h.ClosedAt)));
        Assert.Equal([RedemptionStatus.Released], await RedemptionsOfAsync(shop, sessionId));
        Assert.Equal(1, await PromoUsedAsync(shop));
        await AssertBystanderUntouchedAsync(shop, bystanderId);
        await AssertChangesNothingAsync(shop, false, end);
    }

    [Fact]
    public async Task Cancel_WithAShopperWaiting_OffersTheFreedUnitToThemNotTheShelf()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAST", stock: 1);
        var holder = await shop.OpenCheckoutAsync("holder@example.com", null, ("LAST", 1));
        var waiter = await JoinAsync(shop, "LAST", "waiter@example.com");
        var now = shop.Clock.GetUtcNow();

        Assert.True(await InTransactionAsync(shop, db => SessionLedger.CancelAsync(db, holder.CheckoutSessionId, now, Waiting(shop), default)));

        Assert.Equal(CheckoutSessionStatus.Cancelled, (await SessionAsync(shop, holder.CheckoutSessionId)).Status);
        Assert.Equal((0, 1, 0), await StockAsync(shop, "LAST"));
        Assert.Equal(WaitlistStatus.Offered, (await EntryAsync(shop, waiter)).Status);
        Assert.Equal([(1, HoldStatus.Active)], (await HoldsOfEntryAsync(shop, waiter)).Select(h => (h.Quantity, h.Status)));
        await AssertChangesNothingAsync(shop, false, db => SessionLedger.CancelAsync(db, holder.CheckoutSessionId, now, Waiting(shop), default));
    }

    [Fact]
    public async Task Expire_BeforeTheHoldRunsOut_ChangesNothingUntilItDoes()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        var expiresAt = (await SessionAsync(shop, sessionId)).HoldExpiresAt;
        var justBefore = expiresAt.AddSeconds(-1);
        shop.Clock.SetUtcNow(justBefore);

        await AssertChangesNothingAsync(shop, false, db => SessionLedger.ExpireAsync(db, sessionId, justBefore, Waiting(shop), default));

        Assert.Equal(CheckoutSessionStatus.Open, (await SessionAsync(shop, sessionId)).Status);
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await InTransactionAsync(shop, db => SessionLedger.ExpireAsync(db, sessionId, expiresAt, Waiting(shop), default)));
        Assert.Equal(CheckoutSessionStatus.Expired, (await SessionAsync(shop, sessionId)).Status);
    }

    [Fact]
    public async Task CancelOrExpire_UnlessPaying_OncePaymentStarted_ChangesNothing()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        var expiresAt = (await SessionAsync(shop, sessionId)).HoldExpiresAt;
        var now = shop.Clock.GetUtcNow();
        var extendedTo = expiresAt.AddMinutes(5);
        Assert.True(await InTransactionAsync(shop, db => SessionLedger.ExtendForPaymentAsync(db, sessionId, now, extendedTo, default)));

        await AssertChangesNothingAsync(
            shop, false, db => SessionLedger.CancelAsync(db, sessionId, now, Waiting(shop), default, unlessPaying: true));
        shop.Clock.SetUtcNow(extendedTo);
        await AssertChangesNothingAsync(
            shop, false, db => SessionLedger.ExpireAsync(db, sessionId, extendedTo, Waiting(shop), default, unlessPaying: true));

        // Without unlessPaying the same session does end.
        Assert.True(await InTransactionAsync(shop, db => SessionLedger.CancelAsync(db, sessionId, extendedTo, Waiting(shop), default)));
    }

    [Fact]
    public async Task ExtendForPayment_WhenOpenAndLive_ExtendsTheSessionAndItsHoldsOnce()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);
        var expiresAt = (await SessionAsync(shop, sessionId)).HoldExpiresAt;
        var now = shop.Clock.GetUtcNow();
        var extendedTo = expiresAt.AddMinutes(5);

        Assert.True(await InTransactionAsync(shop, db => SessionLedger.ExtendForPaymentAsync(db, sessionId, now, extendedTo, default)));

        var session = await SessionAsync(shop, sessionId);
        Assert.Equal((CheckoutSessionStatus.Open, true, extendedTo), (session.Status, session.HoldExtended, session.HoldExpiresAt));
        Assert.All(await HoldsOfSessionAsync(shop, sessionId), h => Assert.Equal((HoldStatus.Active, true, extendedTo), (h.Status, h.Extended, h.ExpiresAt)));
        Assert.All(await HoldsOfSessionAsync(shop, bystanderId), h => Assert.Equal((false, expiresAt), (h.Extended, h.ExpiresAt)));
        await AssertChangesNothingAsync(shop, false, db => SessionLedger.ExtendForPaymentAsync(db, sessionId, now, extendedTo.AddMinutes(5), default));
    }

    [Fact]
    public async Task ExtendForPayment_OnceTheHoldRanOut_ChangesNothing()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        var expiresAt = (await SessionAsync(shop, sessionId)).HoldExpiresAt;
        shop.Clock.SetUtcNow(expiresAt);

        await AssertChangesNothingAsync(shop, false, db => SessionLedger.ExtendForPaymentAsync(db, sessionId, expiresAt, expiresAt.AddMinutes(5), default));
    }

    // ---------------------------------------------------------------- Hold: Active → Converted

    [Fact]
    public async Task Convert_WhenActive_SellsTheReservedUnitsOnce()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);
        shop.Clock.Advance(TimeSpan.FromMinutes(3));
        var now = shop.Clock.GetUtcNow();

        Assert.True(await InTransactionAsync(shop, db => HoldLedger.ConvertAsync(db, sessionId, ShopperLines, now, default)));

        Assert.Equal(
            [("APPLE", HoldStatus.Converted, (DateTimeOffset?)now), ("PEAR", HoldStatus.Converted, now)],
            (await HoldsOfSessionAsync(shop, sessionId)).Select(h => (h.Sku, h.Status, h.ClosedAt)));
        Assert.Equal((7, 1, 2), await StockAsync(shop, "APPLE"));
        Assert.Equal((4, 0, 1), await StockAsync(shop, "PEAR"));
        await AssertBystanderUntouchedAsync(shop, bystanderId);
        await AssertChangesNothingAsync(shop, false, db => HoldLedger.ConvertAsync(db, sessionId, ShopperLines, now, default));
    }

    // ---------------------------------------------------------------- Hold: Active → Released

    [Fact]
    public async Task Release_WhenActive_ReturnsTheUnitsToSaleOnce()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);
        shop.Clock.Advance(TimeSpan.FromMinutes(3));
        var now = shop.Clock.GetUtcNow();

        Assert.Equal(2, await InTransactionAsync(shop, db => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), now, false, null, default)));

        Assert.Equal(
            [("APPLE", HoldStatus.Released, (DateTimeOffset?)now), ("PEAR", HoldStatus.Released, now)],
            (await HoldsOfSessionAsync(shop, sessionId)).Select(h => (h.Sku, h.Status, h.ClosedAt)));
        Assert.Equal((9, 1, 0), await StockAsync(shop, "APPLE"));
        Assert.Equal((5, 0, 0), await StockAsync(shop, "PEAR"));
        await AssertBystanderUntouchedAsync(shop, bystanderId);
        await AssertChangesNothingAsync(shop, 0, db => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), now, false, null, default));
    }

    [Fact]
    public async Task Release_WithAShopperWaiting_OffersOneFreedUnitToThemAndPutsTheRestOnSaleOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAST", stock: 2);
        var holder = await shop.OpenCheckoutAsync("holder@example.com", null, ("LAST", 2));
        var waiter = await JoinAsync(shop, "LAST", "waiter@example.com");
        var now = shop.Clock.GetUtcNow();
        var window = shop.Get<IOptions<CheckoutOptions>>().Value.WaitlistClaimWindow;
        var release = (CheckoutDbContext db) => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(holder.CheckoutSessionId), now, false, Waiting(shop), default);

        Assert.Equal(1, await InTransactionAsync(shop, release));

        Assert.Equal([HoldStatus.Released], (await HoldsOfSessionAsync(shop, holder.CheckoutSessionId)).Select(h => h.Status));
        Assert.Equal((1, 1, 0), await StockAsync(shop, "LAST"));
        var entry = await EntryAsync(shop, waiter);
        Assert.Equal((WaitlistStatus.Offered, (DateTimeOffset?)(now + window)), (entry.Status, entry.OfferExpiresAt));
        Assert.Equal([("LAST", 1, HoldStatus.Active, now + window)], (await HoldsOfEntryAsync(shop, waiter)).Select(h => (h.Sku, h.Quantity, h.Status, h.ExpiresAt)));
        await AssertChangesNothingAsync(shop, 0, release);
    }

    [Fact]
    public async Task Release_ExpiredOnly_BeforeTheHoldRunsOut_ChangesNothingUntilItDoes()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        var expiresAt = (await SessionAsync(shop, sessionId)).HoldExpiresAt;
        var justBefore = expiresAt.AddSeconds(-1);
        shop.Clock.SetUtcNow(justBefore);

        await AssertChangesNothingAsync(shop, 0, db => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), justBefore, true, null, default));

        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await InTransactionAsync(shop, db => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), expiresAt, true, null, default)));
        Assert.All(await HoldsOfSessionAsync(shop, sessionId), h => Assert.Equal(HoldStatus.Released, h.Status));
    }

    [Theory]
    [InlineData(HoldStatus.Converted)]
    [InlineData(HoldStatus.Released)]
    public async Task ClosedHold_IsNeitherConvertedNorReleasedAgain(HoldStatus closed)
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        var now = shop.Clock.GetUtcNow();
        Assert.True(closed == HoldStatus.Converted
            ? await InTransactionAsync(shop, db => HoldLedger.ConvertAsync(db, sessionId, ShopperLines, now, default))
            : await InTransactionAsync(shop, db => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), now, false, null, default)) == 2);
        Assert.All(await HoldsOfSessionAsync(shop, sessionId), h => Assert.Equal(closed, h.Status));

        await AssertChangesNothingAsync(shop, false, db => HoldLedger.ConvertAsync(db, sessionId, ShopperLines, now, default));
        await AssertChangesNothingAsync(shop, 0, db => HoldLedger.ReleaseAsync(db, HoldOwner.Checkout(sessionId), now, false, Waiting(shop), default));
    }

    // ---------------------------------------------------------------- Waitlist: Waiting → Offered

    [Fact]
    public async Task Offer_WhenWaiting_HoldsAReservedUnitForTheClaimWindowOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAST", stock: 1);
        await shop.OpenCheckoutAsync("holder@example.com", null, ("LAST", 1));
        var waiter = await JoinAsync(shop, "LAST", "waiter@example.com");
        var now = shop.Clock.GetUtcNow();
        var window = shop.Get<IOptions<CheckoutOptions>>().Value.WaitlistClaimWindow;

        // As a restock does it: a new unit, offered, and reserved for the offer, in one transaction.
        var offered = await InTransactionAsync(shop, async db =>
        {
            await db.Inventory.Where(i => i.Sku == "LAST")
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity + 1).SetProperty(i => i.Stocked, i => i.Stocked + 1));
            var units = await WaitlistLedger.OfferAsync(db, "LAST", 1, now, window, default);
            Assert.True(await StockLedger.TryReserveAsync(db, "LAST", units, default));
            return units;
        });

        Assert.Equal(1, offered);
        var entry = await EntryAsync(shop, waiter);
        Assert.Equal((WaitlistStatus.Offered, (DateTimeOffset?)(now + window)), (entry.Status, entry.OfferExpiresAt));
        Assert.Equal([(1, HoldStatus.Active, now + window)], (await HoldsOfEntryAsync(shop, waiter)).Select(h => (h.Quantity, h.Status, h.ExpiresAt)));
        Assert.Equal((0, 2, 0), await StockAsync(shop, "LAST"));
        await AssertChangesNothingAsync(shop, 0, db => WaitlistLedger.OfferAsync(db, "LAST", 1, now, window, default));
    }

    // ---------------------------------------------------------------- Waitlist: Waiting → Cancelled

    [Fact]
    public async Task Leave_WhenWaiting_CancelsOnlyTheEntryOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAST", stock: 1);
        await shop.OpenCheckoutAsync("holder@example.com", null, ("LAST", 1));
        var waiter = await JoinAsync(shop, "LAST", "waiter@example.com");
        var before = await StateAsync(shop);
        var now = shop.Clock.GetUtcNow();

        Assert.True(await InTransactionAsync(shop, db => WaitlistLedger.LeaveAsync(db, waiter, now, Waiting(shop), default)));

        var after = await StateAsync(shop);
        Assert.Equal([$"waitlist {waiter} LAST waiter@example.com Waiting until="], before.Except(after));
        Assert.Equal([$"waitlist {waiter} LAST waiter@example.com Cancelled until="], after.Except(before));
        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.LeaveAsync(db, waiter, now, Waiting(shop), default));
    }

    // ---------------------------------------------------------------- Waitlist: Offered → Claimed

    [Fact]
    public async Task Claim_WhenOffered_PutsTheUnitBackOnSaleForTheClaimersCheckoutOnce()
    {
        await using var shop = await CreateShopAsync();
        var (first, _) = await OfferedAsync(shop, "LAST", withSecondInLine: false);
        var now = shop.Clock.GetUtcNow();

        Assert.True(await InTransactionAsync(shop, db => WaitlistLedger.ClaimAsync(db, first, "first@example.com", now, default)));

        Assert.Equal(WaitlistStatus.Claimed, (await EntryAsync(shop, first)).Status);
        Assert.Equal([(HoldStatus.Released, (DateTimeOffset?)now)], (await HoldsOfEntryAsync(shop, first)).Select(h => (h.Status, h.ClosedAt)));
        Assert.Equal((1, 0, 0), await StockAsync(shop, "LAST"));
        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.ClaimAsync(db, first, "first@example.com", now, default));
    }

    [Fact]
    public async Task Claim_ByAnotherShopperOrOnceTheWindowClosed_ChangesNothing()
    {
        await using var shop = await CreateShopAsync();
        var (first, _) = await OfferedAsync(shop, "LAST", withSecondInLine: false);
        var now = shop.Clock.GetUtcNow();
        var closesAt = (await EntryAsync(shop, first)).OfferExpiresAt!.Value;

        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.ClaimAsync(db, first, "other@example.com", now, default));
        shop.Clock.SetUtcNow(closesAt);
        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.ClaimAsync(db, first, "first@example.com", closesAt, default));

        Assert.Equal(WaitlistStatus.Offered, (await EntryAsync(shop, first)).Status);
    }

    // ---------------------------------------------------------------- Waitlist: Offered → Expired

    [Fact]
    public async Task ExpireOffer_AfterTheWindow_PassesTheUnitToTheNextInLineOnce()
    {
        await using var shop = await CreateShopAsync();
        var (first, second) = await OfferedAsync(shop, "LAST", withSecondInLine: true);
        var closesAt = (await EntryAsync(shop, first)).OfferExpiresAt!.Value;
        var window = shop.Get<IOptions<CheckoutOptions>>().Value.WaitlistClaimWindow;
        var justBefore = closesAt.AddSeconds(-1);
        shop.Clock.SetUtcNow(justBefore);
        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.ExpireOfferAsync(db, first, justBefore, Waiting(shop), default));
        shop.Clock.SetUtcNow(closesAt);
        var expire = (CheckoutDbContext db) => WaitlistLedger.ExpireOfferAsync(db, first, closesAt, Waiting(shop), default);

        Assert.True(await InTransactionAsync(shop, expire));

        Assert.Equal(WaitlistStatus.Expired, (await EntryAsync(shop, first)).Status);
        Assert.Equal([(HoldStatus.Released, (DateTimeOffset?)closesAt)], (await HoldsOfEntryAsync(shop, first)).Select(h => (h.Status, h.ClosedAt)));
        var next = await EntryAsync(shop, second!.Value);
        Assert.Equal((WaitlistStatus.Offered, (DateTimeOffset?)(closesAt + window)), (next.Status, next.OfferExpiresAt));
        Assert.Equal([(1, HoldStatus.Active)], (await HoldsOfEntryAsync(shop, second.Value)).Select(h => (h.Quantity, h.Status)));
        Assert.Equal((0, 1, 0), await StockAsync(shop, "LAST"));
        await AssertChangesNothingAsync(shop, false, expire);
    }

    [Fact]
    public async Task ExpireOffer_WithNobodyNextInLine_PutsTheUnitBackOnSale()
    {
        await using var shop = await CreateShopAsync();
        var (first, _) = await OfferedAsync(shop, "LAST", withSecondInLine: false);
        var closesAt = (await EntryAsync(shop, first)).OfferExpiresAt!.Value;
        shop.Clock.SetUtcNow(closesAt);

        Assert.True(await InTransactionAsync(shop, db => WaitlistLedger.ExpireOfferAsync(db, first, closesAt, Waiting(shop), default)));

        Assert.Equal(WaitlistStatus.Expired, (await EntryAsync(shop, first)).Status);
        Assert.Equal((1, 0, 0), await StockAsync(shop, "LAST"));
        Assert.Equal(0, await shop.CountAsync(db => db.Holds.Where(h => h.Status == HoldStatus.Active)));
    }

    // ---------------------------------------------------------------- Waitlist: Offered → Cancelled

    [Fact]
    public async Task Leave_WhenOffered_PassesTheOfferToTheNextInLineOnce()
    {
        await using var shop = await CreateShopAsync();
        var (first, second) = await OfferedAsync(shop, "LAST", withSecondInLine: true);
        shop.Clock.Advance(TimeSpan.FromMinutes(1));
        var now = shop.Clock.GetUtcNow();
        var window = shop.Get<IOptions<CheckoutOptions>>().Value.WaitlistClaimWindow;
        var leave = (CheckoutDbContext db) => WaitlistLedger.LeaveAsync(db, first, now, Waiting(shop), default);

        Assert.True(await InTransactionAsync(shop, leave));

        Assert.Equal(WaitlistStatus.Cancelled, (await EntryAsync(shop, first)).Status);
        Assert.Equal([(HoldStatus.Released, (DateTimeOffset?)now)], (await HoldsOfEntryAsync(shop, first)).Select(h => (h.Status, h.ClosedAt)));
        var next = await EntryAsync(shop, second!.Value);
        Assert.Equal((WaitlistStatus.Offered, (DateTimeOffset?)(now + window)), (next.Status, next.OfferExpiresAt));
        Assert.Equal([(1, HoldStatus.Active)], (await HoldsOfEntryAsync(shop, second.Value)).Select(h => (h.Quantity, h.Status)));
        Assert.Equal((0, 1, 0), await StockAsync(shop, "LAST"));
        await AssertChangesNothingAsync(shop, false, leave);
    }

    [Theory]
    [InlineData(WaitlistStatus.Claimed)]
    [InlineData(WaitlistStatus.Expired)]
    [InlineData(WaitlistStatus.Cancelled)]
    public async Task ClosedEntry_NoLedgerCallMovesItAgain(WaitlistStatus closed)
    {
        await using var shop = await CreateShopAsync();
        var (first, _) = await OfferedAsync(shop, "LAST", withSecondInLine: false);
        var closesAt = (await EntryAsync(shop, first)).OfferExpiresAt!.Value;
        var now = shop.Clock.GetUtcNow();
        var window = shop.Get<IOptions<CheckoutOptions>>().Value.WaitlistClaimWindow;
        Assert.True(await InTransactionAsync(shop, db => closed switch
        {
            WaitlistStatus.Claimed => WaitlistLedger.ClaimAsync(db, first, "first@example.com", now, default),
            WaitlistStatus.Expired => WaitlistLedger.ExpireOfferAsync(db, first, closesAt, Waiting(shop), default),
            _ => WaitlistLedger.LeaveAsync(db, first, now, Waiting(shop), default),
        }));
        Assert.Equal(closed, (await EntryAsync(shop, first)).Status);

        await AssertChangesNothingAsync(shop, 0, db => WaitlistLedger.OfferAsync(db, "LAST", 1, closesAt, window, default));
        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.ClaimAsync(db, first, "first@example.com", now, default));
        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.ExpireOfferAsync(db, first, closesAt, Waiting(shop), default));
        await AssertChangesNothingAsync(shop, false, db => WaitlistLedger.LeaveAsync(db, first, closesAt, Waiting(shop), default));
    }

    // ---------------------------------------------------------------- Promo redemption: Reserved → Consumed

    [Fact]
    public async Task Consume_WhenReserved_ConsumesTheUseOnceAndKeepsItCounted()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);

        Assert.True(await InTransactionAsync(shop, db => PromoLedger.ConsumeAsync(db, sessionId, default)));

        Assert.Equal([RedemptionStatus.Consumed], await RedemptionsOfAsync(shop, sessionId));
        Assert.Equal([RedemptionStatus.Reserved], await RedemptionsOfAsync(shop, bystanderId));
        Assert.Equal(2, await PromoUsedAsync(shop));
        await AssertChangesNothingAsync(shop, false, db => PromoLedger.ConsumeAsync(db, sessionId, default));
    }

    // ---------------------------------------------------------------- Promo redemption: Reserved → Released

    [Fact]
    public async Task ReleaseUse_WhenReserved_GivesTheUseAndItsCountBackOnce()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);
        Assert.Equal(2, await PromoUsedAsync(shop));

        await InTransactionAsync(shop, db => PromoLedger.ReleaseAsync(db, sessionId, default));

        Assert.Equal([RedemptionStatus.Released], await RedemptionsOfAsync(shop, sessionId));
        Assert.Equal([RedemptionStatus.Reserved], await RedemptionsOfAsync(shop, bystanderId));
        Assert.Equal(1, await PromoUsedAsync(shop));
        await AssertChangesNothingAsync(shop, db => PromoLedger.ReleaseAsync(db, sessionId, default));
    }

    [Theory]
    [InlineData(RedemptionStatus.Consumed)]
    [InlineData(RedemptionStatus.Released)]
    public async Task SettledUse_IsNeitherConsumedNorReleasedAgain(RedemptionStatus settled)
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        await InTransactionAsync(shop, db => settled == RedemptionStatus.Consumed
            ? PromoLedger.ConsumeAsync(db, sessionId, default)
            : PromoLedger.ReleaseAsync(db, sessionId, default));
        Assert.Equal([settled], await RedemptionsOfAsync(shop, sessionId));

        await AssertChangesNothingAsync(shop, false, db => PromoLedger.ConsumeAsync(db, sessionId, default));
        await AssertChangesNothingAsync(shop, db => PromoLedger.ReleaseAsync(db, sessionId, default));
    }

    // ---------------------------------------------------------------- Promo redemption: Consumed → Released

    [Fact]
    public async Task GiveBack_WhenConsumed_GivesTheUseAndItsCountBackOnce()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, bystanderId) = await OpenSessionsAsync(shop);
        Assert.True(await InTransactionAsync(shop, db => PromoLedger.ConsumeAsync(db, sessionId, default)));
        await AssertChangesNothingAsync(shop, false, db => PromoLedger.GiveBackAsync(db, sessionId, "OTHER", default));

        Assert.True(await InTransactionAsync(shop, db => PromoLedger.GiveBackAsync(db, sessionId, Promo, default)));

        Assert.Equal([RedemptionStatus.Released], await RedemptionsOfAsync(shop, sessionId));
        Assert.Equal([RedemptionStatus.Reserved], await RedemptionsOfAsync(shop, bystanderId));
        Assert.Equal(1, await PromoUsedAsync(shop));
        await AssertChangesNothingAsync(shop, false, db => PromoLedger.GiveBackAsync(db, sessionId, Promo, default));
        await AssertChangesNothingAsync(shop, false, db => PromoLedger.ConsumeAsync(db, sessionId, default));
        await AssertChangesNothingAsync(shop, db => PromoLedger.ReleaseAsync(db, sessionId, default));
    }

    [Theory]
    [InlineData(RedemptionStatus.Reserved)]
    [InlineData(RedemptionStatus.Released)]
    public async Task GiveBack_WhenNotConsumed_ChangesNothing(RedemptionStatus status)
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        if (status == RedemptionStatus.Released)
        {
            await InTransactionAsync(shop, db => PromoLedger.ReleaseAsync(db, sessionId, default));
        }
        Assert.Equal([status], await RedemptionsOfAsync(shop, sessionId));

        await AssertChangesNothingAsync(shop, false, db => PromoLedger.GiveBackAsync(db, sessionId, Promo, default));
    }

    [Fact]
    public async Task GiveBack_WithTheCountAtZero_GivesTheUseBackAndLeavesTheCountAtZero()
    {
        await using var shop = await CreateShopAsync();
        var (sessionId, _) = await OpenSessionsAsync(shop);
        Assert.True(await InTransactionAsync(shop, db => PromoLedger.ConsumeAsync(db, sessionId, default)));
        await using (var db = await shop.DbAsync())
        {
            Assert.Equal(1, await db.PromoCodes.Where(p => p.Code == Promo).ExecuteUpdateAsync(s => s.SetProperty(p => p.Used, 0)));
        }

        Assert.True(await InTransactionAsync(shop, db => PromoLedger.GiveBackAsync(db, sessionId, Promo, default)));

        Assert.Equal([RedemptionStatus.Released], await RedemptionsOfAsync(shop, sessionId));
        Assert.Equal(0, await PromoUsedAsync(shop));
    }

    // ---------------------------------------------------------------- Helpers

    private static IWaitingDemand Waiting(TestShop shop) => shop.Get<IWaitingDemand>();

    private static Func<CheckoutDbContext, Task<bool>> EndCall(TestShop shop, CheckoutSessionStatus to, Guid sessionId, DateTimeOffset now) => to switch
    {
        CheckoutSessionStatus.Failed => db => SessionLedger.FailAsync(db, sessionId, now, Waiting(shop), default),
        CheckoutSessionStatus.Expired => db => SessionLedger.ExpireAsync(db, sessionId, now, Waiting(shop), default),
        CheckoutSessionStatus.Cancelled => db => SessionLedger.CancelAsync(db, sessionId, now, Waiting(shop), default),
        _ => throw new ArgumentOutOfRangeException(nameof(to), to, "Not an ending without an order."),
    };

    /// <summary>
    /// The shopper's open checkout (2 APPLE, 1 PEAR, promo SAVE10) and a bystander's (1 APPLE, the same promo), so that
    /// the promo's use count is 2 and a second release or sale would show. Stock: APPLE (7, 3, 0), PEAR (4, 1, 0).
    /// </summary>
    private static async Task<(Guid Session, Guid Bystander)> OpenSessionsAsync(TestShop shop)
    {
        await shop.AddProductAsync("APPLE", stock: 10);
        await shop.AddProductAsync("PEAR", stock: 5);
        await shop.AddPromoAsync(new PromoCode(Promo, PromoKind.Percentage, 10, usageLimit: 5));
        var bystander = await shop.OpenCheckoutAsync("bystander@example.com", Promo, ("APPLE", 1));
        var session = await shop.OpenCheckoutAsync(Shopper, Promo, ShopperLines);
        return (session.CheckoutSessionId, bystander.CheckoutSessionId);
    }

    /// <summary>The bystander's checkout is still open, holding its unit, with its promo use reserved.</summary>
    private static async Task AssertBystanderUntouchedAsync(TestShop shop, Guid bystanderId)
    {
        Assert.Equal(CheckoutSessionStatus.Open, (await SessionAsync(shop, bystanderId)).Status);
        Assert.Equal([("APPLE", HoldStatus.Active)], (await HoldsOfSessionAsync(shop, bystanderId)).Select(h => (h.Sku, h.Status)));
        Assert.Equal([RedemptionStatus.Reserved], await RedemptionsOfAsync(shop, bystanderId));
    }

    /// <summary>Every unit of a one-unit SKU is held by a checkout and waited for; returns the entry id once the shopper joined.</summary>
    private static async Task<Guid> JoinAsync(TestShop shop, string sku, string email) =>
        ResultAssert.Success(await shop.Get<WaitlistService>().JoinAsync(sku, email)).EntryId;

    /// <summary>
    /// A one-unit SKU held by a checkout, first@example.com (and, a second later, second@example.com) waiting for it,
    /// then the checkout cancelled by the shopper: the unit is offered to the first in line.
    /// </summary>
    private static async Task<(Guid First, Guid? Second)> OfferedAsync(TestShop shop, string sku, bool withSecondInLine)
    {
        await shop.AddProductAsync(sku, stock: 1);
        var holder = await shop.OpenCheckoutAsync("holder@example.com", null, (sku, 1));
        var first = await JoinAsync(shop, sku, "first@example.com");
        Guid? second = null;
        if (withSecondInLine)
        {
            shop.Clock.Advance(TimeSpan.FromSeconds(1));
            second = await JoinAsync(shop, sku, "second@example.com");
        }
        ResultAssert.Success(await shop.Checkouts.CancelAsync(holder.CheckoutSessionId));
        Assert.Equal(WaitlistStatus.Offered, (await EntryAsync(shop, first)).Status);
        Assert.Equal((0, 1, 0), await StockAsync(shop, sku));
        return (first, second);
    }

    private static async Task<T> InTransactionAsync<T>(TestShop shop, Func<CheckoutDbContext, Task<T>> call)
    {
        await using var db = await shop.DbAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var result = await call(db);
        await tx.CommitAsync();
        return result;
    }

    private static Task InTransactionAsync(TestShop shop, Func<CheckoutDbContext, Task> call) =>
        InTransactionAsync(shop, async db =>
        {
            await call(db);
            return true;
        });

    /// <summary>Runs the call in a committed transaction: it returns <paramref name="expected"/> and no row changes.</summary>
    private static async Task AssertChangesNothingAsync<T>(TestShop shop, T expected, Func<CheckoutDbContext, Task<T>> call)
    {
        var before = await StateAsync(shop);

        Assert.Equal(expected, await InTransactionAsync(shop, call));

        Assert.Equal(before, await StateAsync(shop));
    }

    private static async Task AssertChangesNothingAsync(TestShop shop, Func<CheckoutDbContext, Task> call)
    {
        var before = await StateAsync(shop);

        await InTransactionAsync(shop, call);

        Assert.Equal(before, await StateAsync(shop));
    }

    /// <summary>The shop's snapshot plus every field a ledger writes, so that "changed nothing" is one equality.</summary>
    private static async Task<IReadOnlyList<string>> StateAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        var snapshot = await DbSnapshot.TakeAsync(db, shop.GatewayLedger, withDelivery: true);
        var carts = await db.Carts.AsNoTracking().ToListAsync();
        var holds = await db.Holds.AsNoTracking().ToListAsync();
        var sessions = await db.CheckoutSessions.AsNoTracking().ToListAsync();
        var redemptions = await db.PromoRedemptions.AsNoTracking().ToListAsync();
        var entries = await db.WaitlistEntries.AsNoTracking().ToListAsync();
        IEnumerable<string> rows =
        [
            .. snapshot,
            .. carts.Select(c => $"cart-state {c.Id} {c.Status} updated={c.UpdatedAt:O} next={c.NextCartId}"),
            .. holds.Select(h => $"hold-state {h.Id} session={h.CheckoutSessionId} entry={h.WaitlistEntryId} {h.Sku} x{h.Quantity} {h.Status} until={h.ExpiresAt:O} extended={h.Extended} closed={h.ClosedAt:O}"),
            .. sessions.Select(s => $"session-state {s.Id} {s.Status} extended={s.HoldExtended} promo={s.PromoCode} discount={s.DiscountMinor}"),
            .. redemptions.Select(r => $"redemption-state {r.Id} {r.CheckoutSessionId} {r.Status}"),
            .. entries.Select(e => $"waitlist {e.Id} {e.Sku} {e.Email} {e.Status} until={e.OfferExpiresAt:O}"),
        ];
        return [.. rows.Order(StringComparer.Ordinal)];
    }

    private static async Task<(int Available, int Reserved, int Sold)> StockAsync(TestShop shop, string sku)
    {
        var item = await shop.InventoryAsync(sku);
        Assert.Equal(item.Stocked, item.Quantity + item.Reserved + item.Sold);
        return (item.Quantity, item.Reserved, item.Sold);
    }

    private static async Task<Cart> CartAsync(TestShop shop, Guid cartId)
    {
        await using var db = await shop.DbAsync();
        return await db.Carts.AsNoTracking().SingleAsync(c => c.Id == cartId);
    }

    private static async Task<CheckoutSession> SessionAsync(TestShop shop, Guid sessionId)
    {
        await using var db = await shop.DbAsync();
        return await db.CheckoutSessions.AsNoTracking().SingleAsync(s => s.Id == sessionId);
    }

    private static async Task<WaitlistEntry> EntryAsync(TestShop shop, Guid entryId)
    {
        await using var db = await shop.DbAsync();
        return await db.WaitlistEntries.AsNoTracking().SingleAsync(e => e.Id == entryId);
    }

    private static async Task<List<Hold>> HoldsOfSessionAsync(TestShop shop, Guid sessionId)
    {
        await using var db = await shop.DbAsync();
        var holds = await db.Holds.AsNoTracking().Where(h => h.CheckoutSessionId == sessionId).ToListAsync();
        return [.. holds.OrderBy(h => h.Sku, StringComparer.Ordinal)];
    }

    private static async Task<List<Hold>> HoldsOfEntryAsync(TestShop shop, Guid entryId)
    {
        await using var db = await shop.DbAsync();
        var holds = await db.Holds.AsNoTracking().Where(h => h.WaitlistEntryId == entryId).ToListAsync();
        return [.. holds.OrderBy(h => h.CreatedAt).ThenBy(h => h.Id)];
    }

    private static async Task<List<RedemptionStatus>> RedemptionsOfAsync(TestShop shop, Guid sessionId)
    {
        await using var db = await shop.DbAsync();
        var redemptions = await db.PromoRedemptions.AsNoTracking().Where(r => r.CheckoutSessionId == sessionId).ToListAsync();
        return [.. redemptions.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Status)];
    }

    private static async Task<int> PromoUsedAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return (await db.PromoCodes.AsNoTracking().SingleAsync(p => p.Code == Promo)).Used;
    }
}

public sealed class LedgerEdgeTestsOnSqlite() : LedgerEdgeTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class LedgerEdgeTestsOnPostgreSQL() : LedgerEdgeTests(DatabaseProvider.PostgreSQL);
