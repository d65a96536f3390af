using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>The checkout's workflow rules, as the storefront and the API both get them from <see cref="CheckoutFlow"/>.</summary>
public abstract class CheckoutFlowTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_NamingASessionWhoseHoldRanOut_StartsANewCheckout(bool sweptFirst)
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 3);
        var cartId = await shop.CartWithAsync(("MUG", 2));
        var request = new StartCheckout(cartId, "sam@example.com", "Sam Shopper", CheckoutSessionId: Guid.NewGuid(), ShippingAddress: TestAddresses.Portland);
        ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAsync(request));
        shop.Clock.Advance(TimeSpan.FromMinutes(16));
        if (sweptFirst)
        {
            await shop.Get<HoldSweeper>().SweepOnceAsync();
        }

        var again = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAsync(request));

        Assert.True(again.Created);
        Assert.NotEqual(request.CheckoutSessionId, again.Checkout.CheckoutSessionId);
        Assert.Equal(CheckoutSessionStatus.Open, again.Checkout.Status);
        Assert.Equal(2, (await shop.InventoryAsync("MUG")).Reserved);
    }

    [Fact]
    public async Task Start_WithARefusedPromo_IsRefused_UnlessToldToGoOnWithoutIt_ThenHoldsAndSaysWhy()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 3);
        await shop.AddPromoAsync(new PromoCode("GONE", PromoKind.Percentage, 10, endsAt: shop.Clock.GetUtcNow().AddMinutes(-1)));
        var cartId = await shop.CartWithAsync(("MUG", 1));
        var request = new StartCheckout(cartId, "sam@example.com", "Sam Shopper", "GONE");

        var refused = await shop.Get<CheckoutFlow>().StartAsync(request);
        var held = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAsync(request, goOnWithoutRefusedPromo: true));

        ResultAssert.Failure(refused, ErrorCodes.PromoExpired);
        Assert.Equal(ErrorCodes.PromoExpired, held.PromoRefused?.Code);
        Assert.Null(held.Checkout.PromoCode);
        Assert.Equal(1, (await shop.InventoryAsync("MUG")).Reserved);
    }

    [Fact]
    public async Task StartAgain_AfterTheHoldRanOut_KeepsWhatIsStillInStock_UnderANewCheckout()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 3);
        await shop.AddProductAsync("TOTE", stock: 2);
        var cartId = await shop.CartWithAsync(("MUG", 2), ("TOTE", 1));
        var first = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAsync(new StartCheckout(cartId, "sam@example.com", "Sam Shopper", ShippingAddress: TestAddresses.Portland)));
        shop.Clock.Advance(TimeSpan.FromMinutes(16));
        await shop.Get<HoldSweeper>().SweepOnceAsync();
        // Meanwhile someone else bought two of the three mugs and every tote.
        await using (var db = await shop.DbAsync())
        {
            await db.Inventory.Where(i => i.Sku == "MUG").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 1));
            await db.Inventory.Where(i => i.Sku == "TOTE").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 0));
        }

        var again = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAgainAsync(first.Checkout.CheckoutSessionId));

        Assert.True(again.Created);
        Assert.NotEqual(first.Checkout.CheckoutSessionId, again.Checkout.CheckoutSessionId);
        Assert.Equal([("MUG", 1)], again.Checkout.Lines.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(("Sam Shopper", "sam@example.com"), (again.Checkout.CustomerName, again.Checkout.Email));
        // Asked again (a replay, a second tab), the new checkout answers and the cart is left as it is.
        var replay = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAgainAsync(first.Checkout.CheckoutSessionId));
        Assert.Equal((again.Checkout.CheckoutSessionId, false), (replay.Checkout.CheckoutSessionId, replay.Created));
        Assert.Equal(1, ResultAssert.Success(await shop.Carts.GetAsync(cartId)).Lines.Single().Quantity);
    }

    [Fact]
    public async Task StartAgain_WhenNothingIsLeftInStock_SaysSo_AndHoldsNothing()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 1);
        var cartId = await shop.CartWithAsync(("MUG", 1));
        var first = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAsync(new StartCheckout(cartId, "sam@example.com", "Sam Shopper", ShippingAddress: TestAddresses.Portland)));
        ResultAssert.Success(await shop.Checkouts.CancelAsync(first.Checkout.CheckoutSessionId));
        await using (var db = await shop.DbAsync())
        {
            await db.Inventory.Where(i => i.Sku == "MUG").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 0));
        }

        var again = await shop.Get<CheckoutFlow>().StartAgainAsync(first.Checkout.CheckoutSessionId);

        Assert.Equal("None of your items are in stock any more.", ResultAssert.Failure(again, ErrorCodes.InvalidCart).Message);
        Assert.Equal(0, await shop.CountAsync(db => db.CheckoutSessions.Where(s => s.Status == CheckoutSessionStatus.Open)));
    }

    [Fact]
    public async Task Pay_WithADeclinedCard_HoldsTheItemsAgainUnderANewCheckout_AndAnotherCardPaysIt()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 20_000, stock: 1);
        await shop.AddPromoAsync(new PromoCode("ONCE", PromoKind.Percentage, 10, usageLimit: 1));
        var cartId = await shop.CartWithAsync(("MUG", 1));
        var first = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAsync(new StartCheckout(cartId, "sam@example.com", "Sam Shopper", "ONCE", ShippingAddress: TestAddresses.Portland)));

        var declined = ResultAssert.Failure(await shop.Get<CheckoutFlow>().PayAsync(first.Checkout.CheckoutSessionId, Cards.Declined), ErrorCodes.PaymentDeclined);
        var replayed = ResultAssert.Failure(await shop.Get<CheckoutFlow>().PayAsync(first.Checkout.CheckoutSessionId, Cards.Declined), ErrorCodes.PaymentDeclined);

        var retry = Assert.IsType<Guid>(declined.Details?[CheckoutFlow.RetryCheckoutDetail]);
        Assert.NotEqual(first.Checkout.CheckoutSessionId, retry);
        Assert.Equal(retry, replayed.Details?[CheckoutFlow.RetryCheckoutDetail]);
        Assert.Contains("try another card", declined.Message, StringComparison.Ordinal);
        var held = ResultAssert.Success(await shop.Checkouts.GetAsync(retry));
        // The declined checkout gave its promo use back, and the new one took it again.
        Assert.Equal(("ONCE", 18_000L), (held.PromoCode, held.SubtotalMinor - held.DiscountMinor));
        Assert.Equal((0, 1, 0), await StockAsync(shop));
        var placed = ResultAssert.Success(await shop.Get<CheckoutFlow>().PayAsync(retry, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal((0, 0, 1), await StockAsync(shop));
    }

    [Fact]
    public async Task Pay_WithADeclinedCard_AfterThePromoEnded_HoldsWithoutItAndSaysWhy()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 20_000, stock: 2);
        await shop.AddPromoAsync(new PromoCode("BRIEF", PromoKind.Percentage, 10, endsAt: shop.Clock.GetUtcNow().AddMinutes(10)));
        var cartId = await shop.CartWithAsync(("MUG", 1));
        var first = ResultAssert.Success(await shop.Get<CheckoutFlow>().StartAsync(new StartCheckout(cartId, "sam@example.com", "Sam Shopper", "BRIEF", ShippingAddress: TestAddresses.Portland)));
        shop.Clock.Advance(TimeSpan.FromMinutes(11));

        var declined = ResultAssert.Failure(await shop.Get<CheckoutFlow>().PayAsync(first.Checkout.CheckoutSessionId, Cards.Declined), ErrorCodes.PaymentDeclined);

        var held = ResultAssert.Success(await shop.Checkouts.GetAsync(Assert.IsType<Guid>(declined.Details?[CheckoutFlow.RetryCheckoutDetail])));
        Assert.Equal((null, 0L), (held.PromoCode, held.DiscountMinor));
        Assert.Contains("BRIEF", Assert.IsType<string>(declined.Details?[CheckoutFlow.PromoRefusedDetail]), StringComparison.Ordinal);
        Assert.Equal((1, 1, 0), await StockAsync(shop));
    }

    private static async Task<(int Available, int Reserved, int Sold)> StockAsync(TestShop shop)
    {
        var stock = await shop.InventoryAsync("MUG");
        return (stock.Quantity, stock.Reserved, stock.Sold);
    }
}

public sealed class CheckoutFlowTestsOnSqlite() : CheckoutFlowTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class CheckoutFlowTestsOnPostgreSQL() : CheckoutFlowTests(DatabaseProvider.PostgreSQL);
