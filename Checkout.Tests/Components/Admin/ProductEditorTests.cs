using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.Inventory;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// A product's page over a real shop: a new product created through a form that shows the shop's refusal under each
/// field, an existing one changed (a new price reaching the carts at once), archived and sold again after a
/// confirmation, with its stock shown read-only and followed live.
/// </summary>
public class ProductEditorTests : AdminTestContext
{
    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(Shop.Get<ProductAdminService>());
    }

    private ProductAdminService ProductAdmin => Shop.Get<ProductAdminService>();

    [Fact]
    public async Task ANewProduct_WithBadTerms_ShowsEachFieldsMessage_ThenIsCreated_WithItsStockAudited()
    {
        var cut = RenderAdmin<ProductEditor>();
        Assert.Equal("New product", cut.Find("[data-testid=product-heading]").TextContent.Trim());

        await Field(cut, "price").SetAsync("0");
        await cut.Find("[data-testid=save-product]").PressAsync();

        Assert.Equal(["A SKU is 1–32 letters, digits or dashes."], Errors(cut, "sku"));
        Assert.Equal(["Name the product in 1–100 printable characters."], Errors(cut, "name"));
        Assert.Equal(["Name the category in 1–50 printable characters."], Errors(cut, "category"));
        Assert.Equal(["The price is more than 0 and at most USD 1000000.00."], Errors(cut, "price"));
        Assert.Equal(["Enter the shipping weight in grams (0 for a product that ships by no weight)."], Errors(cut, "weight"));
        Assert.Empty(Errors(cut, "description"));

        await Field(cut, "sku").SetAsync("gear-cup");
        await Field(cut, "name").SetAsync("Espresso Cup");
        await cut.Find("[data-testid=field-description] textarea").SetAsync("Thick walls.\nKeeps it hot.");
        await Field(cut, "category").SetAsync("Gear");
        await Field(cut, "price").SetAsync("12.50");
        await Field(cut, "weight").SetAsync("180");
        await Field(cut, "stock").SetAsync("24");
        await cut.Find("[data-testid=save-product]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("http://localhost/admin/products/GEAR-CUP", Navigation.Uri));
        var created = ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-CUP"));
        Assert.Equal(("Espresso Cup", "Thick walls.\nKeeps it hot.", "Gear", 1_250L, 180, false, 24), (
            created.Name, created.Description, created.Category, created.PriceMinor, created.WeightGrams, created.Hot, created.Available));
        await using var db = await Shop.DbAsync();
        var audit = await db.InventoryAdjustments.AsNoTracking().SingleAsync(a => a.Sku == "GEAR-CUP");
        Assert.Equal((24, AdminName), (audit.Delta, audit.Actor));
    }

    [Fact]
    public async Task ANewProduct_WithASkuThatExists_IsRefusedUnderTheSku()
    {
        await Shop.AddProductAsync("GEAR-MUG");
        var cut = RenderAdmin<ProductEditor>();

        await Field(cut, "sku").SetAsync("GEAR-MUG");
        await Field(cut, "name").SetAsync("Another mug");
        await Field(cut, "category").SetAsync("Gear");
        await Field(cut, "price").SetAsync("9");
        await Field(cut, "weight").SetAsync("300");
        await cut.Find("[data-testid=save-product]").PressAsync();

        Assert.Equal(
            ["A product with the SKU GEAR-MUG exists already (SKUs are never reused, archived products keep theirs): choose another SKU."],
            Errors(cut, "sku"));
        Assert.Equal("http://localhost/", Navigation.Uri);
        Assert.Equal("Product GEAR-MUG", ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-MUG")).Name);
    }

    [Fact]
    public async Task AProduct_ShowsItsTermsAndItsStock_WithALinkToTheInventory()
    {
        await Shop.PlaceConfirmedOrderAsync("GEAR-MUG", quantity: 2, stock: 10);
        await Shop.OpenCheckoutAsync("held@example.com", null, ("GEAR-MUG", 3));
        ResultAssert.Success(await ProductAdmin.ChangeAsync("GEAR-MUG", new ProductInput("Stoneware Mug", "Hand-glazed.", "Gear", 1_490, 400, Hot: true), "admin@shop"));

        var cut = RenderAdmin<ProductEditor>(p => p.Add(e => e.Sku, "GEAR-MUG"));

        await cut.WaitForAssertionAsync(() => Assert.Equal("Stoneware Mug", cut.Find("[data-testid=product-heading]").TextContent.Trim()));
        Assert.Equal("on sale", cut.Find("[data-testid=product-state]").TextContent.Trim());
        Assert.NotNull(cut.Find("[data-testid=product-hot]"));
        Assert.Empty(cut.FindAll("[data-testid=field-sku]"));
        Assert.Equal("Stoneware Mug", Field(cut, "name").GetAttribute("value"));
        Assert.Equal("Hand-glazed.", cut.Find("[data-testid=field-description] textarea").GetAttribute("value"));
        Assert.Equal("14.90", Field(cut, "price").GetAttribute("value"));
        Assert.Equal("400", Field(cut, "weight").GetAttribute("value"));
        Assert.Equal(("5", "3", "2"), Stock(cut));
        Assert.Equal("/admin/inventory?sku=GEAR-MUG", cut.Find("[data-testid=inventory-link]").GetAttribute("href"));
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=product-image-upload]")));
    }

    [Fact]
    public async Task ANewPrice_IsSaved_AndAnOpenCartShowsWasAndNow_WhileANewCartPaysIt()
    {
        await Shop.AddProductAsync("GEAR-MUG", priceMinor: 1_490, stock: 10);
        var open = await Shop.CartWithAsync(("GEAR-MUG", 1));
        var cut = RenderAdmin<ProductEditor>(p => p.Add(e => e.Sku, "GEAR-MUG"));
        await cut.WaitForAssertionAsync(() => Assert.Equal("14.90", Field(cut, "price").GetAttribute("value")));

        Assert.Contains("like 24.90", cut.Find("[data-testid=field-price]").TextContent, StringComparison.Ordinal);

        await Field(cut, "price").SetAsync("17.90");
        await cut.WaitForAssertionAsync(() => Assert.Contains(
            "Now USD 14.90; once saved, new carts pay USD 17.90.", cut.Find("[data-testid=field-price]").TextContent, StringComparison.Ordinal));
        await Field(cut, "weight").SetAsync("420");
        await cut.Find("[data-testid=save-product]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(
            "Saved Product GEAR-MUG. New carts pay USD 17.90; carts holding it at the old price show the change.",
            cut.Find("[data-testid=product-message]").TextContent.Trim()));
        var saved = ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-MUG"));
        Assert.Equal((1_790L, 420), (saved.PriceMinor, saved.WeightGrams));
        var problem = Assert.Single(ResultAssert.Success(await Shop.Carts.GetAsync(open)).Problems);
        Assert.Equal((CartProblemKind.PriceChanged, "The price of Product GEAR-MUG changed: was USD 14.90, now USD 17.90."), (problem.Kind, problem.Message));
        var fresh = ResultAssert.Success(await Shop.Carts.GetAsync(await Shop.CartWithAsync(("GEAR-MUG", 1))));
        Assert.Equal(1_790, Assert.Single(fresh.Lines).UnitPriceMinor);
    }

    [Fact]
    public async Task APriceWithAThirdDecimal_IsRefusedBeforeItIsSent()
    {
        await Shop.AddProductAsync("GEAR-MUG", priceMinor: 1_490);
        var cut = RenderAdmin<ProductEditor>(p => p.Add(e => e.Sku, "GEAR-MUG"));
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=field-price] input")));

        await Field(cut, "price").SetAsync("17.905");
        await cut.Find("[data-testid=save-product]").PressAsync();

        Assert.Equal(["Amounts have at most 2 decimals."], Errors(cut, "price"));
        Assert.Equal(1_490, ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-MUG")).PriceMinor);
    }

    [Fact]
    public async Task AChangeWithBadTerms_ShowsTheMessagesUnderTheirFields_AndSavesNothing()
    {
        await Shop.AddProductAsync("GEAR-MUG");
        var cut = RenderAdmin<ProductEditor>(p => p.Add(e => e.Sku, "GEAR-MUG"));
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=field-name] input")));

        await Field(cut, "name").SetAsync("");
        await cut.Find("[data-testid=field-description] textarea").SetAsync("A <i>fine</i> mug");
        await Field(cut, "weight").SetAsync("2000000");
        await cut.Find("[data-testid=save-product]").PressAsync();

        Assert.Equal(["Name the product in 1–100 printable characters."], Errors(cut, "name"));
        Assert.Equal(["A description is plain text: line breaks are kept, but no other control characters and no markup such as <b>."], Errors(cut, "description"));
        Assert.Equal(["The weight is 0 to 1,000,000 g."], Errors(cut, "weight"));
        Assert.Equal("Product GEAR-MUG", ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-MUG")).Name);
    }

    [Fact]
    public async Task Archiving_AsksFirst_ThenStopsTheSale_AndSellingAgainAsksToo()
    {
        await Shop.AddProductAsync("GEAR-MUG");
        var cut = RenderAdmin<ProductEditor>(p => p.Add(e => e.Sku, "GEAR-MUG"));
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=archive]")));

        await cut.Find("[data-testid=archive]").PressAsync();
        Assert.False(ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-MUG")).Archived);
        await cut.Find("[data-testid=cancel-archive]").PressAsync();
        await cut.Find("[data-testid=archive]").PressAsync();
        await cut.Find("[data-testid=confirm-archive]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("archived", cut.Find("[data-testid=product-state]").TextContent.Trim()));
        Assert.Equal(
            "Product GEAR-MUG is archived: it is no longer listed or sold. Its orders keep it, and it can be sold again.",
            cut.Find("[data-testid=product-message]").TextContent.Trim());
        Assert.True(ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-MUG")).Archived);
        await Eventually.TrueAsync(async () => await Shop.Get<CatalogService>().FindAsync("GEAR-MUG") is null, "the storefront no longer lists it");

        await cut.Find("[data-testid=unarchive]").PressAsync();
        await cut.Find("[data-testid=confirm-archive]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("on sale", cut.Find("[data-testid=product-state]").TextContent.Trim()));
        Assert.False(ResultAssert.Success(await ProductAdmin.GetAsync("GEAR-MUG")).Archived);
    }

    [Fact]
    public async Task TheStock_FollowsARestockLive_WithoutTouchingTheForm()
    {
        await Shop.AddProductAsync("GEAR-MUG", stock: 5);
        var cut = RenderAdmin<ProductEditor>(p => p.Add(e => e.Sku, "GEAR-MUG"));
        await cut.WaitForAssertionAsync(() => Assert.Equal(("5", "0", "0"), Stock(cut)));
        await Field(cut, "name").SetAsync("Typed but not saved");

        ResultAssert.Success(await Shop.Get<InventoryAdminService>().AdjustAsync("GEAR-MUG", 7, "Delivery", AdminName));
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));

        await cut.WaitForAssertionAsync(() => Assert.Equal(("12", "0", "0"), Stock(cut)));
        Assert.Equal("Typed but not saved", Field(cut, "name").GetAttribute("value"));
    }

    [Fact]
    public async Task AnUnknownSku_SaysSo()
    {
        var cut = RenderAdmin<ProductEditor>(p => p.Add(e => e.Sku, "NO-SUCH"));

        await cut.WaitForAssertionAsync(() => Assert.Equal("There is no product with the SKU NO-SUCH.", cut.Find("[data-testid=product-not-found]").TextContent.Trim()));
    }

    private static IElement Field(IRenderedComponent<AdminHost> cut, string field) => cut.Find($"[data-testid=field-{field}] input");

    /// <summary>The messages under a field, without the character counter the description shows beside them.</summary>
    private static string[] Errors(IRenderedComponent<AdminHost> cut, string field) =>
        [.. cut.FindAll($"[data-testid=field-{field}] .mud-input-helper-text.mud-input-error")
            .Select(e => (e.QuerySelector(".me-auto") ?? e).TextContent.Trim())];

    private static (string, string, string) Stock(IRenderedComponent<AdminHost> cut) => (
        cut.Find("[data-testid=stock-available]").TextContent.Trim(),
        cut.Find("[data-testid=stock-reserved]").TextContent.Trim(),
        cut.Find("[data-testid=stock-sold]").TextContent.Trim());
}
