using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>A cart is re-priced and re-checked against the catalog every time it is read; checkout refuses a cart with problems.</summary>
public abstract class CartValidationTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task GetCart_AfterPriceChange_ShowsWasAndNowAndPricesAtTheServerPrice()
    {
        await using var shop = await ShopAsync();
        var cartId = await shop.CartWithAsync(("MUG", 2), ("TOTE", 1));
        await EditProductAsync(shop, "MUG", p => p.ChangePrice(1_250));

        var view = ResultAssert.Success(await shop.Carts.GetAsync(cartId));

        var problem = Assert.Single(view.Problems);
        Assert.Equal((CartProblemKind.PriceChanged, "MUG", (long?)1_000, (long?)1_250), (problem.Kind, problem.Sku, problem.WasMinor, problem.NowMinor));
        Assert.Equal("The price of Product MUG changed: was USD 10.00, now USD 12.50.", problem.Message);
        Assert.Equal((1_250L, 2_500L), (view.Lines[0].UnitPriceMinor, view.Lines[0].LineTotalMinor));
        Assert.Equal(2_500 + 500, view.SubtotalMinor);
    }

    [Fact]
    public async Task StartCheckout_AfterPriceChange_ReturnsPriceChangedAndHoldsNothing()
    {
        await using var shop = await ShopAsync();
        var cartId = await shop.CartWithAsync(("MUG", 2));
        await EditProductAsync(shop, "MUG", p => p.ChangePrice(1_250));

        var error = await shop.AssertRefusedAsync(ErrorCodes.PriceChanged, () => shop.StartCheckoutAsync(cartId));

        Assert.Contains("was USD 10.00, now USD 12.50", error.Message, StringComparison.Ordinal);
        var problem = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<CartProblem>>(error.Details!["problems"]));
        Assert.Equal(CartProblemKind.PriceChanged, problem.Kind);
    }

    [Theory]
    [InlineData(1_250)]
    [InlineData(800)]
    public async Task AcceptChanges_AfterPriceChange_CheckoutStartsAtTheNewPrice(long newPrice)
    {
        await using var shop = await ShopAsync();
        var cartId = await shop.CartWithAsync(("MUG", 2));
        await EditProductAsync(shop, "MUG", p => p.ChangePrice(newPrice));

        var accepted = ResultAssert.Success(await shop.Carts.AcceptChangesAsync(cartId));
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.Empty(accepted.Problems);
        Assert.Equal(newPrice, Assert.Single(checkout.Lines).UnitPriceMinor);
        Assert.Equal(newPrice * 2, checkout.SubtotalMinor);
        Assert.Equal(2, (await shop.InventoryAsync("MUG")).Reserved);
    }

    [Fact]
    public async Task GetCart_WhenProductDeactivated_ShowsItemUnavailableAndLeavesItOutOfTheSubtotal()
    {
        await using var shop = await ShopAsync();
        var cartId = await shop.CartWithAsync(("MUG", 2), ("TOTE", 1));
        await EditProductAsync(shop, "MUG", p => p.Deactivate());

        var view = ResultAssert.Success(await shop.Carts.GetAsync(cartId));

        var problem = Assert.Single(view.Problems);
        Assert.Equal((CartProblemKind.ItemUnavailable, "MUG", "MUG is no longer available."), (problem.Kind, problem.Sku, problem.Message));
        Assert.Equal("TOTE", Assert.Single(view.Lines).Sku);
        Assert.Equal(500, view.SubtotalMinor);
    }

    [Fact]
    public async Task StartCheckout_WhenProductDeactivated_ReturnsInvalidCartUntilTheLineIsRemoved()
    {
        await using var shop = await ShopAsync();
        var cartId = await shop.CartWithAsync(("MUG", 2), ("TOTE", 1));
        await EditProductAsync(shop, "MUG", p => p.Deactivate());

        var error = await shop.AssertRefusedAsync(ErrorCodes.InvalidCart, () => shop.StartCheckoutAsync(cartId));
        var accepted = ResultAssert.Success(await shop.Carts.AcceptChangesAsync(cartId));
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.Equal("Some items are no longer available; remove them to continue.", error.Message);
        Assert.Empty(accepted.Problems);
        Assert.Equal("TOTE", Assert.Single(checkout.Lines).Sku);
        Assert.Equal(0, (await shop.InventoryAsync("MUG")).Reserved);
    }

    [Fact]
    public async Task GetCart_WhenOthersHoldTheStock_ShowsInsufficientStockWithWhatIsLeft()
    {
        await using var shop = await ShopAsync();
        var cartId = await CartOutrunByAnotherShopperAsync(shop, wanted: 5, othersTake: 5);

        var view = ResultAssert.Success(await shop.Carts.GetAsync(cartId));

        var problem = Assert.Single(view.Problems);
        Assert.Equal((CartProblemKind.InsufficientStock, "MUG", (int?)3), (problem.Kind, problem.Sku, problem.Available));
        Assert.Equal("Only 3 of Product MUG left.", problem.Message);
    }

    [Fact]
    public async Task StartCheckout_WhenStockShort_ReturnsOutOfStockNamingTheSkuAndHoldsNothing()
    {
        await using var shop = await ShopAsync();
        var cartId = await CartOutrunByAnotherShopperAsync(shop, wanted: 5, othersTake: 5);

        var error = await shop.AssertRefusedAsync(ErrorCodes.OutOfStock, () => shop.StartCheckoutAsync(cartId));

        Assert.Equal("Only 3 of MUG left.", error.Message);
        var shortage = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<StockShortage>>(error.Details!["shortages"]));
        Assert.Equal(("MUG", 3), (shortage.Sku, shortage.Available));
    }

    [Fact]
    public async Task AcceptChanges_WhenStockShort_ReducesToWhatIsLeftAndCheckoutStarts()
    {
        await using var shop = await ShopAsync();
        var cartId = await CartOutrunByAnotherShopperAsync(shop, wanted: 5, othersTake: 5);

        var accepted = ResultAssert.Success(await shop.Carts.AcceptChangesAsync(cartId));
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.Empty(accepted.Problems);
        Assert.Equal(3, Assert.Single(accepted.Lines).Quantity);
        Assert.Equal(3, Assert.Single(checkout.Lines).Quantity);
        var stock = await shop.InventoryAsync("MUG");
        Assert.Equal((0, 8), (stock.Quantity, stock.Reserved));
    }

    [Fact]
    public async Task AcceptChanges_WhenSoldOut_RemovesTheLine()
    {
        await using var shop = await ShopAsync();
        var cartId = await CartOutrunByAnotherShopperAsync(shop, wanted: 2, othersTake: 8);
        var soldOut = Assert.Single(ResultAssert.Success(await shop.Carts.GetAsync(cartId)).Problems);

        var accepted = ResultAssert.Success(await shop.Carts.AcceptChangesAsync(cartId));

        Assert.Equal(("Product MUG is sold out.", (int?)0), (soldOut.Message, soldOut.Available));
        Assert.True(accepted.IsEmpty);
        Assert.Empty(accepted.Problems);
        ResultAssert.Failure(await shop.StartCheckoutAsync(cartId), ErrorCodes.InvalidCart);
    }

    /// <summary>MUG at 10.00 (8 in stock) and TOTE at 5.00 (20 in stock).</summary>
    private async Task<TestShop> ShopAsync()
    {
        var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 1_000, stock: 8);
        await shop.AddProductAsync("TOTE", priceMinor: 500, stock: 20);
        return shop;
    }

    /// <summary>Our cart asks for <paramref name="wanted"/> MUGs; then another shopper starts checkout for <paramref name="othersTake"/>.</summary>
    private static async Task<Guid> CartOutrunByAnotherShopperAsync(TestShop shop, int wanted, int othersTake)
    {
        var cartId = await shop.CartWithAsync(("MUG", wanted));
        await shop.OpenCheckoutAsync("other@example.com", null, ("MUG", othersTake));
        return cartId;
    }

    /// <summary>An admin edit of the catalog, through the entity's own intent methods.</summary>
    private static async Task EditProductAsync(TestShop shop, string sku, Action<Product> edit)
    {
        await using var db = await shop.DbAsync();
        edit(await db.Products.SingleAsync(p => p.Sku == sku));
        await db.SaveChangesAsync();
    }
}

public sealed class CartValidationTestsOnSqlite() : CartValidationTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class CartValidationTestsOnPostgreSQL() : CartValidationTests(DatabaseProvider.PostgreSQL);
