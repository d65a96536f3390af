using System.Net;
using System.Text.Json;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Persistence;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Api;

/// <summary>
/// The admin API of shipping zones, delivery methods and tax rates: only for the admin, each refusal with the messages
/// of its fields, a country in one zone only and a destination in one tax row only, and every change reaching the next
/// checkout a shopper starts.
/// </summary>
public class AdminDeliveryApiTests(AdminShop shop) : IClassFixture<AdminShop>
{
    private const string Unknown = "00000000-0000-0000-0000-000000000001";

    /// <summary>The seeded US Standard method (4.99, free from 100.00).</summary>
    private const string UsStandard = "6f1a1c52-0002-4000-8000-000000000001";

    /// <summary>The seeded Canadian GST row (5 %).</summary>
    private const string CanadaGst = "6f1a1c52-0003-4000-8000-000000000005";

    private static readonly string UsZone = ShippingZoneConfiguration.UnitedStates.ToString();

    /// <summary>Every route, with a body that would succeed if the caller were let in.</summary>
    public static TheoryData<string, string, string?, string?> RoutesWithoutAValidKey()
    {
        (string Method, string Path, string? Body)[] routes =
        [
            ("GET", "/api/admin/shipping-zones", null),
            ("POST", "/api/admin/shipping-zones", """{"name":"Anywhere","countries":["NL"]}"""),
            ("PUT", $"/api/admin/shipping-zones/{UsZone}", """{"name":"USA","countries":["US"]}"""),
            ("DELETE", $"/api/admin/shipping-zones/{UsZone}", null),
            ("POST", $"/api/admin/shipping-zones/{UsZone}/methods", """{"name":"Courier","rateMinor":900}"""),
            ("PUT", $"/api/admin/delivery-methods/{UsStandard}", """{"name":"Standard","rateMinor":0,"active":false}"""),
            ("GET", "/api/admin/tax-rates", null),
            ("POST", "/api/admin/tax-rates", """{"country":"US","region":"OR","ratePercent":5,"name":"Sales tax"}"""),
            ("PUT", $"/api/admin/tax-rates/{CanadaGst}", """{"ratePercent":0,"name":"GST"}"""),
            ("DELETE", $"/api/admin/tax-rates/{CanadaGst}", null),
        ];
        return WithoutAdminKey.Cases(routes);
    }

    [Theory]
    [MemberData(nameof(RoutesWithoutAValidKey))]
    public async Task Route_WithoutTheAdminKey_Is401ProblemAndChangesNothing(string method, string path, string? body, string? key)
    {
        var before = await TablesAsync(shop.Api);

        await WithoutAdminKey.AssertRefusedAsync(shop.Api, method, path, body, key);

        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Fact]
    public async Task Zones_AreCreatedRenamedAndDeleted_ACountryMovingBetweenThem()
    {
        await using var api = new ApiFactory();
        using var admin = api.Admin();
        var europe = (await ZonesAsync(admin)).Single(z => z.Countries.Contains("NL"));

        var shrunk = await ApiClient.ReadAsync<ShippingZoneView>(
            await admin.PutAsync($"/api/admin/shipping-zones/{europe.Id}", new { name = "United Kingdom, Germany and France", countries = new[] { "GB", "DE", "FR" } }),
            HttpStatusCode.OK);
        var createdResponse = await admin.PostAsync("/api/admin/shipping-zones", new { name = "Benelux", countries = new[] { " nl " } });
        var created = await ApiClient.ReadAsync<ShippingZoneView>(createdResponse, HttpStatusCode.Created);
        var renamed = await ApiClient.ReadAsync<ShippingZoneView>(
            await admin.PutAsync($"/api/admin/shipping-zones/{created.Id}", new { name = "Netherlands", countries = new[] { "NL" } }), HttpStatusCode.OK);

        Assert.Equal(["DE", "FR", "GB"], shrunk.Countries);
        Assert.Equal(europe.Methods, shrunk.Methods);
        Assert.Equal($"/api/admin/shipping-zones/{created.Id}", createdResponse.Headers.Location?.OriginalString);
        Assert.Equal(("Benelux", 0), (created.Name, created.Methods.Count));
        Assert.Equal(["NL"], created.Countries);
        Assert.Equal("Netherlands", renamed.Name);
        Assert.Equal(["NL"], renamed.Countries);
        Assert.Contains(await ZonesAsync(admin), z => z.Id == created.Id && z.Name == "Netherlands");

        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendRawAsync(HttpMethod.Delete, $"/api/admin/shipping-zones/{created.Id}", null)).StatusCode);
        Assert.DoesNotContain(await ZonesAsync(admin), z => z.Id == created.Id);
    }

    [Theory]
    [InlineData("POST", "/api/admin/shipping-zones", "Germany", "United Kingdom and Europe")]
    [InlineData("PUT", "/api/admin/shipping-zones/6f1a1c52-0001-4000-8000-000000000002", "United States", "United States")]
    public async Task ACountryAnotherZoneHolds_IsRefused_NamingThatZone(string method, string path, string country, string holder)
    {
        var before = await TablesAsync(shop.Api);
        var body = method == "POST" ? """{"name":"Germany only","countries":["DE"]}""" : """{"name":"North America","countries":["CA","US"]}""";

        var response = await shop.Admin.SendRawAsync(new HttpMethod(method), path, body);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "conflict");
        var expected = $"{country} is in the zone “{holder}” already: take it out of that zone first.";
        Assert.Equal(expected, problem.GetProperty("detail").GetString());
        Assert.Equal([expected], FieldErrors(problem, "countries"));
        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Fact]
    public async Task AZoneWithMethods_IsNotDeleted()
    {
        var before = await TablesAsync(shop.Api);

        var response = await shop.Admin.SendRawAsync(HttpMethod.Delete, $"/api/admin/shipping-zones/{UsZone}", null);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "conflict");
        Assert.Contains("deactivate them", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Fact]
    public async Task Methods_AreAddedChangedAndDeactivated_AndANewCheckoutPaysWhatTheyCostNow()
    {
        await using var api = new ApiFactory();
        using var admin = api.Admin();
        Assert.Equal((499, "Standard"), Shipping(await NewCheckoutAsync(api)));

        var addedResponse = await admin.PostAsync($"/api/admin/shipping-zones/{UsZone}/methods", new { name = "Same day", rateMinor = 2500, sortOrder = 3 });
        var added = await ApiClient.ReadAsync<DeliveryMethodView>(addedResponse, HttpStatusCode.Created);
        var changed = await ApiClient.ReadAsync<DeliveryMethodView>(
            await admin.PutAsync($"/api/admin/delivery-methods/{UsStandard}", new { name = "Standard", description = "4–6 business days", rateMinor = 750, freeFromMinor = 10_000, sortOrder = 1 }),
            HttpStatusCode.OK);

        Assert.Equal($"/api/admin/delivery-methods/{added.Id}", addedResponse.Headers.Location?.OriginalString);
        Assert.Equal((ShippingZoneConfiguration.UnitedStates, "Same day", 2500L, (long?)null, true), (added.ZoneId, added.Name, added.RateMinor, added.FreeFromMinor, added.Active));
        Assert.Equal(("4–6 business days", 750L, true), (changed.Description, changed.RateMinor, changed.Active));
        Assert.Equal((750, "Standard"), Shipping(await NewCheckoutAsync(api)));

        var deactivated = await ApiClient.ReadAsync<DeliveryMethodView>(
            await admin.PutAsync($"/api/admin/delivery-methods/{UsStandard}", new { name = "Standard", rateMinor = 750, freeFromMinor = 10_000, sortOrder = 1, active = false }),
            HttpStatusCode.OK);

        Assert.False(deactivated.Active);
        // The cheapest method still offered.
        Assert.Equal((1499, "Express"), Shipping(await NewCheckoutAsync(api)));
        var us = (await ZonesAsync(admin)).Single(z => z.Id == ShippingZoneConfiguration.UnitedStates);
        Assert.Equal([("Standard", false), ("Express", true), ("Same day", true)], us.Methods.Select(m => (m.Name, m.Active)));
    }

    [Fact]
    public async Task AMethodsRatePerKilogram_IsSetAndShown_AndANewCheckoutPaysItForEachStartedKilogram()
    {
        await using var api = new ApiFactory();
        using var admin = api.Admin();
        // One tote (250 g): one started kilogram.
        Assert.Equal((499, "Standard"), Shipping(await NewCheckoutAsync(api)));

        var changed = await ApiClient.ReadAsync<DeliveryMethodView>(
            await admin.PutAsync($"/api/admin/delivery-methods/{UsStandard}", new { name = "Standard", rateMinor = 499, freeFromMinor = 10_000, sortOrder = 1, perKgMinor = 120 }),
            HttpStatusCode.OK);
        var added = await ApiClient.ReadAsync<DeliveryMethodView>(
            await admin.PostAsync($"/api/admin/shipping-zones/{UsZone}/methods", new { name = "Freight", rateMinor = 0, perKgMinor = 90, sortOrder = 3 }),
            HttpStatusCode.Created);

        Assert.Equal(120, changed.PerKgMinor);
        Assert.Equal(90, added.PerKgMinor);
        Assert.Contains(await ZonesAsync(admin), z => z.Methods.Any(m => m.Id == changed.Id && m.PerKgMinor == 120));
        // Freight: 0 + 90 for the one started kilogram, now the cheapest.
        Assert.Equal((90, "Freight"), Shipping(await NewCheckoutAsync(api)));

        var flat = await ApiClient.ReadAsync<DeliveryMethodView>(
            await admin.PutAsync($"/api/admin/delivery-methods/{added.Id}", new { name = "Freight", rateMinor = 0, sortOrder = 3 }), HttpStatusCode.OK);

        // A change that does not send it has none: the method is free again.
        Assert.Equal(0, flat.PerKgMinor);
        Assert.Equal((0, "Freight"), Shipping(await NewCheckoutAsync(api)));
    }

    [Theory]
    [InlineData("""{"name":"","rateMinor":-1,"freeFromMinor":-5}""", "name", "Name the method in 1–60 printable characters.")]
    [InlineData("""{"name":"Courier","rateMinor":500,"perKgMinor":-1}""", "perKgMinor", "The rate per started kilogram is 0 (a flat rate) up to USD 100000.00.")]
    [InlineData("""{"name":"Courier","rateMinor":-1}""", "rateMinor", "The rate is 0 (free) up to USD 100000.00.")]
    [InlineData("""{"name":"Courier"}""", "rateMinor", "Enter the rate (0 for free delivery).")]
    [InlineData("""{"name":"Courier","rateMinor":500,"freeFromMinor":-5}""", "freeFromMinor", "Free from is an amount from 0 up to USD 100000.00, or empty for never free.")]
    [InlineData("""{"name":"Courier","rateMinor":500,"description":"line\nbreak"}""", "description", "A description is at most 100 printable characters.")]
    public async Task AMethodWithBadTerms_IsRefused_WithTheFieldsMessages(string body, string field, string message)
    {
        var before = await TablesAsync(shop.Api);

        var added = await shop.Admin.SendRawAsync(HttpMethod.Post, $"/api/admin/shipping-zones/{UsZone}/methods", body);
        var changed = await shop.Admin.SendRawAsync(HttpMethod.Put, $"/api/admin/delivery-methods/{UsStandard}", body);

        foreach (var response in new[] { added, changed })
        {
            var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
            Assert.Contains(message, FieldErrors(problem, field));
        }
        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Fact]
    public async Task TaxRates_AreAddedChangedAndDeleted_AndANewCheckoutIsTaxedAtTheRateOfNow()
    {
        await using var api = new ApiFactory();
        using var admin = api.Admin();
        // Oregon has no row: no tax.
        Assert.Equal((0m, 0L), Taxed(await NewCheckoutAsync(api)));

        var addedResponse = await admin.PostAsync("/api/admin/tax-rates", new { country = "us", region = "or", ratePercent = 8.875m, name = "Sales tax" });
        var added = await ApiClient.ReadAsync<TaxRateView>(addedResponse, HttpStatusCode.Created);

        Assert.Equal($"/api/admin/tax-rates/{added.Id}", addedResponse.Headers.Location?.OriginalString);
        Assert.Equal(("US", "OR", 8.875m, "Sales tax"), (added.Country, added.Region, added.RatePercent, added.Name));
        Assert.Equal((8.875m, ExpectedTax(8.875m)), Taxed(await NewCheckoutAsync(api)));

        var changed = await ApiClient.ReadAsync<TaxRateView>(
            await admin.PutAsync($"/api/admin/tax-rates/{added.Id}", new { ratePercent = 0.5m, name = "State tax" }), HttpStatusCode.OK);

        Assert.Equal((0.5m, "State tax"), (changed.RatePercent, changed.Name));
        var checkout = await NewCheckoutAsync(api);
        Assert.Equal((0.5m, ExpectedTax(0.5m), "State tax"), (checkout.Tax!.RatePercent, checkout.TaxMinor, checkout.Tax.Name));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.SendRawAsync(HttpMethod.Delete, $"/api/admin/tax-rates/{added.Id}", null)).StatusCode);
        Assert.Equal((0m, 0L), Taxed(await NewCheckoutAsync(api)));
        var rates = await ApiClient.ReadAsync<List<TaxRateView>>(await admin.GetAsync("/api/admin/tax-rates"), HttpStatusCode.OK);
        Assert.DoesNotContain(rates, r => r.Id == added.Id);
        Assert.Equal(12, rates.Count);
    }

    [Theory]
    [InlineData("""{"country":"CA","ratePercent":6,"name":"GST"}""", "country", "Canada as a whole has a rate already: GST at 5 %. Change that row instead.")]
    [InlineData("""{"country":"us","region":"ca","ratePercent":8,"name":"Sales tax"}""", "region", "CA (United States) has a rate already: Sales tax at 7.25 %. Change that row instead.")]
    public async Task ASecondRowForADestination_IsRefused(string body, string field, string message)
    {
        var before = await TablesAsync(shop.Api);

        var response = await shop.Admin.SendRawAsync(HttpMethod.Post, "/api/admin/tax-rates", body);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(message, problem.GetProperty("detail").GetString());
        Assert.Equal([message], FieldErrors(problem, field));
        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Theory]
    [InlineData("""{"country":"US","region":"OR","ratePercent":100.5,"name":"Sales tax"}""", "ratePercent", "A rate is between 0 and 100 %.")]
    [InlineData("""{"country":"US","region":"OR","ratePercent":-1,"name":"Sales tax"}""", "ratePercent", "A rate is between 0 and 100 %.")]
    [InlineData("""{"country":"US","region":"OR","ratePercent":8.8755,"name":"Sales tax"}""", "ratePercent", "A rate has at most three decimals, like 8.875.")]
    [InlineData("""{"country":"US","region":"OR","name":"Sales tax"}""", "ratePercent", "Enter the rate in percent (0 for none).")]
    [InlineData("""{"country":"US","region":"OR","ratePercent":5,"name":" "}""", "name", "Name the tax as the receipt shows it (Sales tax, VAT, GST…) in 1–40 printable characters.")]
    [InlineData("""{"country":"MX","ratePercent":16,"name":"IVA"}""", "country", "The shop does not ship to MX; choose among the countries it ships to.")]
    [InlineData("""{"ratePercent":16,"name":"IVA"}""", "country", "Choose a country.")]
    [InlineData("""{"country":"US","region":"Oregon","ratePercent":5,"name":"Sales tax"}""", "region", "Choose a region of United States by its code, like AL, or none for the whole country.")]
    [InlineData("""{"country":"DE","region":"BY","ratePercent":19,"name":"VAT"}""", "region", "Germany has no regions with rates of their own: leave the region empty.")]
    public async Task ABadRate_IsRefused_WithTheFieldsMessages(string body, string field, string message)
    {
        var before = await TablesAsync(shop.Api);

        var response = await shop.Admin.SendRawAsync(HttpMethod.Post, "/api/admin/tax-rates", body);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Equal([message], FieldErrors(problem, field));
        Assert.Equal($"Check the tax rate: {message}", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Fact]
    public async Task AChangeToABadRate_IsRefused_WithEveryFieldsMessages()
    {
        var before = await TablesAsync(shop.Api);

        var response = await shop.Admin.SendRawAsync(HttpMethod.Put, $"/api/admin/tax-rates/{CanadaGst}", """{"ratePercent":101,"name":""}""");

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Equal(["A rate is between 0 and 100 %."], FieldErrors(problem, "ratePercent"));
        Assert.Single(FieldErrors(problem, "name"));
        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Theory]
    [InlineData("PUT", "/api/admin/shipping-zones/{unknown}", """{"name":"Nowhere","countries":["NL"]}""")]
    [InlineData("DELETE", "/api/admin/shipping-zones/{unknown}", null)]
    [InlineData("POST", "/api/admin/shipping-zones/{unknown}/methods", """{"name":"Courier","rateMinor":900}""")]
    [InlineData("PUT", "/api/admin/delivery-methods/{unknown}", """{"name":"Courier","rateMinor":900}""")]
    [InlineData("PUT", "/api/admin/tax-rates/{unknown}", """{"ratePercent":5,"name":"VAT"}""")]
    [InlineData("DELETE", "/api/admin/tax-rates/{unknown}", null)]
    public async Task AnUnknownId_Is404(string method, string path, string? body)
    {
        var before = await TablesAsync(shop.Api);

        var response = await shop.Admin.SendRawAsync(new HttpMethod(method), path.Replace("{unknown}", Unknown, StringComparison.Ordinal), body);

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not-found");
        Assert.Equal(before, await TablesAsync(shop.Api));
    }

    [Fact]
    public async Task ACreateRunAgainUnderItsRequestId_AnswersWithWhatTheFirstRunMade()
    {
        await using var shop = await TestShop.CreateAsync();
        var delivery = shop.Get<DeliveryAdminService>();
        var tax = shop.Get<TaxAdminService>();
        var europe = (await delivery.ListAsync()).Single(z => z.Id == ShippingZoneConfiguration.Europe);
        ResultAssert.Success(await delivery.ChangeZoneAsync(europe.Id, new ShippingZoneInput(europe.Name, ["GB", "DE", "FR"]), "admin@shop"));
        var (zoneRequest, methodRequest, rateRequest) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());

        // A second run would otherwise be refused: the first holds the country and the destination.
        var zone = ResultAssert.Success(await delivery.CreateZoneAsync(new ShippingZoneInput("Benelux", ["NL"]), "admin@shop", zoneRequest));
        var method = ResultAssert.Success(await delivery.AddMethodAsync(zone.Id, new DeliveryMethodInput("Post", null, 900), "admin@shop", methodRequest));
        var rate = ResultAssert.Success(await tax.AddAsync(new TaxRateInput("US", "OR", 5m, "Sales tax"), "admin@shop", rateRequest));

        var zoneAgain = ResultAssert.Success(await delivery.CreateZoneAsync(new ShippingZoneInput("Benelux", ["NL"]), "admin@shop", zoneRequest));
        var methodAgain = ResultAssert.Success(await delivery.AddMethodAsync(zone.Id, new DeliveryMethodInput("Post", null, 900), "admin@shop", methodRequest));
        var rateAgain = ResultAssert.Success(await tax.AddAsync(new TaxRateInput("US", "OR", 5m, "Sales tax"), "admin@shop", rateRequest));

        Assert.Equal((zoneRequest, "Benelux"), (zoneAgain.Id, zoneAgain.Name));
        Assert.Equal([method], zoneAgain.Methods);
        Assert.Equal(method, methodAgain);
        Assert.Equal(rate, rateAgain);
        Assert.Single(await delivery.ListAsync(), z => z.Name == "Benelux");
        Assert.Single(await tax.ListAsync(), r => r.Region == "OR");
    }

    /// <summary>A new checkout of one tote (19.00, below every free-shipping amount) to <see cref="TestAddresses.Portland"/>, as a shopper starts it.</summary>
    private static async Task<CheckoutView> NewCheckoutAsync(ApiFactory api)
    {
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("GEAR-TOTE", 1));
        return ResultAssert.Success(await api.Services.GetRequiredService<CheckoutService>()
            .StartAsync(new StartCheckout(cartId, ApiClient.ShopperEmail, "Sam Shopper", ShippingAddress: TestAddresses.Portland)));
    }

    private static (long, string) Shipping(CheckoutView checkout) => (checkout.ShippingMinor, checkout.Delivery!.MethodName);

    private static (decimal, long) Taxed(CheckoutView checkout) => (checkout.Tax?.RatePercent ?? 0m, checkout.TaxMinor);

    /// <summary>The tax of <see cref="NewCheckoutAsync"/>'s order at <paramref name="rate"/>: the tote and its 4.99 shipping, each rounded.</summary>
    private static long ExpectedTax(decimal rate) => TaxCalculator.Compute([1900], 0, 499, rate, included: false).TaxMinor;

    private static async Task<IReadOnlyList<ShippingZoneView>> ZonesAsync(ApiClient admin) =>
        await ApiClient.ReadAsync<List<ShippingZoneView>>(await admin.GetAsync("/api/admin/shipping-zones"), HttpStatusCode.OK);

    /// <summary>The zones, methods and tax rates as the admin services list them, one string to compare.</summary>
    private static async Task<string> TablesAsync(ApiFactory api) =>
        JsonSerializer.Serialize(new
        {
            Zones = await api.Services.GetRequiredService<DeliveryAdminService>().ListAsync(),
            Rates = await api.Services.GetRequiredService<TaxAdminService>().ListAsync(),
        });

    private static string[] FieldErrors(JsonElement problem, string field) =>
        problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages)
            ? [.. messages.EnumerateArray().Select(m => m.GetString()!)]
            : throw new Xunit.Sdk.XunitException($"The problem has no messages for {field}: {problem}");
}
