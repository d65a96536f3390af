using System.Net;
using System.Text.Json;
using Checkout.Tests.Builders;
using Microsoft.AspNetCore.Hosting;

namespace Checkout.Tests.Api;

/// <summary>Where an order goes, through the JSON API: the address step, delivery options, shipping and tax on the quote.</summary>
public sealed class ShippingApiTests
{
    private static readonly object SanFrancisco = new { name = "Ada Buyer", line1 = "1 Market Street", city = "San Francisco", region = "CA", postalCode = "94103", country = "US" };
    private static readonly object London = new { name = "Ada Buyer", line1 = "10 Downing Street", city = "London", postalCode = "sw1a2aa", country = "gb" };

    [Fact]
    public async Task Complete_WithoutAnAddress_Is422AndChargesNothing_ThenTheAddressMakesItPayable()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var started = await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 2)));
        Assert.Equal(JsonValueKind.Null, started.GetProperty("shippingAddress").ValueKind);
        Assert.Equal((0L, 4980L), (started.GetProperty("shippingMinor").GetInt64(), started.GetProperty("totalMinor").GetInt64()));
        var id = started.GetProperty("checkoutSessionId").GetGuid();

        await ProblemAssert.IsAsync(await shopper.CompleteAsync(id, Cards.Approved), HttpStatusCode.UnprocessableEntity, "shipping-address-required");
        Assert.Equal("OPEN", (await CheckoutAsync(shopper, id)).GetProperty("status").GetString());
        Assert.Equal((38, 2, 0), await api.StockAsync("COF-ESPRESSO"));

        var shipped = await SetShippingAsync(shopper, id, new { shippingAddress = TestAddresses.PortlandJson }, HttpStatusCode.OK);
        Assert.Equal(("Standard", 499L, 0L, 5479L), (shipped.GetProperty("deliveryMethod").GetProperty("name").GetString(),
            shipped.GetProperty("shippingMinor").GetInt64(), shipped.GetProperty("taxMinor").GetInt64(), shipped.GetProperty("totalMinor").GetInt64()));

        var placed = await shopper.PayAsync(id);
        var order = await ApiClient.ReadAsync<JsonElement>(await shopper.SendOrderAsync(placed.OrderId, null, placed.OrderKey), HttpStatusCode.OK);
        var address = order.GetProperty("shippingAddress");
        Assert.Equal(("Portland", "OR", "97201", "US"), (address.GetProperty("city").GetString(), address.GetProperty("region").GetString(),
            address.GetProperty("postalCode").GetString(), address.GetProperty("country").GetString()));
        Assert.Equal(("Standard", 5479L), (order.GetProperty("deliveryMethod").GetProperty("name").GetString(), order.GetProperty("totalMinor").GetInt64()));
    }

    [Fact]
    public async Task SetShipping_WithABadAddress_Answers422FieldByField_AndChangesNothing()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var id = (await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 1)))).GetProperty("checkoutSessionId").GetGuid();

        var response = await shopper.PutAsync($"/api/checkouts/{id}/shipping",
            new { shippingAddress = new { name = "", line1 = "1 Main Street", city = "Portland", postalCode = "9720", country = "US" } });

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        var errors = problem.GetProperty("errors");
        Assert.Equal(["name", "postalCode", "region"], errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.All(errors.EnumerateObject(), e => Assert.False(string.IsNullOrWhiteSpace(e.Value[0].GetString())));
        Assert.Equal(JsonValueKind.Null, (await CheckoutAsync(shopper, id)).GetProperty("shippingAddress").ValueKind);
    }

    [Theory]
    [InlineData("""{"shippingAddress":{"name":"<script>alert(1)</script>","line1":"1 Main Street","city":"Portland","region":"OR","postalCode":"97201","country":"US"}}""", 422)]
    [InlineData("""{"shippingAddress":{"name":"Sam","line1":"1 Main Street\u0000","city":"Portland","region":"OR","postalCode":"97201","country":"US"}}""", 422)]
    [InlineData("""{"shippingAddress":{"name":"Sam","line1":"1 Main Street","city":"Portland","region":"OR","postalCode":"97201","country":"US","phone":"+1 (503) 555-0100; DROP TABLE orders"}}""", 422)]
    [InlineData("""{"shippingAddress":{"name":123,"line1":"1 Main Street","city":"Portland","region":"OR","postalCode":"97201","country":"US"}}""", 400)]
    [InlineData("""{"shippingAddress":"Portland"}""", 400)]
    [InlineData("""{"shippingAddress":null}""", 422)]
    public async Task SetShipping_HostileInput_IsAProblemAndStoresNothing(string body, int status)
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var id = (await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 1)))).GetProperty("checkoutSessionId").GetGuid();

        var response = await shopper.SendRawAsync(HttpMethod.Put, $"/api/checkouts/{id}/shipping", body);

        await ProblemAssert.IsAsync(response, (HttpStatusCode)status, null);
        Assert.Equal(JsonValueKind.Null, (await CheckoutAsync(shopper, id)).GetProperty("shippingAddress").ValueKind);
    }

    [Fact]
    public async Task SetShipping_AnOverlongLine_IsRefusedByItsField()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var id = (await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 1)))).GetProperty("checkoutSessionId").GetGuid();

        var response = await shopper.PutAsync($"/api/checkouts/{id}/shipping",
            new { shippingAddress = new { name = "Sam", line1 = new string('a', 10_000), city = "Portland", region = "OR", postalCode = "97201", country = "US" } });

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Equal(["line1"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task DeliveryOptions_AreTheZonesMethods_PricedForThisCheckout_CheapestFirst()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var small = (await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 2)))).GetProperty("checkoutSessionId").GetGuid();
        var large = (await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 5)))).GetProperty("checkoutSessionId").GetGuid();

        Assert.Equal([("Standard", 499L), ("Express", 1499L)], await OptionsAsync(shopper, small, "US"));
        // 124.50 is above Standard's free-from 100.00; Express is never free.
        Assert.Equal([("Standard", 0L), ("Express", 1499L)], await OptionsAsync(shopper, large, "us"));
        Assert.Equal([("International", 1999L)], await OptionsAsync(shopper, small, "GB"));
        await ProblemAssert.IsAsync(await shopper.GetAsync($"/api/checkouts/{small}/delivery-options?country=JP"), HttpStatusCode.UnprocessableEntity, "validation");
        await ProblemAssert.IsAsync(await shopper.GetAsync($"/api/checkouts/{small}/delivery-options"), HttpStatusCode.UnprocessableEntity, "validation");
    }

    [Fact]
    public async Task AChosenMethod_IsPricedEvenAboveTheFreeThreshold_AndAnotherZonesMethodIsRefused()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var id = (await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 5)))).GetProperty("checkoutSessionId").GetGuid();
        var express = await MethodIdAsync(shopper, id, "US", "Express");
        var australian = await MethodIdAsync(shopper, id, "AU", "International");

        var shipped = await SetShippingAsync(shopper, id, new { shippingAddress = TestAddresses.PortlandJson, deliveryMethodId = express }, HttpStatusCode.OK);
        Assert.Equal(("Express", 1499L, 12450L + 1499L), (shipped.GetProperty("deliveryMethod").GetProperty("name").GetString(),
            shipped.GetProperty("shippingMinor").GetInt64(), shipped.GetProperty("totalMinor").GetInt64()));

        var refused = await shopper.PutAsync($"/api/checkouts/{id}/shipping", new { shippingAddress = TestAddresses.PortlandJson, deliveryMethodId = australian });
        await ProblemAssert.IsAsync(refused, HttpStatusCode.UnprocessableEntity, "delivery-method-unavailable");
        Assert.Equal("Express", (await CheckoutAsync(shopper, id)).GetProperty("deliveryMethod").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ExclusiveTax_IsAddedPerLineAfterTheDiscount_ShippingTaxedToo()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("COF-ESPRESSO", 1), ("TEA-SENCHA", 1));

        var started = await ApiClient.ReadAsync<JsonElement>(await shopper.PostAsync("/api/checkouts",
            new { cartId, email = ApiClient.ShopperEmail, name = "Ada Buyer", promoCode = "WELCOME10", shippingAddress = SanFrancisco }), HttpStatusCode.Created);

        // 10 % off 40.80 is 4.08, spread 2.49 / 1.59 over the lines; California's 7.25 % on 22.41, 14.31 and the
        // 4.99 shipping rounds per line to 1.62 + 1.04 + 0.36.
        Assert.Equal((4080L, 408L, 499L, 302L, 4080L - 408L + 499L + 302L), (started.GetProperty("subtotalMinor").GetInt64(),
            started.GetProperty("discountMinor").GetInt64(), started.GetProperty("shippingMinor").GetInt64(),
            started.GetProperty("taxMinor").GetInt64(), started.GetProperty("totalMinor").GetInt64()));
        var tax = started.GetProperty("tax");
        Assert.Equal((7.25m, "Sales tax", false), (tax.GetProperty("ratePercent").GetDecimal(), tax.GetProperty("name").GetString(), tax.GetProperty("included").GetBoolean()));
    }

    [Fact]
    public async Task InclusiveTax_IsThePartOfThePriceThatIsTax_AndNotAdded()
    {
        await using var api = new ApiFactory(web => web.UseSetting("Checkout:TaxMode", "Inclusive"));
        using var shopper = api.Shopper();
        var id = (await StartWithoutAddressAsync(shopper, await shopper.CartWithAsync(("COF-ESPRESSO", 2)))).GetProperty("checkoutSessionId").GetGuid();

        var shipped = await SetShippingAsync(shopper, id, new { shippingAddress = London }, HttpStatusCode.OK);

        // VAT 20 % contained in 49.80 is 8.30, in the 19.99 shipping 3.33; the total is the prices alone.
        Assert.Equal((1999L, 830L + 333L, 4980L + 1999L), (shipped.GetProperty("shippingMinor").GetInt64(),
            shipped.GetProperty("taxMinor").GetInt64(), shipped.GetProperty("totalMinor").GetInt64()));
        Assert.Equal(("VAT", true), (shipped.GetProperty("tax").GetProperty("name").GetString(), shipped.GetProperty("tax").GetProperty("included").GetBoolean()));
        var address = shipped.GetProperty("shippingAddress");
        Assert.Equal(("SW1A 2AA", "GB"), (address.GetProperty("postalCode").GetString(), address.GetProperty("country").GetString()));
    }

    [Fact]
    public async Task AFreeShippingCode_MakesTheChosenMethodFree()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("COF-ESPRESSO", 1));
        var started = await ApiClient.ReadAsync<JsonElement>(await shopper.PostAsync("/api/checkouts",
            new { cartId, email = ApiClient.ShopperEmail, name = "Ada Buyer", promoCode = "FREESHIP", shippingAddress = TestAddresses.PortlandJson }), HttpStatusCode.Created);
        var id = started.GetProperty("checkoutSessionId").GetGuid();
        Assert.Equal(0L, started.GetProperty("shippingMinor").GetInt64());

        var express = await MethodIdAsync(shopper, id, "US", "Express");
        var shipped = await SetShippingAsync(shopper, id, new { shippingAddress = TestAddresses.PortlandJson, deliveryMethodId = express }, HttpStatusCode.OK);

        Assert.Equal(("Express", 0L, 2490L), (shipped.GetProperty("deliveryMethod").GetProperty("name").GetString(),
            shipped.GetProperty("shippingMinor").GetInt64(), shipped.GetProperty("totalMinor").GetInt64()));
    }

    private static async Task<JsonElement> StartWithoutAddressAsync(ApiClient shopper, Guid cartId) =>
        await ApiClient.ReadAsync<JsonElement>(
            await shopper.PostAsync("/api/checkouts", new { cartId, email = ApiClient.ShopperEmail, name = "Ada Buyer" }), HttpStatusCode.Created);

    private static async Task<JsonElement> CheckoutAsync(ApiClient shopper, Guid id) =>
        await ApiClient.ReadAsync<JsonElement>(await shopper.GetAsync($"/api/checkouts/{id}"), HttpStatusCode.OK);

    private static async Task<JsonElement> SetShippingAsync(ApiClient shopper, Guid id, object body, HttpStatusCode expected) =>
        await ApiClient.ReadAsync<JsonElement>(await shopper.PutAsync($"/api/checkouts/{id}/shipping", body), expected);

    private static async Task<(string Name, long PriceMinor)[]> OptionsAsync(ApiClient shopper, Guid id, string country) =>
        [.. (await ApiClient.ReadAsync<JsonElement>(await shopper.GetAsync($"/api/checkouts/{id}/delivery-options?country={country}"), HttpStatusCode.OK))
            .EnumerateArray().Select(o => (o.GetProperty("name").GetString()!, o.GetProperty("priceMinor").GetInt64()))];

    private static async Task<Guid> MethodIdAsync(ApiClient shopper, Guid id, string country, string name) =>
        (await ApiClient.ReadAsync<JsonElement>(await shopper.GetAsync($"/api/checkouts/{id}/delivery-options?country={country}"), HttpStatusCode.OK))
            .EnumerateArray().Single(o => o.GetProperty("name").GetString() == name).GetProperty("methodId").GetGuid();
}
