using AngleSharp.Dom;
using Bunit;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Components;

/// <summary>The catalog page lists the shop's products and adds them to the shopper's cart through the real services.</summary>
public class HomeTests : ComponentTestContext
{
    [Fact]
    public async Task Home_ListsEveryProductOfTheShopAsACard()
    {
        await Shop.AddProductAsync("TEA-1", category: "Tea");
        await Shop.AddProductAsync("COF-2", category: "Coffee");
        await Shop.AddProductAsync("COF-1", category: "Coffee");

        var cut = Render<Home>();

        // By category, then name: the catalog's order.
        await cut.WaitForAssertionAsync(() => Assert.Equal(
            ["Product COF-1", "Product COF-2", "Product TEA-1"],
            cut.FindComponents<ProductCard>().Select(card => card.Instance.Product.Name)));
        Assert.Equal(3, cut.FindAll("[role=listitem] h2").Count);
        Assert.Equal("Add Product TEA-1 to cart", AddButtons(cut)[2].GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Home_WithNoProducts_SaysSo()
    {
        var cut = Render<Home>();

        await cut.WaitForAssertionAsync(() => Assert.Contains("No products yet.", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindComponents<ProductCard>());
    }

    [Fact]
    public async Task ClickingAdd_AddsTheProductToTheCart()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Shop.AddProductAsync("TOTE", stock: 5);
        var cut = Render<Home>();
        var button = await cut.WaitForElementAsync("button[aria-label='Add Product TOTE to cart']");

        await button.ClickAsync(new MouseEventArgs());

        await cut.WaitForAssertionAsync(() => Assert.Equal(1, Cart.ItemCount));
        Assert.Equal(1, Cart.QuantityOf("TOTE"));
        await using var db = await Shop.DbAsync();
        var line = Assert.Single(await db.Carts.AsNoTracking().SelectMany(c => c.Lines).ToListAsync());
        Assert.Equal(("TOTE", 1, Cart.Cart!.CartId), (line.Sku, line.Quantity, line.CartId));
    }

    [Fact]
    public async Task ClickingAdd_WithAPickedQuantity_AddsThatManyOnTopOfWhatIsInTheCart()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var cut = Render<Home>();
        var add = await cut.WaitForElementAsync("button[aria-label='Add Product MUG to cart']");
        await add.ClickAsync(new MouseEventArgs());
        await cut.WaitForAssertionAsync(() => Assert.Equal(1, Cart.QuantityOf("MUG")));

        await cut.Find("input[aria-label='Quantity of Product MUG']").ChangeAsync(new ChangeEventArgs { Value = "3" });
        await cut.Find("button[aria-label='Add Product MUG to cart']").ClickAsync(new MouseEventArgs());

        await cut.WaitForAssertionAsync(() => Assert.Equal(4, Cart.QuantityOf("MUG")));
        await using var db = await Shop.DbAsync();
        var line = Assert.Single(await db.Carts.AsNoTracking().SelectMany(c => c.Lines).ToListAsync());
        Assert.Equal(("MUG", 4), (line.Sku, line.Quantity));
    }

    [Fact]
    public async Task ClickingAdd_WhenTheStockWasTakenMeanwhile_ShowsWhyAndLeavesTheCartAlone()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Shop.AddProductAsync("TOTE", stock: 5);
        var harness = RenderWithSnackbars<Home>();
        await harness.WaitForElementAsync("button[aria-label='Add Product MUG to cart']");
        await harness.Find("button[aria-label='Add Product MUG to cart']").ClickAsync(new MouseEventArgs());
        await harness.WaitForAssertionAsync(() => Assert.Equal(1, Cart.ItemCount));

        // Another shopper buys the last totes after this page rendered them as available.
        await using (var db = await Shop.DbAsync())
        {
            Assert.Equal(1, await db.Inventory.Where(i => i.Sku == "TOTE").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 0)));
        }
        var tote = harness.Find("button[aria-label='Add Product TOTE to cart']");
        Assert.False(tote.HasAttribute("disabled"));
        await tote.ClickAsync(new MouseEventArgs());

        await harness.WaitForAssertionAsync(() =>
        {
            var message = Assert.Single(harness.FindAll(".mud-snackbar"));
            Assert.Contains("TOTE is sold out.", message.TextContent, StringComparison.Ordinal);
        });
        Assert.Equal(1, Cart.ItemCount);
        Assert.Equal(0, Cart.QuantityOf("TOTE"));
        await using var check = await Shop.DbAsync();
        var line = Assert.Single(await check.Carts.AsNoTracking().SelectMany(c => c.Lines).ToListAsync());
        Assert.Equal(("MUG", 1), (line.Sku, line.Quantity));
        Assert.Equal(0, (await Shop.InventoryAsync("TOTE")).Quantity);
    }

    private static IReadOnlyList<IElement> AddButtons(IRenderedComponent<Home> cut) => [.. cut.FindAll("button[aria-label^='Add ']")];
}
