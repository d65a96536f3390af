using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

public abstract class PromoRaceTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task StartCheckout_PromoWithLimit1RacedBy20_RedeemsExactlyOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("PROMO-ITEM", stock: 100);
        await shop.AddPromoAsync(new PromoCode("ONLYONE", PromoKind.Percentage, 50, usageLimit: 1));
        var carts = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            carts.Add(await shop.CartWithAsync(("PROMO-ITEM", 1)));
        }

        var results = await Race.RunAsync(20, i => shop.Checkouts.StartAsync(new StartCheckout(carts[i], $"p{i}@example.com", "P", "onlyone", ShippingAddress: TestAddresses.Portland)));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.PromoLimitReached, r.Error!.Code));
        await using var db = await shop.DbAsync();
        Assert.Equal(1, (await db.PromoCodes.SingleAsync()).Used);
        Assert.Equal(1, await db.PromoRedemptions.CountAsync());
        // Losers held nothing: the hold and the promo use are one transaction.
        Assert.Equal(99, (await shop.InventoryAsync("PROMO-ITEM")).Quantity);
    }

    [Fact]
    public async Task StartCheckout_OneShopperRacing12CartsOnAOncePerCustomerCode_RedeemsExactlyOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddPromoAsync(new PromoCode("ONCEEACH", PromoKind.Percentage, 10, perCustomerLimit: 1));
        var carts = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            // A SKU per cart: the holds must not queue the racers on one inventory row before they reach the promo.
            await shop.AddProductAsync($"ITEM-{i}", stock: 5);
            carts.Add(await shop.CartWithAsync(($"ITEM-{i}", 1)));
        }

        var results = await Race.RunAsync(12, i => shop.Checkouts.StartAsync(new StartCheckout(carts[i], "same@example.com", "Sam", "ONCEEACH", ShippingAddress: TestAddresses.Portland)));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.PromoCustomerLimitReached, r.Error!.Code));
        await using var db = await shop.DbAsync();
        Assert.Equal(1, (await db.PromoCodes.SingleAsync()).Used);
        Assert.Equal(1, await db.PromoRedemptions.CountAsync());
        // The losers' holds rolled back with their promo use.
        Assert.Equal(11 * 5 + 4, await db.Inventory.SumAsync(i => i.Quantity));
    }

    [Fact]
    public async Task AbandonedCheckout_GivesThePromoUseBack()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("ABANDON", stock: 10);
        await shop.AddPromoAsync(new PromoCode("SINGLE", PromoKind.FixedAmount, 300, usageLimit: 1));
        await shop.OpenCheckoutAsync("first@example.com", "SINGLE", ("ABANDON", 1));
        var cart = await shop.CartWithAsync(("ABANDON", 1));
        ResultAssert.Failure(
            await shop.Checkouts.StartAsync(new StartCheckout(cart, "second@example.com", "Second", "SINGLE", ShippingAddress: TestAddresses.Portland)), ErrorCodes.PromoLimitReached);

        shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await shop.Get<HoldSweeper>().SweepOnceAsync();

        var second = ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(cart, "second@example.com", "Second", "SINGLE", ShippingAddress: TestAddresses.Portland)));
        Assert.Equal(300, second.DiscountMinor);
        await using var db = await shop.DbAsync();
        Assert.Equal(1, (await db.PromoCodes.SingleAsync()).Used);
        Assert.Equal([RedemptionStatus.Released, RedemptionStatus.Reserved], await db.PromoRedemptions.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).Select(r => r.Status).ToListAsync());
    }

    [Fact]
    public async Task ConfirmedOrder_ConsumesThePromoUse()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("CONSUME", priceMinor: 5000, stock: 10);
        await shop.AddPromoAsync(new PromoCode("TENOFF", PromoKind.Percentage, 10, usageLimit: 5));
        var session = await shop.OpenCheckoutAsync(promo: "TENOFF", lines: ("CONSUME", 1));

        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved));

        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal(500, placed.Order.DiscountMinor);
        Assert.Equal("TENOFF", placed.Order.PromoCode);
        await using var db = await shop.DbAsync();
        Assert.Equal(RedemptionStatus.Consumed, (await db.PromoRedemptions.SingleAsync()).Status);
        Assert.Equal(1, (await db.PromoCodes.SingleAsync()).Used);
    }
}

public sealed class PromoRaceTestsOnSqlite() : PromoRaceTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PromoRaceTestsOnPostgreSQL() : PromoRaceTests(DatabaseProvider.PostgreSQL);
