using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

public abstract class HoldRaceTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task StartCheckout_64ConcurrentBuyersOn10Units_HoldsExactly10AndConservesStock()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAST-TEN", stock: 10);
        var carts = new List<Guid>();
        for (var i = 0; i < 64; i++)
        {
            carts.Add(await shop.CartWithAsync(("LAST-TEN", 1)));
        }

        var results = await Race.RunAsync(64, i => shop.Checkouts.StartAsync(new StartCheckout(carts[i], $"buyer{i}@example.com", $"Buyer {i}", ShippingAddress: TestAddresses.Portland)));

        Assert.Equal(10, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.OutOfStock, r.Error!.Code));
        var stock = await shop.InventoryAsync("LAST-TEN");
        Assert.Equal(0, stock.Quantity);
        Assert.Equal(10, stock.Reserved);
        Assert.Equal(10, stock.Quantity + stock.Reserved + stock.Sold);
        Assert.Equal(10, await shop.CountAsync(db => db.Holds.Where(h => h.Status == HoldStatus.Active)));
    }

    [Fact]
    public async Task StartCheckout_MultiLineWhenOneLineIsShort_HoldsNothing()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("PLENTY", stock: 50);
        await shop.AddProductAsync("SCARCE", stock: 2);
        var cartId = await shop.CartWithAsync(("PLENTY", 5), ("SCARCE", 2));
        await using (var db = await shop.DbAsync())
        {
            await db.Inventory.Where(i => i.Sku == "SCARCE").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 1));
        }

        var result = await shop.Checkouts.StartAsync(new StartCheckout(cartId, "a@example.com", "A Shopper"));

        var error = ResultAssert.Failure(result, ErrorCodes.OutOfStock);
        var shortage = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<Checkout.Data.Carts.StockShortage>>(error.Details!["shortages"]));
        Assert.Equal(("SCARCE", 1), (shortage.Sku, shortage.Available));
        Assert.Equal(50, (await shop.InventoryAsync("PLENTY")).Quantity);
        Assert.Equal(0, await shop.CountAsync(db => db.Holds));
        Assert.Equal(0, await shop.CountAsync(db => db.CheckoutSessions));
    }

    [Fact]
    public async Task StartCheckout_SameSessionStartedConcurrently_HoldsOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("ONCE-ONLY", stock: 10);
        var cartId = await shop.CartWithAsync(("ONCE-ONLY", 3));
        var sessionId = Guid.NewGuid();
        var request = new StartCheckout(cartId, "a@example.com", "A Shopper", CheckoutSessionId: sessionId, ShippingAddress: TestAddresses.Portland);

        var results = await Race.RunAsync(10, _ => shop.Checkouts.StartAsync(request));

        Assert.All(results, r => Assert.Equal(sessionId, ResultAssert.Success(r).CheckoutSessionId));
        var stock = await shop.InventoryAsync("ONCE-ONLY");
        Assert.Equal((7, 3), (stock.Quantity, stock.Reserved));
        Assert.Equal(1, await shop.CountAsync(db => db.Holds));
    }

    [Fact]
    public async Task StartCheckout_SessionOfAnotherCart_IsRefused()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MINE", stock: 10);
        var session = await shop.OpenCheckoutAsync(lines: ("MINE", 1));
        var otherCart = await shop.CartWithAsync(("MINE", 5));

        var result = await shop.Checkouts.StartAsync(new StartCheckout(otherCart, "b@example.com", "B", CheckoutSessionId: session.CheckoutSessionId));

        ResultAssert.Failure(result, ErrorCodes.Conflict);
        Assert.Equal(9, (await shop.InventoryAsync("MINE")).Quantity);
    }

    [Fact]
    public async Task StartCheckout_StoresAPriceLockedQuoteWithTheHoldExpiry()
    {
        await using var shop = await CreateShopAsync(new Dictionary<string, string?> { ["Checkout:HoldTtl"] = "00:07:00" });
        await shop.AddProductAsync("QUOTED", priceMinor: 1250, stock: 10);

        var view = await shop.OpenCheckoutAsync(lines: ("QUOTED", 2));

        Assert.Equal(2500, view.SubtotalMinor);
        Assert.Equal(499, view.ShippingMinor);
        Assert.Equal(2999, view.TotalMinor);
        Assert.Equal(TestShop.Start.AddMinutes(7), view.HoldExpiresAt);
        Assert.Equal(CheckoutSessionStatus.Open, view.Status);
    }
}

public sealed class HoldRaceTestsOnSqlite() : HoldRaceTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class HoldRaceTestsOnPostgreSQL() : HoldRaceTests(DatabaseProvider.PostgreSQL);
