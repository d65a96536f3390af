using Checkout.Data;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Tests.Builders;
using Checkout.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Data;

/// <summary>
/// The delivery methods and the tax table are read once and kept in memory: a quote asks no query for them, an admin's
/// change reaches the next quote at once, another instance's change arrives with its event, and a change nobody
/// announced shows once the copy is as old as the catalog's may be.
/// </summary>
public abstract class RatesInMemoryTests(DatabaseProvider provider) : ProviderTests(provider)
{
    /// <summary>The seeded US Standard method: 4.99, free from 100.00.</summary>
    private static readonly Guid UsStandard = new("6f1a1c52-0002-4000-8000-000000000001");

    private static readonly ShippingAddressInput Seattle = TestAddresses.Portland with { City = "Seattle", Region = "WA", PostalCode = "98101" };

    [Fact]
    public async Task AnAdminsChanges_ReachTheNextQuoteAtOnce()
    {
        await using var shop = await ShopAsync();
        var before = await StartAsync(shop, Seattle);
        Assert.Equal((499L, 6.5m), (before.ShippingMinor, before.Tax!.RatePercent));

        ResultAssert.Success(await shop.Get<DeliveryAdminService>().ChangeMethodAsync(
            UsStandard, new DeliveryMethodInput("Standard", "5–7 business days", 599, 10_000, SortOrder: 1), "admin@shop"));
        var washington = (await shop.Get<TaxAdminService>().ListAsync()).Single(r => r.Region == "WA");
        ResultAssert.Success(await shop.Get<TaxAdminService>().ChangeAsync(washington.Id, new TaxRateChange(10m, "Sales tax"), "admin@shop"));
        var after = await StartAsync(shop, Seattle);

        Assert.Equal((599L, 10m), (after.ShippingMinor, after.Tax!.RatePercent));
    }

    [Fact]
    public async Task AChangeAnnouncedByAnotherInstance_IsReadOnItsEvent_AndAnUnannouncedOneOnceTheCopyIsOld()
    {
        await using var shop = await ShopAsync();
        Assert.Equal(6.5m, (await StartAsync(shop, Seattle)).Tax!.RatePercent);

        // Another instance's admin changes the row: this instance still quotes from its copy...
        await SetWashingtonRateAsync(shop, 7m);
        Assert.Equal(6.5m, (await StartAsync(shop, Seattle)).Tax!.RatePercent);
        // ...until that change's event arrives through the relay.
        await shop.Get<CheckoutEvents>().DeliverAsync(new TaxRatesChanged());
        Assert.Equal(7m, (await StartAsync(shop, Seattle)).Tax!.RatePercent);

        // A change nobody announces (an edit in the database) shows once the copy is as old as a catalog snapshot may be.
        await SetWashingtonRateAsync(shop, 8m);
        shop.Clock.Advance(shop.Get<IOptions<CheckoutOptions>>().Value.CatalogMaxAge);
        Assert.Equal(8m, (await StartAsync(shop, Seattle)).Tax!.RatePercent);
    }

    [Fact]
    public async Task ADeliveryChangeAnnouncedByAnotherInstance_IsReadOnItsEvent()
    {
        await using var shop = await ShopAsync();
        Assert.Equal(499L, (await StartAsync(shop, Seattle)).ShippingMinor);

        await using (var db = await shop.DbAsync())
        {
            await db.DeliveryMethods.Where(m => m.Id == UsStandard).ExecuteUpdateAsync(s => s.SetProperty(m => m.RateMinor, 699));
        }
        Assert.Equal(499L, (await StartAsync(shop, Seattle)).ShippingMinor);
        await shop.Get<CheckoutEvents>().DeliverAsync(new DeliveryMethodsChanged());

        Assert.Equal(699L, (await StartAsync(shop, Seattle)).ShippingMinor);
    }

    private static async Task SetWashingtonRateAsync(TestShop shop, decimal ratePercent)
    {
        await using var db = await shop.DbAsync();
        Assert.Equal(1, await db.TaxRates.Where(r => r.Country == "US" && r.Region == "WA").ExecuteUpdateAsync(s => s.SetProperty(r => r.RatePercent, ratePercent)));
    }

    private async Task<TestShop> ShopAsync()
    {
        var shop = await CreateShopAsync();
        await shop.AddProductAsync("RATED", priceMinor: 2000, stock: 100);
        return shop;
    }

    /// <summary>A new cart's checkout to <paramref name="address"/>: each start quotes afresh.</summary>
    private static async Task<CheckoutView> StartAsync(TestShop shop, ShippingAddressInput address)
    {
        var cartId = await shop.CartWithAsync(("RATED", 1));
        return ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(cartId, "rates@example.com", "Rae Rates", ShippingAddress: address)));
    }
}

public sealed class RatesInMemoryTestsOnSqlite() : RatesInMemoryTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class RatesInMemoryTestsOnPostgreSQL() : RatesInMemoryTests(DatabaseProvider.PostgreSQL)
{
    [Fact]
    public async Task AStartAfterTheFirst_SendsNoQueryForDeliveryMethodsOrTaxRates()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("RATED", stock: 10);
        ResultAssert.Success(await shop.StartCheckoutAsync(await shop.CartWithAsync(("RATED", 1))));
        var cartId = await shop.CartWithAsync(("RATED", 1));
        using var trips = new RoundTrips(shop);

        ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.NotEmpty(trips.All());
        Assert.DoesNotContain(trips.All(), sql => sql.Contains("delivery_methods", StringComparison.Ordinal)
                                                  || sql.Contains("shipping_zones", StringComparison.Ordinal)
                                                  || sql.Contains("tax_rates", StringComparison.Ordinal));
    }
}
