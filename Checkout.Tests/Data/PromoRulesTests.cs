using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>Promo codes as the shopper meets them: through starting checkout on a real shop.</summary>
public abstract class PromoRulesTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Shopper = "shopper@example.com";

    [Theory]
    [InlineData(9_999, 499)]
    [InlineData(10_000, 0)]
    public async Task StartCheckout_WithoutPromo_ChargesShippingOnlyBelowTheFreeShippingThreshold(long priceMinor, long shipping)
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("PRICED", priceMinor);

        var view = await StartOkAsync(shop, null, ("PRICED", 1));

        AssertQuote(view, subtotal: priceMinor, discount: 0, shipping: shipping, total: priceMinor + shipping);
    }

    [Fact]
    public async Task Percentage_OfAnOddAmount_RoundsDownInTheShoppersDisfavour()
    {
        await using var shop = await ShopAsync(new PromoCode("TENOFF", PromoKind.Percentage, 10));

        var view = await StartOkAsync(shop, "TENOFF", ("TEA-LEAF", 1));

        AssertQuote(view, subtotal: 999, discount: 99, shipping: 499, total: 1399);
        Assert.Equal("TENOFF", view.PromoCode);
    }

    [Fact]
    public async Task Percentage_BringingSubtotalBelowTheThreshold_ChargesShipping()
    {
        // Free shipping is decided on the subtotal after the discount.
        await using var shop = await ShopAsync(new PromoCode("TENOFF", PromoKind.Percentage, 10));
        await shop.AddProductAsync("HUNDRED", priceMinor: 10_000);

        var view = await StartOkAsync(shop, "TENOFF", ("HUNDRED", 1));

        AssertQuote(view, subtotal: 10_000, discount: 1_000, shipping: 499, total: 9_499);
    }

    [Fact]
    public async Task FixedAmount_LargerThanTheCart_IsCappedAtTheSubtotal()
    {
        await using var shop = await ShopAsync(new PromoCode("FIFTY", PromoKind.FixedAmount, 5_000));

        var view = await StartOkAsync(shop, "FIFTY", ("TEA-LEAF", 1));

        AssertQuote(view, subtotal: 999, discount: 999, shipping: 499, total: 499);
    }

    [Fact]
    public async Task FixedAmount_ScopedToACategory_IsCappedAtTheInScopeSubtotal()
    {
        await using var shop = await ShopAsync(new PromoCode("TEAFIFTY", PromoKind.FixedAmount, 5_000, scopeCategory: "Tea"));

        var view = await StartOkAsync(shop, "TEAFIFTY", ("TEA-LEAF", 1), ("COF-BEAN", 2));

        AssertQuote(view, subtotal: 4_999, discount: 999, shipping: 499, total: 4_499);
    }

    [Fact]
    public async Task FixedAmount_BelowTheSubtotal_TakesOffExactlyTheAmount()
    {
        await using var shop = await ShopAsync(new PromoCode("FIVEOFF", PromoKind.FixedAmount, 500));

        var view = await StartOkAsync(shop, "FIVEOFF", ("COF-BEAN", 1));

        AssertQuote(view, subtotal: 2_000, discount: 500, shipping: 499, total: 1_999);
    }

    [Fact]
    public async Task FreeShipping_BelowTheThreshold_ZeroesShippingAndDiscountsNothing()
    {
        await using var shop = await ShopAsync(new PromoCode("FREESHIP", PromoKind.FreeShipping, 0));

        var view = await StartOkAsync(shop, "FREESHIP", ("TEA-LEAF", 1));

        AssertQuote(view, subtotal: 999, discount: 0, shipping: 0, total: 999);
    }

    [Fact]
    public async Task CategoryScope_DiscountsOnlyTheLinesOfThatCategory()
    {
        // The scope is written in lower case: categories match case-insensitively.
        await using var shop = await ShopAsync(new PromoCode("TEA20", PromoKind.Percentage, 20, scopeCategory: "tea"));

        var view = await StartOkAsync(shop, "TEA20", ("TEA-LEAF", 1), ("COF-BEAN", 1));

        AssertQuote(view, subtotal: 2_999, discount: 199, shipping: 499, total: 3_299);
    }

    [Fact]
    public async Task CategoryScope_WithNothingOfThatCategory_ReturnsNotApplicableAndHoldsNothing()
    {
        await using var shop = await ShopAsync(new PromoCode("TEA20", PromoKind.Percentage, 20, scopeCategory: "Tea"));
        var cartId = await shop.CartWithAsync(("COF-BEAN", 1));

        var error = await shop.AssertRefusedAsync(ErrorCodes.PromoNotApplicable, () => shop.StartCheckoutAsync(cartId, "TEA20"));

        Assert.Equal("The code TEA20 does not apply to the items in your cart.", error.Message);
    }

    [Fact]
    public async Task SkuScope_DiscountsOnlyThatSku()
    {
        await using var shop = await ShopAsync(new PromoCode("BEANHALF", PromoKind.Percentage, 50, scopeSku: "COF-BEAN"));

        var view = await StartOkAsync(shop, "BEANHALF", ("TEA-LEAF", 1), ("COF-BEAN", 2));

        AssertQuote(view, subtotal: 4_999, discount: 2_000, shipping: 499, total: 3_498);
    }

    [Fact]
    public async Task SkuScope_WithoutThatSku_ReturnsNotApplicableAndHoldsNothing()
    {
        await using var shop = await ShopAsync(new PromoCode("BEANHALF", PromoKind.Percentage, 50, scopeSku: "COF-BEAN"));
        var cartId = await shop.CartWithAsync(("TEA-LEAF", 3));

        await shop.AssertRefusedAsync(ErrorCodes.PromoNotApplicable, () => shop.StartCheckoutAsync(cartId, "BEANHALF"));
    }

    [Fact]
    public async Task MinimumSubtotal_NotReached_ReturnsMinimumNotMetAndHoldsNothing()
    {
        await using var shop = await ShopAsync(new PromoCode("BIGBASKET", PromoKind.FixedAmount, 500, minSubtotalMinor: 2_000));
        var cartId = await shop.CartWithAsync(("TEA-LEAF", 2));

        var error = await shop.AssertRefusedAsync(ErrorCodes.PromoMinimumNotMet, () => shop.StartCheckoutAsync(cartId, "BIGBASKET"));

        Assert.Equal("The code BIGBASKET needs a subtotal of at least USD 20.00.", error.Message);
    }

    [Fact]
    public async Task MinimumSubtotal_ReachedExactly_Applies()
    {
        await using var shop = await ShopAsync(new PromoCode("BIGBASKET", PromoKind.FixedAmount, 500, minSubtotalMinor: 2_000));

        var view = await StartOkAsync(shop, "BIGBASKET", ("COF-BEAN", 1));

        AssertQuote(view, subtotal: 2_000, discount: 500, shipping: 499, total: 1_999);
    }

    [Fact]
    public async Task NotYetStarted_ReturnsInactive_ThenAppliesFromItsStart()
    {
        var startsAt = TestShop.Start.AddDays(1);
        await using var shop = await ShopAsync(new PromoCode("SOON", PromoKind.Percentage, 10, startsAt: startsAt));
        var cartId = await shop.CartWithAsync(("COF-BEAN", 1));

        var error = await shop.AssertRefusedAsync(ErrorCodes.PromoInactive, () => shop.StartCheckoutAsync(cartId, "SOON"));
        Assert.Equal("The code SOON is not active yet.", error.Message);

        shop.Clock.SetUtcNow(startsAt);
        Assert.Equal(200, ResultAssert.Success(await shop.StartCheckoutAsync(cartId, "SOON")).DiscountMinor);
    }

    [Fact]
    public async Task Disabled_ReturnsInactiveAndHoldsNothing()
    {
        await using var shop = await ShopAsync(new PromoCode("PAUSED", PromoKind.Percentage, 10));
        await using (var db = await shop.DbAsync())
        {
            (await db.PromoCodes.SingleAsync(p => p.Code == "PAUSED")).Disable();
            await db.SaveChangesAsync();
        }
        var cartId = await shop.CartWithAsync(("COF-BEAN", 1));

        var error = await shop.AssertRefusedAsync(ErrorCodes.PromoInactive, () => shop.StartCheckoutAsync(cartId, "PAUSED"));

        Assert.Equal("The code PAUSED is no longer active.", error.Message);
    }

    [Fact]
    public async Task Expired_FromItsEndInstant_ReturnsExpiredAndHoldsNothing()
    {
        var endsAt = TestShop.Start.AddHours(1);
        await using var shop = await ShopAsync(new PromoCode("HOURLY", PromoKind.Percentage, 10, endsAt: endsAt));
        shop.Clock.SetUtcNow(endsAt.AddTicks(-1));
        Assert.Equal(200, (await StartOkAsync(shop, "HOURLY", ("COF-BEAN", 1))).DiscountMinor);
        var cartId = await shop.CartWithAsync(("COF-BEAN", 1));

        shop.Clock.SetUtcNow(endsAt);
        var error = await shop.AssertRefusedAsync(ErrorCodes.PromoExpired, () => shop.StartCheckoutAsync(cartId, "HOURLY"));

        Assert.Equal("The code HOURLY has expired.", error.Message);
    }

    [Fact]
    public async Task UnknownCode_ReturnsNotFoundAndHoldsNothing()
    {
        await using var shop = await ShopAsync(new PromoCode("REAL", PromoKind.Percentage, 10));
        var cartId = await shop.CartWithAsync(("COF-BEAN", 1));

        var error = await shop.AssertRefusedAsync(ErrorCodes.PromoNotFound, () => shop.StartCheckoutAsync(cartId, "made-up"));

        Assert.Equal("The code MADE-UP does not exist.", error.Message);
    }

    [Fact]
    public async Task PerCustomerLimit_SameEmailInAnyCase_IsRefusedButAnotherShopperSucceeds()
    {
        await using var shop = await ShopAsync(new PromoCode("ONEEACH", PromoKind.Percentage, 10, perCustomerLimit: 1));
        await StartOkAsync(shop, "ONEEACH", "Sam@Example.com", ("COF-BEAN", 1));
        var againCart = await shop.CartWithAsync(("COF-BEAN", 1));

        var error = await shop.AssertRefusedAsync(
            ErrorCodes.PromoCustomerLimitReached, () => shop.StartCheckoutAsync(againCart, "ONEEACH", email: "SAM@EXAMPLE.COM"));
        var other = await StartOkAsync(shop, "ONEEACH", "other@example.com", ("COF-BEAN", 1));

        Assert.Equal("You have already used the code ONEEACH as often as it allows.", error.Message);
        Assert.Equal(200, other.DiscountMinor);
        Assert.Equal(2, await shop.CountAsync(db => db.PromoRedemptions.Where(r => r.Code == "ONEEACH")));
        Assert.Equal(1, await shop.CountAsync(db => db.PromoCodes.Where(p => p.Code == "ONEEACH" && p.Used == 2)));
    }

    [Theory]
    [InlineData("tenoff")]
    [InlineData("TenOff")]
    [InlineData("  TENOFF ")]
    public async Task Code_InAnyCaseOrPadded_AppliesAsTheStoredCode(string typed)
    {
        await using var shop = await ShopAsync(new PromoCode("TenOff", PromoKind.Percentage, 10));

        var view = await StartOkAsync(shop, typed, ("COF-BEAN", 1));

        Assert.Equal(("TENOFF", 200), (view.PromoCode, view.DiscountMinor));
        Assert.Equal(1, await shop.CountAsync(db => db.PromoRedemptions.Where(r => r.Code == "TENOFF")));
    }

    /// <summary>Tea at 9.99 and coffee at 20.00, plenty of each, and the promo under test.</summary>
    private async Task<TestShop> ShopAsync(PromoCode promo)
    {
        var shop = await CreateShopAsync();
        await shop.AddProductAsync("TEA-LEAF", priceMinor: 999, stock: 50, category: "Tea");
        await shop.AddProductAsync("COF-BEAN", priceMinor: 2_000, stock: 50, category: "Coffee");
        await shop.AddPromoAsync(promo);
        return shop;
    }

    private static Task<CheckoutView> StartOkAsync(TestShop shop, string? code, params (string Sku, int Quantity)[] lines) =>
        StartOkAsync(shop, code, Shopper, lines);

    /// <summary>A new cart with the lines, checkout started with the code; the quote's lines must add up to its subtotal.</summary>
    private static async Task<CheckoutView> StartOkAsync(TestShop shop, string? code, string email, params (string Sku, int Quantity)[] lines)
    {
        var cartId = await shop.CartWithAsync(lines);
        var view = ResultAssert.Success(await shop.StartCheckoutAsync(cartId, code, email));
        Assert.Equal(view.SubtotalMinor, view.Lines.Sum(l => l.LineTotalMinor));
        return view;
    }

    private static void AssertQuote(CheckoutView view, long subtotal, long discount, long shipping, long total) =>
        Assert.Equal((subtotal, discount, shipping, total), (view.SubtotalMinor, view.DiscountMinor, view.ShippingMinor, view.TotalMinor));
}

public sealed class PromoRulesTestsOnSqlite() : PromoRulesTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PromoRulesTestsOnPostgreSQL() : PromoRulesTests(DatabaseProvider.PostgreSQL);
