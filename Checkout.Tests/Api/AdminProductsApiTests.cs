using System.Net;
using System.Text.Json;
using Checkout.Data.Catalog;
using Checkout.Data.Inventory;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Api;

/// <summary>
/// The admin API of the catalog's products: only for the admin, a product created with its opening stock, read, changed,
/// archived and sold again, each refusal with the messages of its fields, a SKU taken once, and every change reaching
/// the storefront and the carts at once.
/// </summary>
public class AdminProductsApiTests(AdminShop shop) : IClassFixture<AdminShop>
{
    private const string Mug = "GEAR-MUG";

    /// <summary>Every route, with a body that would succeed if the caller were let in.</summary>
    public static TheoryData<string, string, string?, string?> RoutesWithoutAValidKey()
    {
        (string Method, string Path, string? Body)[] routes =
        [
            ("GET", "/api/admin/products?search=mug&page=1&pageSize=20", null),
            ("POST", "/api/admin/products", """{"sku":"NEW-CUP","name":"Cup","category":"Gear","priceMinor":900,"weightGrams":200}"""),
            ("GET", $"/api/admin/products/{Mug}", null),
            ("PUT", $"/api/admin/products/{Mug}", """{"name":"Mug","category":"Gear","priceMinor":1,"weightGrams":400}"""),
            ("POST", $"/api/admin/products/{Mug}/archive", null),
            ("POST", $"/api/admin/products/{Mug}/unarchive", null),
        ];
        return WithoutAdminKey.Cases(routes);
    }

    [Theory]
    [MemberData(nameof(RoutesWithoutAValidKey))]
    public async Task Route_WithoutTheAdminKey_Is401ProblemAndChangesNothing(string method, string path, string? body, string? key)
    {
        var before = await CatalogAsync(shop.Api);

        await WithoutAdminKey.AssertRefusedAsync(shop.Api, method, path, body, key);

        Assert.Equal(before, await CatalogAsync(shop.Api));
    }

    [Fact]
    public async Task AProduct_IsCreatedReadChangedArchivedAndSoldAgain_AndTheStorefrontFollows()
    {
        using var shopper = shop.Api.Shopper();

        var createdResponse = await shop.Admin.PostAsync("/api/admin/products", new
        {
            sku = "tea-oolong", name = "Oolong Tea", description = "Rolled leaves.\nFloral.", category = "Tea", priceMinor = 1_850, weightGrams = 130, hot = false, stock = 7,
        });
        var created = await ApiClient.ReadAsync<ProductAdminView>(createdResponse, HttpStatusCode.Created);

        Assert.Equal("/api/admin/products/TEA-OOLONG", createdResponse.Headers.Location?.OriginalString);
        Assert.Equal(("TEA-OOLONG", "Oolong Tea", "Rolled leaves.\nFloral.", 1_850L, "USD", 130, 7, false), (
            created.Sku, created.Name, created.Description, created.PriceMinor, created.Currency, created.WeightGrams, created.Available, created.Archived));
        Assert.Equal(created, await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.GetAsync("/api/admin/products/tea-oolong"), HttpStatusCode.OK));
        await Eventually.TrueAsync(async () => (await shopper.ProductsAsync()).Any(p => p is { Sku: "TEA-OOLONG", PriceMinor: 1_850, Available: 7 }), "the storefront lists it");
        await using (var db = await DbAsync())
        {
            var audit = await db.InventoryAdjustments.AsNoTracking().SingleAsync(a => a.Sku == "TEA-OOLONG");
            Assert.Equal((7, InventoryAdminService.OpeningReason), (audit.Delta, audit.Reason));
        }

        var changed = await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.PutAsync("/api/admin/products/TEA-OOLONG", new
        {
            name = "Oolong Tea 100 g", description = "", category = "Tea", priceMinor = 1_950, weightGrams = 140, hot = true,
        }), HttpStatusCode.OK);

        Assert.Equal(("Oolong Tea 100 g", "", 1_950L, 140, true), (changed.Name, changed.Description, changed.PriceMinor, changed.WeightGrams, changed.Hot));
        await Eventually.TrueAsync(async () => (await shopper.ProductsAsync()).Any(p => p is { Name: "Oolong Tea 100 g", PriceMinor: 1_950 }), "the storefront shows the change");

        var archived = await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.PostAsync("/api/admin/products/TEA-OOLONG/archive"), HttpStatusCode.OK);

        Assert.True(archived.Archived);
        await Eventually.TrueAsync(async () => (await shopper.ProductsAsync()).All(p => p.Sku != "TEA-OOLONG"), "the storefront no longer lists it");
        var cartId = await shopper.NewCartAsync();
        await ProblemAssert.IsAsync(await shopper.SetItemAsync(cartId, "TEA-OOLONG", 1), HttpStatusCode.NotFound, "not-found");
        Assert.True((await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.GetAsync("/api/admin/products/TEA-OOLONG"), HttpStatusCode.OK)).Archived);

        var again = await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.PostAsync("/api/admin/products/TEA-OOLONG/unarchive"), HttpStatusCode.OK);

        Assert.False(again.Archived);
        Assert.Equal(HttpStatusCode.OK, (await shopper.SetItemAsync(cartId, "TEA-OOLONG", 1)).StatusCode);
    }

    [Fact]
    public async Task APriceChange_ShowsWasAndNowInAnOpenCart_AndANewCartPaysIt()
    {
        using var shopper = shop.Api.Shopper();
        var open = await shopper.CartWithAsync(("GEAR-FLASK", 1));
        var flask = await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.GetAsync("/api/admin/products/GEAR-FLASK"), HttpStatusCode.OK);

        await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.PutAsync("/api/admin/products/GEAR-FLASK", new
        {
            name = flask.Name, description = flask.Description, category = flask.Category, priceMinor = 3_490, weightGrams = flask.WeightGrams, hot = flask.Hot,
        }), HttpStatusCode.OK);

        var cart = await ApiClient.ReadAsync<CartDto>(await shopper.GetAsync($"/api/carts/{open}"), HttpStatusCode.OK);
        var problem = Assert.Single(cart.Problems);
        Assert.Equal(("PriceChanged", (long?)2_990, (long?)3_490), (problem.Kind, problem.WasMinor, problem.NowMinor));
        Assert.Contains("was USD 29.90, now USD 34.90", problem.Message, StringComparison.Ordinal);
        await ProblemAssert.IsAsync(await shopper.StartCheckoutAsync(open), HttpStatusCode.Conflict, "price-changed");
        var fresh = await ApiClient.ReadAsync<CartDto>(await shopper.GetAsync($"/api/carts/{await shopper.CartWithAsync(("GEAR-FLASK", 1))}"), HttpStatusCode.OK);
        Assert.Empty(fresh.Problems);
        Assert.Equal(3_490, Assert.Single(fresh.Lines).UnitPriceMinor);
    }

    [Fact]
    public async Task TheList_SearchesFiltersAndPages()
    {
        var tea = await ApiClient.ReadAsync<ProductPage>(await shop.Admin.GetAsync("/api/admin/products?category=Tea&pageSize=2&page=2"), HttpStatusCode.OK);
        var searched = await ApiClient.ReadAsync<ProductPage>(await shop.Admin.GetAsync("/api/admin/products?search=ESPRESSO"), HttpStatusCode.OK);

        Assert.Equal((2, 2), (tea.Page, tea.PageSize));
        Assert.True(tea.Total >= 4, $"{tea.Total} tea products");
        Assert.All(tea.Items, p => Assert.Equal("Tea", p.Category));
        Assert.Equal(["COF-ESPRESSO", "HOT-ESPRESSO"], searched.Items.Select(p => p.Sku).Order(StringComparer.Ordinal));
        await ProblemAssert.IsAsync(await shop.Admin.GetAsync("/api/admin/products?pageSize=500"), HttpStatusCode.UnprocessableEntity, "validation");
        await ProblemAssert.IsAsync(await shop.Admin.GetAsync("/api/admin/products?page=first"), HttpStatusCode.BadRequest, "bad-request");
    }

    [Fact]
    public async Task ArchivedProducts_AreListedOnlyWhenAsked()
    {
        var created = await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.PostAsync("/api/admin/products", new
        {
            sku = "OLD-TIN", name = "Old tin", category = "Tea", priceMinor = 500, weightGrams = 90,
        }), HttpStatusCode.Created);
        await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.PostAsync($"/api/admin/products/{created.Sku}/archive"), HttpStatusCode.OK);

        var onSale = await ApiClient.ReadAsync<ProductPage>(await shop.Admin.GetAsync("/api/admin/products?search=old-tin"), HttpStatusCode.OK);
        var all = await ApiClient.ReadAsync<ProductPage>(await shop.Admin.GetAsync("/api/admin/products?search=old-tin&archived=true"), HttpStatusCode.OK);

        Assert.Empty(onSale.Items);
        Assert.True(Assert.Single(all.Items).Archived);
    }

    [Theory]
    [InlineData("""{"sku":"BAD-1","name":"","category":"Gear","priceMinor":900,"weightGrams":200}""", "name", "Name the product in 1–100 printable characters.")]
    [InlineData("""{"sku":"BAD-2","name":"Cup","category":"Gear","priceMinor":0,"weightGrams":200}""", "priceMinor", "The price is more than 0 and at most USD 1000000.00.")]
    [InlineData("""{"sku":"BAD-3","name":"Cup","category":"Gear","priceMinor":900,"currency":"EUR","weightGrams":200}""", "currency", "Prices are in USD, the store's currency: a price in another currency cannot be set.")]
    [InlineData("""{"sku":"BAD-4","name":"Cup","category":"Gear","priceMinor":900}""", "weightGrams", "Enter the shipping weight in grams (0 for a product that ships by no weight).")]
    [InlineData("""{"sku":"BAD-5","name":"Cup","category":"Gear","priceMinor":900,"weightGrams":1000001}""", "weightGrams", "The weight is 0 to 1,000,000 g.")]
    [InlineData("""{"sku":"BAD-6","name":"Cup","description":"<script>alert(1)</script>","category":"Gear","priceMinor":900,"weightGrams":200}""", "description", "A description is plain text: line breaks are kept, but no other control characters and no markup such as <b>.")]
    [InlineData("""{"sku":"BAD 7","name":"Cup","category":"Gear","priceMinor":900,"weightGrams":200}""", "sku", "A SKU is 1–32 letters, digits or dashes.")]
    [InlineData("""{"sku":"BAD-8","name":"Cup","category":"Gear","priceMinor":900,"weightGrams":200,"stock":-1}""", "stock", "A new product opens with 0 to 100,000 units; restock it later on the inventory page.")]
    public async Task ANewProductWithBadTerms_IsRefused_WithTheFieldsMessage(string body, string field, string message)
    {
        var before = await CatalogAsync(shop.Api);

        var response = await shop.Admin.SendRawAsync(HttpMethod.Post, "/api/admin/products", body);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Equal([message], FieldErrors(problem, field));
        Assert.Equal(before, await CatalogAsync(shop.Api));
    }

    [Fact]
    public async Task AChangeWithBadTerms_IsRefused_WithEveryFieldsMessage()
    {
        var before = await CatalogAsync(shop.Api);

        var response = await shop.Admin.SendRawAsync(HttpMethod.Put, $"/api/admin/products/{Mug}", """{"name":" ","category":"Gear","priceMinor":-5,"weightGrams":-1}""");

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        Assert.Single(FieldErrors(problem, "name"));
        Assert.Single(FieldErrors(problem, "priceMinor"));
        Assert.Single(FieldErrors(problem, "weightGrams"));
        Assert.Equal(before, await CatalogAsync(shop.Api));
    }

    [Theory]
    [InlineData("GEAR-MUG")]
    [InlineData("gear-mug")]
    public async Task ASkuThatExists_IsRefused_AsAConflictOnTheSku(string sku)
    {
        var before = await CatalogAsync(shop.Api);

        var response = await shop.Admin.PostAsync("/api/admin/products", new { sku, name = "Another mug", category = "Gear", priceMinor = 900, weightGrams = 300 });

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "conflict");
        var message = "A product with the SKU GEAR-MUG exists already (SKUs are never reused, archived products keep theirs): choose another SKU.";
        Assert.Equal(message, problem.GetProperty("detail").GetString());
        Assert.Equal([message], FieldErrors(problem, "sku"));
        Assert.Equal(before, await CatalogAsync(shop.Api));
    }

    [Theory]
    [InlineData("GET", "/api/admin/products/NO-SUCH", null)]
    [InlineData("PUT", "/api/admin/products/NO-SUCH", """{"name":"Cup","category":"Gear","priceMinor":900,"weightGrams":200}""")]
    [InlineData("POST", "/api/admin/products/NO-SUCH/archive", null)]
    [InlineData("POST", "/api/admin/products/NO-SUCH/unarchive", null)]
    public async Task AnUnknownSku_Is404(string method, string path, string? body)
    {
        var response = await shop.Admin.SendRawAsync(new HttpMethod(method), path, body);

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task ACreateSentAgainWithItsIdempotencyKey_GetsTheFirstAnswer()
    {
        var key = Guid.NewGuid().ToString();
        var body = new { sku = "KEYED-CUP", name = "Cup", category = "Gear", priceMinor = 900, weightGrams = 200, stock = 3 };

        var first = await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.PostAsync("/api/admin/products", body, key), HttpStatusCode.Created);
        var replayed = await shop.Admin.PostAsync("/api/admin/products", body, key);

        Assert.Equal(first, await ApiClient.ReadAsync<ProductAdminView>(replayed, HttpStatusCode.Created));
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(3, (await ApiClient.ReadAsync<ProductAdminView>(await shop.Admin.GetAsync("/api/admin/products/KEYED-CUP"), HttpStatusCode.OK)).Available);
    }

    private Task<Checkout.Data.Persistence.CheckoutDbContext> DbAsync() =>
        shop.Api.Services.GetRequiredService<IDbContextFactory<Checkout.Data.Persistence.CheckoutDbContext>>().CreateDbContextAsync();

    /// <summary>Every product with its stock as the admin service lists it, archived ones included, one string to compare.</summary>
    private static async Task<string> CatalogAsync(ApiFactory api) =>
        JsonSerializer.Serialize(await api.Services.GetRequiredService<ProductAdminService>()
            .ListAsync(new ProductFilter(IncludeArchived: true, PageSize: ProductAdminService.MaxPageSize)));

    private static string[] FieldErrors(JsonElement problem, string field) =>
        problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var messages)
            ? [.. messages.EnumerateArray().Select(m => m.GetString()!)]
            : throw new Xunit.Sdk.XunitException($"The problem has no messages for {field}: {problem}");
}
