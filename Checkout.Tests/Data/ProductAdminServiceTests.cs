using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// Store admins run the catalog: a product is added with its audited opening stock, a SKU is taken once however many
/// admins add it at the same moment, a change of terms or price reaches the storefront and the carts at once, and an
/// archived product stops selling while its orders stay as they were.
/// </summary>
public abstract class ProductAdminServiceTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Admin = "admin@example.com";

    [Fact]
    public async Task Create_PutsTheProductOnSale_WithItsOpeningStockAudited()
    {
        await using var shop = await CreateShopAsync();
        var catalog = shop.Get<CatalogService>();
        Assert.Empty(await catalog.ListAsync());

        var created = ResultAssert.Success(await Products(shop).CreateAsync(Kettle(" cof-kettle "), Admin));

        Assert.Equal(
            ("COF-KETTLE", "Gooseneck Kettle", "A slim spout.\nFor every hob.", "Coffee", 5_400L, "USD", 1_100, false, false, 12, 0, 0),
            (created.Sku, created.Name, created.Description, created.Category, created.PriceMinor, created.Currency, created.WeightGrams,
                created.Hot, created.Archived, created.Available, created.Reserved, created.Sold));
        await using var db = await shop.DbAsync();
        var audit = Assert.Single(await db.InventoryAdjustments.AsNoTracking().Where(a => a.Sku == "COF-KETTLE").ToListAsync());
        Assert.Equal((12, InventoryAdminService.OpeningReason, Admin, TestShop.Start), (audit.Delta, audit.Reason, audit.Actor, audit.At));
        var stock = await shop.InventoryAsync("COF-KETTLE");
        Assert.Equal((12, 12), (stock.Quantity, stock.Stocked));
        await Eventually.MatchesAsync(async () => await catalog.FindAsync("COF-KETTLE"), p => p is { PriceMinor: 5_400, Available: 12 }, "the new product is listed");
    }

    [Fact]
    public async Task Create_WithoutStock_OpensItAtZero_AndSaysWhoOpenedIt()
    {
        await using var shop = await CreateShopAsync();

        var created = ResultAssert.Success(await Products(shop).CreateAsync(Kettle() with { Stock = 0 }, Admin));

        Assert.Equal(0, created.Available);
        await using var db = await shop.DbAsync();
        Assert.Equal(0, (await db.InventoryAdjustments.AsNoTracking().SingleAsync(a => a.Sku == created.Sku)).Delta);
    }

    [Theory]
    [InlineData("COF-KETTLE")]
    [InlineData("cof-kettle")]
    public async Task Create_ASkuThatExists_IsAConflictOnTheSku_AndChangesNothing(string sku)
    {
        await using var shop = await CreateShopAsync();
        var first = ResultAssert.Success(await Products(shop).CreateAsync(Kettle(), Admin));
        ResultAssert.Success(await Products(shop).ArchiveAsync(first.Sku, "admin@shop"));

        var before = await shop.SnapshotAsync(withKeys: true);
        var error = ResultAssert.Failure(await Products(shop).CreateAsync(Kettle(sku) with { Name = "Another kettle", PriceMinor = 100 }, Admin), ErrorCodes.Conflict);

        var message = "A product with the SKU COF-KETTLE exists already (SKUs are never reused, archived products keep theirs): choose another SKU.";
        Assert.Equal(message, error.Message);
        Assert.Equal([message], FieldMessages(error, "sku"));
        Assert.Equal(before, await shop.SnapshotAsync(withKeys: true));
    }

    [Fact]
    public async Task Create_EightAdminsAddingOneSkuAtOnce_OneAddsIt_TheOthersAreToldItExists()
    {
        await using var shop = await CreateShopAsync();
        var products = Products(shop);

        var created = await Race.RunAsync(8, i => products.CreateAsync(Kettle() with { Name = $"Kettle {i}", Stock = i + 1 }, $"admin{i}@example.com"));

        var winner = Assert.Single(created, c => c.IsSuccess).Value!;
        Assert.All(created.Where(c => !c.IsSuccess), c => Assert.Equal(ErrorCodes.Conflict, c.Error!.Code));
        await using var db = await shop.DbAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Sku == "COF-KETTLE");
        Assert.Equal(winner.Name, product.Name);
        var audit = Assert.Single(await db.InventoryAdjustments.AsNoTracking().Where(a => a.Sku == "COF-KETTLE").ToListAsync());
        Assert.Equal(winner.Available, audit.Delta);
        Assert.Equal(winner.Available, (await shop.InventoryAsync("COF-KETTLE")).Quantity);
    }

    [Fact]
    public async Task Create_RunAgainUnderItsRequestId_AnswersWithTheProductItAdded()
    {
        await using var shop = await CreateShopAsync();
        var request = Guid.CreateVersion7();

        var first = ResultAssert.Success(await Products(shop).CreateAsync(Kettle(), Admin, request));
        var again = ResultAssert.Success(await Products(shop).CreateAsync(Kettle(), Admin, request));
        var other = await Products(shop).CreateAsync(Kettle(), Admin, Guid.CreateVersion7());

        Assert.Equal(first, again);
        ResultAssert.Failure(other, ErrorCodes.Conflict);
        Assert.Equal(12, (await shop.InventoryAsync("COF-KETTLE")).Quantity);
    }

    [Fact]
    public async Task Change_ReplacesTheTerms_AndTheStorefrontListsThemAtOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 1_000, stock: 5, category: "Gear");
        var catalog = shop.Get<CatalogService>();
        var before = await catalog.FindAsync("MUG");
        Assert.Equal(("Product MUG", "Gear", 1_000L), (before!.Name, before.Category, before.PriceMinor));

        var changed = ResultAssert.Success(await Products(shop).ChangeAsync(
            "mug", new ProductInput("  Stoneware Mug ", "Hand-glazed.", "Kitchen", 1_490, 400, Hot: true, Currency: "usd"), "admin@shop"));

        Assert.Equal(
            ("MUG", "Stoneware Mug", "Hand-glazed.", "Kitchen", 1_490L, 400, true, false, 5),
            (changed.Sku, changed.Name, changed.Description, changed.Category, changed.PriceMinor, changed.WeightGrams, changed.Hot, changed.Archived, changed.Available));
        // Nothing but the event tells the snapshot: the fake clock never ages it.
        await Eventually.MatchesAsync(
            async () => await catalog.FindAsync("MUG"), p => p is { Name: "Stoneware Mug", Category: "Kitchen", PriceMinor: 1_490, IsHot: true },
            "the storefront's catalog shows the change");
    }

    [Fact]
    public async Task APriceChange_ShowsWasAndNowInAnOpenCart_AndANewCartPaysTheNewPrice()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 1_490, stock: 10);
        var open = await shop.CartWithAsync(("MUG", 2));
        var product = ResultAssert.Success(await Products(shop).GetAsync("MUG"));

        ResultAssert.Success(await Products(shop).ChangeAsync("MUG", Input(product) with { PriceMinor = 1_790 }, "admin@shop"));

        var cart = ResultAssert.Success(await shop.Carts.GetAsync(open));
        var problem = Assert.Single(cart.Problems);
        Assert.Equal((CartProblemKind.PriceChanged, (long?)1_490, (long?)1_790), (problem.Kind, problem.WasMinor, problem.NowMinor));
        Assert.Equal("The price of Product MUG changed: was USD 14.90, now USD 17.90.", problem.Message);
        var refused = ResultAssert.Failure(await shop.StartCheckoutAsync(open), ErrorCodes.PriceChanged);
        Assert.Contains("was USD 14.90, now USD 17.90", refused.Message, StringComparison.Ordinal);

        var fresh = ResultAssert.Success(await shop.Carts.GetAsync(await shop.CartWithAsync(("MUG", 1))));
        Assert.Empty(fresh.Problems);
        Assert.Equal(1_790, Assert.Single(fresh.Lines).UnitPriceMinor);
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(await shop.CartWithAsync(("MUG", 1))));
        Assert.Equal(1_790, Assert.Single(checkout.Lines).UnitPriceMinor);
    }

    [Fact]
    public async Task Archive_StopsSales_KeepsItsOrdersAsTheyWere_AndUnarchiveSellsItAgain()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("MUG", quantity: 2, stock: 10);
        var inCart = await shop.CartWithAsync(("MUG", 1));
        var catalog = shop.Get<CatalogService>();
        Assert.NotNull(await catalog.FindAsync("MUG"));
        var products = Products(shop);

        var archived = ResultAssert.Success(await products.ArchiveAsync("MUG", "admin@shop"));

        Assert.True(archived.Archived);
        Assert.Equal((8, 0, 2), (archived.Available, archived.Reserved, archived.Sold));
        await Eventually.TrueAsync(async () => await catalog.FindAsync("MUG") is null, "the archived product is no longer listed");
        Assert.Empty(await catalog.ListAsync());
        ResultAssert.Failure(await shop.Carts.SetQuantityAsync(await shop.Carts.CreateAsync(), "MUG", 1), ErrorCodes.NotFound);
        Assert.Equal(CartProblemKind.ItemUnavailable, Assert.Single(ResultAssert.Success(await shop.Carts.GetAsync(inCart)).Problems).Kind);
        ResultAssert.Failure(await shop.StartCheckoutAsync(inCart), ErrorCodes.InvalidCart);
        var kept = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((order.Status, order.TotalMinor), (kept.Status, kept.TotalMinor));
        Assert.Equal(order.Lines, kept.Lines);
        await using (var db = await shop.DbAsync())
        {
            Assert.True(await db.Products.AnyAsync(p => p.Sku == "MUG"));
        }
        // Archiving twice changes nothing.
        Assert.Equal(archived, ResultAssert.Success(await products.ArchiveAsync("MUG", "admin@shop")));

        var again = ResultAssert.Success(await products.UnarchiveAsync("MUG", "admin@shop"));

        Assert.False(again.Archived);
        await Eventually.TrueAsync(async () => await catalog.FindAsync("MUG") is not null, "the product is listed again");
        Assert.Empty(ResultAssert.Success(await shop.Carts.GetAsync(inCart)).Problems);
    }

    [Fact]
    public async Task List_SearchesSkuAndName_FiltersByCategory_LeavesArchivedOutUnlessAsked_AndPages()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("TEA-GREEN", category: "Tea");
        await shop.AddProductAsync("TEA-BLACK", category: "Tea");
        await shop.AddProductAsync("MUG", category: "Gear");
        await shop.AddProductAsync("KETTLE", category: "Gear");
        var products = Products(shop);
        ResultAssert.Success(await products.ChangeAsync("KETTLE", new ProductInput("Tea kettle", null, "Gear", 5_000, 1_000), "admin@shop"));
        ResultAssert.Success(await products.ArchiveAsync("TEA-BLACK", "admin@shop"));

        Assert.Equal(["Product MUG", "Product TEA-GREEN", "Tea kettle"], Names(await products.ListAsync(new ProductFilter())));
        Assert.Equal(["Product TEA-GREEN", "Tea kettle"], Names(await products.ListAsync(new ProductFilter(Search: "tea"))));
        Assert.Equal(["Product TEA-BLACK", "Product TEA-GREEN", "Tea kettle"], Names(await products.ListAsync(new ProductFilter(Search: " TEA ", IncludeArchived: true))));
        Assert.Equal(["Product TEA-GREEN"], Names(await products.ListAsync(new ProductFilter(Category: "Tea"))));
        Assert.Equal(["Gear", "Tea"], await products.CategoriesAsync());

        var page = ResultAssert.Success(await products.ListAsync(new ProductFilter(IncludeArchived: true, Page: 2, PageSize: 3)));
        Assert.Equal((2, 3, 4), (page.Page, page.PageSize, page.Total));
        Assert.Equal(["Tea kettle"], page.Items.Select(p => p.Name));
        var archived = ResultAssert.Success(await products.ListAsync(new ProductFilter(Search: "black", IncludeArchived: true))).Items.Single();
        Assert.True(archived.Archived);
        ResultAssert.Failure(await products.ListAsync(new ProductFilter(PageSize: ProductAdminService.MaxPageSize + 1)), ErrorCodes.Validation);
        ResultAssert.Failure(await products.ListAsync(new ProductFilter(Page: 0)), ErrorCodes.Validation);
        ResultAssert.Failure(await products.ListAsync(new ProductFilter(Search: new string('x', 101))), ErrorCodes.Validation);
    }

    [Fact]
    public async Task AnUnknownSku_IsNotFound_AndAMalformedOneIsRefused()
    {
        await using var shop = await CreateShopAsync();
        var products = Products(shop);
        var input = new ProductInput("Mug", null, "Gear", 1_000, 300);

        ResultAssert.Failure(await products.GetAsync("NOPE"), ErrorCodes.NotFound);
        ResultAssert.Failure(await products.ChangeAsync("NOPE", input, "admin@shop"), ErrorCodes.NotFound);
        ResultAssert.Failure(await products.ArchiveAsync("NOPE", "admin@shop"), ErrorCodes.NotFound);
        ResultAssert.Failure(await products.UnarchiveAsync("NOPE", "admin@shop"), ErrorCodes.NotFound);
        ResultAssert.Failure(await products.GetAsync("NO PE"), ErrorCodes.Validation);
        ResultAssert.Failure(await products.ChangeAsync("NO/PE", input, "admin@shop"), ErrorCodes.Validation);
    }

    private static ProductAdminService Products(TestShop shop) => shop.Get<ProductAdminService>();

    private static NewProductInput Kettle(string sku = "COF-KETTLE") =>
        new(sku, "Gooseneck Kettle", " A slim spout.\nFor every hob. ", "Coffee", 5_400, 1_100, Stock: 12);

    private static ProductInput Input(ProductAdminView p) => new(p.Name, p.Description, p.Category, p.PriceMinor, p.WeightGrams, p.Hot);

    private static List<string> Names(Result<ProductPage> page) => [.. ResultAssert.Success(page).Items.Select(p => p.Name)];

    private static string[] FieldMessages(Error error, string field) =>
        ((IReadOnlyDictionary<string, string[]>)error.Details!["errors"]!)[field];
}

public sealed class ProductAdminServiceTestsOnSqlite() : ProductAdminServiceTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class ProductAdminServiceTestsOnPostgreSQL() : ProductAdminServiceTests(DatabaseProvider.PostgreSQL);

/// <summary>
/// Each rule of a product's terms, refused with its field's message in the shop's own words before anything is read or
/// written; a product's currency is the store's, and no other.
/// </summary>
public sealed class ProductRulesTests : IAsyncLifetime
{
    private const string PlainText = "A description is plain text: line breaks are kept, but no other control characters and no markup such as <b>.";
    private const string Price = "The price is more than 0 and at most USD 1000000.00.";

    private static readonly ProductInput Valid = new("Mug", "A mug.", "Gear", 1_490, 400);

    private TestShop _shop = null!;

    public async Task InitializeAsync()
    {
        _shop = await TestShop.CreateAsync();
        await _shop.AddProductAsync("MUG");
    }

    public async Task DisposeAsync() => await _shop.DisposeAsync();

    public static TheoryData<string, ProductInput, string, string> BadTerms() => new()
    {
        { "no name", Valid with { Name = " " }, "name", "Name the product in 1–100 printable characters." },
        { "long name", Valid with { Name = new string('n', 101) }, "name", "Name the product in 1–100 printable characters." },
        { "name with a line break", Valid with { Name = "Mug\nLarge" }, "name", "Name the product in 1–100 printable characters." },
        { "long description", Valid with { Description = new string('d', 2_001) }, "description", "A description is at most 2,000 characters." },
        { "markup", Valid with { Description = "A <b>bold</b> mug" }, "description", PlainText },
        { "a control character", Valid with { Description = "A mug\u0007" }, "description", PlainText },
        { "no category", Valid with { Category = null }, "category", "Name the category in 1–50 printable characters." },
        { "long category", Valid with { Category = new string('c', 51) }, "category", "Name the category in 1–50 printable characters." },
        { "no price", Valid with { PriceMinor = null }, "priceMinor", "Enter the price." },
        { "a price of 0", Valid with { PriceMinor = 0 }, "priceMinor", Price },
        { "a negative price", Valid with { PriceMinor = -100 }, "priceMinor", Price },
        { "a price past the highest", Valid with { PriceMinor = Product.MaxPriceMinor + 1 }, "priceMinor", Price },
        { "another currency", Valid with { Currency = "EUR" }, "currency", "Prices are in USD, the store's currency: a price in another currency cannot be set." },
        { "no weight", Valid with { WeightGrams = null }, "weightGrams", "Enter the shipping weight in grams (0 for a product that ships by no weight)." },
        { "a negative weight", Valid with { WeightGrams = -1 }, "weightGrams", "The weight is 0 to 1,000,000 g." },
        { "over a tonne", Valid with { WeightGrams = 1_000_001 }, "weightGrams", "The weight is 0 to 1,000,000 g." },
    };

    [Theory]
    [MemberData(nameof(BadTerms))]
    public async Task BadTerms_AreRefusedOnTheirField_WhenChanged_AndWhenCreated(string why, ProductInput input, string field, string message)
    {
        var before = await _shop.SnapshotAsync(withKeys: true);
        var products = _shop.Get<ProductAdminService>();

        var changed = ResultAssert.Failure(await products.ChangeAsync("MUG", input, "admin@shop"), ErrorCodes.Validation);
        var created = ResultAssert.Failure(await products.CreateAsync(New(input), "admin"), ErrorCodes.Validation);

        foreach (var error in new[] { changed, created })
        {
            Assert.True(FieldMessages(error).TryGetValue(field, out var messages), $"{why}: no message for {field} in {error.Message}");
            Assert.Equal([message], messages);
            Assert.Equal($"Check the product: {message}", error.Message);
        }
        Assert.Equal(before, await _shop.SnapshotAsync(withKeys: true));
    }

    [Theory]
    [InlineData("", "sku", "A SKU is 1–32 letters, digits or dashes.")]
    [InlineData("MUG BIG", "sku", "A SKU is 1–32 letters, digits or dashes.")]
    [InlineData("MUG-LARGE-WITH-A-SKU-OF-33-CHARS1", "sku", "A SKU is 1–32 letters, digits or dashes.")]
    public async Task ABadSku_IsRefusedOnTheSku(string sku, string field, string message)
    {
        var error = ResultAssert.Failure(await _shop.Get<ProductAdminService>().CreateAsync(New(Valid) with { Sku = sku }, "admin"), ErrorCodes.Validation);

        Assert.Equal([message], FieldMessages(error)[field]);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(100_001)]
    public async Task AnOpeningStockOutOfRange_IsRefusedOnTheStock(int stock)
    {
        var error = ResultAssert.Failure(await _shop.Get<ProductAdminService>().CreateAsync(New(Valid) with { Stock = stock }, "admin"), ErrorCodes.Validation);

        Assert.Equal(["A new product opens with 0 to 100,000 units; restock it later on the inventory page."], FieldMessages(error)["stock"]);
    }

    [Fact]
    public async Task EveryBadField_IsReportedAtOnce()
    {
        var error = ResultAssert.Failure(
            await _shop.Get<ProductAdminService>().ChangeAsync("MUG", new ProductInput(null, null, null, null, null, Currency: "GBP"), "admin@shop"), ErrorCodes.Validation);

        Assert.Equal(["category", "currency", "name", "priceMinor", "weightGrams"], FieldMessages(error).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("Fits cups < 9 cm and > 6 cm.")]
    [InlineData("Line one\r\nLine two\tand a tab")]
    [InlineData("")]
    [InlineData(null)]
    public async Task PlainTextDescriptions_AreKept(string? description)
    {
        var changed = ResultAssert.Success(await _shop.Get<ProductAdminService>().ChangeAsync("MUG", Valid with { Description = description }, "admin@shop"));

        Assert.Equal(description?.Trim() ?? "", changed.Description);
    }

    private static NewProductInput New(ProductInput input) =>
        new("MUG-NEW", input.Name, input.Description, input.Category, input.PriceMinor, input.WeightGrams, input.Hot, Currency: input.Currency);

    private static IReadOnlyDictionary<string, string[]> FieldMessages(Error error) => (IReadOnlyDictionary<string, string[]>)error.Details!["errors"]!;
}
