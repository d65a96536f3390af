using Checkout.Data.Carts;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Data;

/// <summary>Bad input gets a clear error and leaves every row of the shop as it was.</summary>
public abstract class InputValidationTests(DatabaseProvider provider) : ProviderTests(provider)
{
    // Cases are named so that NULs and 10,000-character strings stay out of test names and runner protocols.
    private static readonly Dictionary<string, string> BadSkus = new()
    {
        ["nul"] = "SKU\u0000A",
        ["bell"] = "A\u0007",
        ["newline"] = "IN-STOCK\n",
        ["10k chars"] = new string('A', 10_000),
        ["33 chars"] = new string('A', 33),
        ["empty"] = "",
        ["space"] = "IN STOCK",
        ["quote"] = "IN-STOCK'--",
    };

    private static readonly Dictionary<string, string> BadEmails = new()
    {
        ["nul"] = "sam\u0000@example.com",
        ["newline"] = "sam@example.com\n",
        ["no at"] = "sam.example.com",
        ["no domain dot"] = "sam@example",
        ["inner space"] = "sam smith@example.com",
        ["empty"] = "",
        ["blank"] = "   ",
        ["255 chars"] = new string('a', 243) + "@example.com",
    };

    private static readonly Dictionary<string, string> BadNames = new()
    {
        ["nul"] = "Sam\u0000Shopper",
        ["bell"] = "A\u0007",
        ["tab"] = "Sam\tShopper",
        ["empty"] = "",
        ["blank"] = "   ",
        ["101 chars"] = new string('N', 101),
    };

    [Theory]
    [InlineData(-1)]
    [InlineData(100)]
    [InlineData(100_000)]
    [InlineData(int.MinValue)]
    public async Task SetQuantity_OutsideOneTo99_ReturnsValidationAndChangesNothing(int quantity)
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation, () => shop.Carts.SetQuantityAsync(cartId, "IN-STOCK", quantity));

        Assert.Equal("Quantity must be between 1 and 99.", error.Message);
    }

    [Fact]
    public async Task SetQuantity_Zero_RemovesTheLine()
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2), ("OTHER", 1));

        var view = ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "IN-STOCK", 0));

        Assert.Equal("OTHER", Assert.Single(view.Lines).Sku);
        Assert.Equal(1, await shop.CountAsync(db => db.Carts.Where(c => c.Id == cartId).SelectMany(c => c.Lines)));
    }

    [Fact]
    public async Task SetQuantity_ZeroForSkuNotInCart_SucceedsAndChangesNothing()
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));
        var before = await shop.SnapshotAsync();

        var view = ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "OTHER", 0));

        Assert.Equal(("IN-STOCK", 2), (Assert.Single(view.Lines).Sku, view.Lines[0].Quantity));
        Assert.Equal(before, await shop.SnapshotAsync());
    }

    [Fact]
    public async Task SetQuantity_UnknownSku_ReturnsNotFoundAndChangesNothing()
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.NotFound, () => shop.Carts.SetQuantityAsync(cartId, "NO-SUCH-SKU", 1));

        Assert.Equal("The product NO-SUCH-SKU was not found.", error.Message);
    }

    [Theory]
    [InlineData("nul")]
    [InlineData("bell")]
    [InlineData("newline")]
    [InlineData("10k chars")]
    [InlineData("33 chars")]
    [InlineData("empty")]
    [InlineData("space")]
    [InlineData("quote")]
    public async Task SetQuantity_MalformedSku_ReturnsValidationWithoutEchoingIt(string badSku)
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation, () => shop.Carts.SetQuantityAsync(cartId, BadSkus[badSku], 1));

        Assert.Equal("A SKU is 1–32 letters, digits or dashes.", error.Message);
    }

    [Fact]
    public async Task SetQuantity_UnknownCart_ReturnsNotFoundAndChangesNothing()
    {
        await using var shop = await ShopWithCartAsync();
        await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.NotFound, () => shop.Carts.SetQuantityAsync(Guid.NewGuid(), "IN-STOCK", 1));

        Assert.Equal("The cart was not found.", error.Message);
    }

    [Fact]
    public async Task SetQuantity_MoreThanInStock_ReturnsOutOfStockAndKeepsTheLine()
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.OutOfStock, () => shop.Carts.SetQuantityAsync(cartId, "IN-STOCK", 6));

        Assert.Equal("Only 5 of IN-STOCK left.", error.Message);
        var shortage = Assert.Single(Assert.IsAssignableFrom<IReadOnlyList<StockShortage>>(error.Details!["shortages"]));
        Assert.Equal(new StockShortage("IN-STOCK", 6, 5), shortage);
        var line = Assert.Single(ResultAssert.Success(await shop.Carts.GetAsync(cartId)).Lines);
        Assert.Equal(2, line.Quantity);
    }

    [Fact]
    public async Task StartCheckout_10000CharacterPromoCode_ReturnsValidationAndHoldsNothing()
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation, () => shop.StartCheckoutAsync(cartId, promo: new string('X', 10_000)));

        Assert.Equal("A promo code is 3–32 letters, digits or dashes.", error.Message);
    }

    [Theory]
    [InlineData("nul")]
    [InlineData("newline")]
    [InlineData("no at")]
    [InlineData("no domain dot")]
    [InlineData("inner space")]
    [InlineData("empty")]
    [InlineData("blank")]
    [InlineData("255 chars")]
    public async Task StartCheckout_InvalidEmail_ReturnsValidationAndHoldsNothing(string badEmail)
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation, () => shop.StartCheckoutAsync(cartId, promo: "SAVE10", email: BadEmails[badEmail]));

        Assert.Equal("Enter a valid email address.", error.Message);
    }

    [Theory]
    [InlineData("nul")]
    [InlineData("bell")]
    [InlineData("tab")]
    [InlineData("empty")]
    [InlineData("blank")]
    [InlineData("101 chars")]
    public async Task StartCheckout_InvalidCustomerName_ReturnsValidationAndHoldsNothing(string badName)
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation, () => shop.StartCheckoutAsync(cartId, promo: "SAVE10", name: BadNames[badName]));

        Assert.Equal("A name is 1–100 printable characters.", error.Message);
    }

    [Fact]
    public async Task StartCheckout_EmptyCart_ReturnsInvalidCartAndHoldsNothing()
    {
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync();

        var error = await shop.AssertRefusedAsync(ErrorCodes.InvalidCart, () => shop.StartCheckoutAsync(cartId, promo: "SAVE10"));

        Assert.Equal("The cart is empty.", error.Message);
    }

    [Fact]
    public async Task StartCheckout_UnknownCart_ReturnsNotFoundAndHoldsNothing()
    {
        await using var shop = await ShopWithCartAsync();
        await shop.CartWithAsync(("IN-STOCK", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.NotFound, () => shop.StartCheckoutAsync(Guid.NewGuid(), promo: "SAVE10"));

        Assert.Equal("The cart was not found.", error.Message);
    }

    [Fact]
    public async Task StartCheckout_ValidInputOnTheSameShop_Succeeds()
    {
        // The control for the refusals above: the same cart and promo with good input do go through.
        await using var shop = await ShopWithCartAsync();
        var cartId = await shop.CartWithAsync(("IN-STOCK", 2));

        var view = ResultAssert.Success(await shop.StartCheckoutAsync(cartId, promo: "SAVE10"));

        Assert.Equal(("SAVE10", 200), (view.PromoCode, view.DiscountMinor));
        Assert.Equal(3, (await shop.InventoryAsync("IN-STOCK")).Quantity);
        Assert.Equal(1, await shop.CountAsync(db => db.PromoCodes.Where(p => p.Code == "SAVE10" && p.Used == 1)));
    }

    /// <summary>Two products (5 and 3 in stock, 1000 each) and a 10% promo code, so a refusal has rows it could wrongly touch.</summary>
    private async Task<TestShop> ShopWithCartAsync()
    {
        var shop = await CreateShopAsync();
        await shop.AddProductAsync("IN-STOCK", priceMinor: 1000, stock: 5);
        await shop.AddProductAsync("OTHER", priceMinor: 1000, stock: 3);
        await shop.AddPromoAsync(new PromoCode("SAVE10", PromoKind.Percentage, 10));
        return shop;
    }
}

public sealed class InputValidationTestsOnSqlite() : InputValidationTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class InputValidationTestsOnPostgreSQL() : InputValidationTests(DatabaseProvider.PostgreSQL);
