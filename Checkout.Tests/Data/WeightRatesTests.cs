using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Persistence;
using Checkout.Data.Shipping;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Data;

/// <summary>
/// A delivery method's rate per started kilogram: the order's weight is each line's quantity times its product's
/// weight, every gram past a whole kilogram starts the next one, the free-from amount and a free-shipping code still
/// make it free, and a method without such a rate (every seeded one) costs what it always did.
/// </summary>
public class WeightRatesTests
{
    private static readonly DeliveryMethod ByWeight = new(Guid.NewGuid(), Guid.NewGuid(), "Courier", null, 500, freeFromMinor: 10_000, perKgMinor: 200);

    [Theory]
    [InlineData(0, 500)]
    [InlineData(1, 700)]
    [InlineData(1_000, 700)]
    [InlineData(1_001, 900)]
    [InlineData(2_000, 900)]
    [InlineData(2_500, 1_100)]
    public void APerKgRate_ChargesEachStartedKilogram(long weightGrams, long price) =>
        Assert.Equal(price, ByWeight.PriceFor(9_999, weightGrams, freeShipping: false));

    [Fact]
    public void FreeFrom_AndAFreeShippingCode_StillMakeItFree_WhateverTheWeight()
    {
        Assert.Equal(0, ByWeight.PriceFor(10_000, 50_000, freeShipping: false));
        Assert.Equal(0, ByWeight.PriceFor(100, 50_000, freeShipping: true));
    }

    [Fact]
    public void AMethodWithoutAPerKgRate_CostsItsRateWhateverTheWeight()
    {
        var flat = new DeliveryMethod(Guid.NewGuid(), Guid.NewGuid(), "Standard", null, 499, 10_000);

        Assert.Equal([499L, 499L, 499L], new long[] { 0, 1_001, 900_000 }.Select(w => flat.PriceFor(0, w, freeShipping: false)));
    }

    [Fact]
    public void AMethodsTerms_RefuseANegativePerKgRate() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeliveryMethod(Guid.NewGuid(), Guid.NewGuid(), "Courier", null, 500, null, perKgMinor: -1));
}

/// <summary>The rate per kilogram as a shopper's checkout pays it, on each engine: started, re-addressed and asked for its options.</summary>
public abstract class WeightRatedCheckoutTests(DatabaseProvider provider) : ProviderTests(provider)
{
    /// <summary>The seeded US Standard method: 4.99, free from 100.00.</summary>
    private static readonly Guid UsStandard = new("6f1a1c52-0002-4000-8000-000000000001");

    [Fact]
    public async Task ACheckoutOf1001Grams_PaysTwoKilograms_WhereverItIsPriced()
    {
        await using var shop = await ShopWithWeightsAsync();
        await SetUsStandardAsync(shop, perKgMinor: 150);
        // 2 × 400 g + 201 g = 1,001 g: two started kilograms.
        var cartId = await shop.CartWithAsync(("MUG", 2), ("TIN", 1));

        var started = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.Equal(("Standard", 499L + 2 * 150), (started.Delivery!.MethodName, started.ShippingMinor));
        var options = ResultAssert.Success(await shop.Checkouts.DeliveryOptionsAsync(started.CheckoutSessionId, "US"));
        Assert.Equal([("Standard", 799L), ("Express", 1_499L)], options.Select(o => (o.Name, o.PriceMinor)));
        var readdressed = ResultAssert.Success(await shop.Checkouts.SetShippingAsync(
            started.CheckoutSessionId, TestAddresses.Portland with { Line1 = "2 Main Street" }, UsStandard));
        Assert.Equal(799L, readdressed.ShippingMinor);
    }

    [Fact]
    public async Task AtTheFreeFromAmount_AHeavyOrderShipsFree()
    {
        await using var shop = await ShopWithWeightsAsync();
        await SetUsStandardAsync(shop, perKgMinor: 150);
        // 5 × 2,500 = 125.00, over the 100.00 from which Standard is free; 2 kg.
        var cartId = await shop.CartWithAsync(("MUG", 5));

        var started = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.Equal(("Standard", 0L), (started.Delivery!.MethodName, started.ShippingMinor));
    }

    [Fact]
    public async Task TheSeededMethods_HaveNoPerKgRate_SoAHeavyOrderCostsWhatItAlwaysDid()
    {
        await using var shop = await ShopWithWeightsAsync();
        ResultAssert.Success(await shop.Get<ProductAdminService>().ChangeAsync("TIN", new ProductInput("Tin", null, "Tea", 1_000, 900_000), "admin@shop"));
        var cartId = await shop.CartWithAsync(("TIN", 3));

        var started = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.Equal(("Standard", 499L), (started.Delivery!.MethodName, started.ShippingMinor));
    }

    /// <summary>A 400 g mug at 25.00 and a 201 g tin at 10.00.</summary>
    private async Task<TestShop> ShopWithWeightsAsync()
    {
        var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 20);
        await shop.AddProductAsync("TIN", priceMinor: 1_000, stock: 20);
        var products = shop.Get<ProductAdminService>();
        ResultAssert.Success(await products.ChangeAsync("MUG", new ProductInput("Mug", null, "Gear", 2_500, 400), "admin@shop"));
        ResultAssert.Success(await products.ChangeAsync("TIN", new ProductInput("Tin", null, "Tea", 1_000, 201), "admin@shop"));
        return shop;
    }

    private static async Task SetUsStandardAsync(TestShop shop, long perKgMinor) =>
        ResultAssert.Success(await shop.Get<DeliveryAdminService>().ChangeMethodAsync(
            UsStandard, new DeliveryMethodInput("Standard", "5–7 business days", 499, 10_000, SortOrder: 1, PerKgMinor: perKgMinor), "admin@shop"));
}

public sealed class WeightRatedCheckoutTestsOnSqlite() : WeightRatedCheckoutTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class WeightRatedCheckoutTestsOnPostgreSQL() : WeightRatedCheckoutTests(DatabaseProvider.PostgreSQL);
