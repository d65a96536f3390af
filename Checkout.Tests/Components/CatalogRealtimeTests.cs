using Bunit;
using Checkout.Data.Inventory;
using Checkout.Data.Realtime;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Components.Shared;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Components;

/// <summary>
/// An open catalog follows the stock as other shoppers hold it and admins restock it, without a reload: the test
/// only changes the shop and waits for the page, it never re-renders it.
/// </summary>
public class CatalogRealtimeTests : ComponentTestContext
{
    [Fact]
    public async Task AnotherShopperHoldingUnits_LowersTheCountOnTheOpenPage()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var cut = await RenderCatalogAsync();
        Assert.DoesNotContain("left", CardText(cut, "MUG"), StringComparison.Ordinal);

        await Shop.OpenCheckoutAsync("other@example.com", null, ("MUG", 3));

        await cut.WaitForAssertionAsync(() => Assert.Contains("Only 2 left", CardText(cut, "MUG"), StringComparison.Ordinal));
        Assert.Equal(2, Card(cut, "MUG").Instance.Product.Available);
    }

    [Fact]
    public async Task AnotherShopperHoldingTheLastUnit_SellsItOutOnTheOpenPage_AndOffersTheWaitlist()
    {
        await Shop.AddProductAsync("MUG", stock: 1);
        await Shop.AddProductAsync("TOTE", stock: 5);
        var cut = await RenderCatalogAsync();
        Assert.False(AddButton(cut, "MUG").HasAttribute("disabled"));

        await Shop.OpenCheckoutAsync("other@example.com", null, ("MUG", 1));

        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Contains("Out of stock", CardText(cut, "MUG"), StringComparison.Ordinal);
            Assert.True(AddButton(cut, "MUG").HasAttribute("disabled"));
            Assert.Single(cut.FindAll("button[aria-label='Join the waitlist for Product MUG']"));
        });
        // Only the held product changed.
        Assert.False(AddButton(cut, "TOTE").HasAttribute("disabled"));
        Assert.DoesNotContain("Out of stock", CardText(cut, "TOTE"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdminRestock_PutsASoldOutProductBackOnSaleOnTheOpenPage()
    {
        await Shop.AddProductAsync("MUG", stock: 0);
        var cut = await RenderCatalogAsync();
        Assert.True(AddButton(cut, "MUG").HasAttribute("disabled"));

        var restocked = await Shop.Get<InventoryAdminService>().AdjustAsync("MUG", 2, "Delivery arrived", "admin@example.com");
        ResultAssert.Success(restocked);

        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Contains("Only 2 left", CardText(cut, "MUG"), StringComparison.Ordinal);
            Assert.False(AddButton(cut, "MUG").HasAttribute("disabled"));
        });
    }

    [Fact]
    public async Task SoldOutWithNothingHeld_OffersNoWaitlist()
    {
        await Shop.AddProductAsync("MUG", stock: 1);
        var cut = await RenderCatalogAsync();

        // Sold by an admin's correction, not held: there is nothing to wait for.
        await Shop.Get<CheckoutEvents>().PublishAsync(new StockChanged("MUG", Available: 0, Reserved: 0));

        await cut.WaitForAssertionAsync(() => Assert.Contains("Out of stock", CardText(cut, "MUG"), StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("button[aria-label='Join the waitlist for Product MUG']"));
    }

    [Fact]
    public async Task StockOfAHiddenProduct_IsCurrentWhenTheFilterShowsItAgain()
    {
        await Shop.AddProductAsync("MUG", stock: 5, category: "Kitchen");
        await Shop.AddProductAsync("TEE", stock: 5, category: "Clothing");
        var cut = await RenderCatalogAsync();
        await cut.FindAll("button.mud-chip").Single(c => c.TextContent.Trim() == "Clothing").ClickAsync(new MouseEventArgs());
        Assert.DoesNotContain(cut.FindComponents<ProductCard>(), c => c.Instance.Product.Sku == "MUG");

        await Shop.OpenCheckoutAsync("other@example.com", null, ("MUG", 4));
        await cut.FindAll("button.mud-chip").Single(c => c.TextContent.Trim() == "All").ClickAsync(new MouseEventArgs());

        await cut.WaitForAssertionAsync(() => Assert.Contains("Only 1 left", CardText(cut, "MUG"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARefusedAdd_ShowsTheStockLeftNow()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var harness = RenderWithSnackbars<Home>();
        await harness.WaitForElementAsync("button[aria-label='Add Product MUG to cart']");

        // Sold elsewhere without an event reaching this page (another app instance).
        await using (var db = await Shop.DbAsync())
        {
            Assert.Equal(1, await db.Inventory.Where(i => i.Sku == "MUG").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 0)));
        }
        await harness.Find("button[aria-label='Add Product MUG to cart']").ClickAsync(new MouseEventArgs());

        await harness.WaitForAssertionAsync(() =>
        {
            Assert.Contains("MUG is sold out.", harness.Find(".mud-snackbar").TextContent, StringComparison.Ordinal);
            Assert.True(harness.Find("button[aria-label='Add Product MUG to cart']").HasAttribute("disabled"));
            Assert.Contains("Out of stock", harness.Find(".mud-card").TextContent, StringComparison.Ordinal);
        });
        Assert.Equal(0, Cart.ItemCount);
    }

    [Fact]
    public async Task ClosingThePage_StopsListening()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var cut = await RenderCatalogAsync();
        var page = cut.Instance;
        await Shop.OpenCheckoutAsync("first@example.com", null, ("MUG", 1));
        await cut.WaitForAssertionAsync(() => Assert.Equal(4, page.Products!.Single().Available));

        await DisposeComponentsAsync();
        // The publisher awaits its subscribers: once this returns, a page still listening would have applied it.
        await Shop.OpenCheckoutAsync("second@example.com", null, ("MUG", 3));

        Assert.Equal(4, page.Products!.Single().Available);
    }

    private async Task<IRenderedComponent<Home>> RenderCatalogAsync()
    {
        var cut = Render<Home>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindComponents<ProductCard>()));
        return cut;
    }

    private static IRenderedComponent<ProductCard> Card(IRenderedComponent<Home> cut, string sku) =>
        cut.FindComponents<ProductCard>().Single(card => card.Instance.Product.Sku == sku);

    private static string CardText(IRenderedComponent<Home> cut, string sku) => Card(cut, sku).Find(".mud-card").TextContent;

    private static AngleSharp.Dom.IElement AddButton(IRenderedComponent<Home> cut, string sku) =>
        cut.Find($"button[aria-label='Add Product {sku} to cart']");
}
