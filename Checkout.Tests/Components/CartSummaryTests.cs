using Bunit;
using Checkout.Web.Components.Shared;

namespace Checkout.Tests.Components;

/// <summary>The cart summary in the app bar follows the shopper's cart and announces its count.</summary>
public class CartSummaryTests : ComponentTestContext
{
    [Fact]
    public void Summary_BeforeAnyAdd_ShowsAnEmptyCart()
    {
        var cut = Render<CartSummary>();

        Assert.Equal("Cart (0)", cut.Find(".mud-typography").TextContent.Trim());
        Assert.Equal("Cart, 0 items", cut.Find("[role=status]").GetAttribute("aria-label"));
    }

    [Fact]
    public async Task Summary_AfterTwoAdds_ShowsTwoItems()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Shop.AddProductAsync("TOTE", stock: 5);
        var cut = Render<CartSummary>();

        // On the renderer's dispatcher, as a click handler in the circuit would call it.
        await cut.InvokeAsync(() => Cart.AddAsync("MUG"));
        await cut.InvokeAsync(() => Cart.AddAsync("TOTE"));

        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Equal("Cart (2)", cut.Find(".mud-typography").TextContent.Trim());
            Assert.Equal("Cart, 2 items", cut.Find("[role=status]").GetAttribute("aria-label"));
        });
    }

    [Fact]
    public async Task Summary_WithOneItem_UsesTheSingular()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var cut = Render<CartSummary>();

        await cut.InvokeAsync(() => Cart.AddAsync("MUG"));

        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Equal("Cart (1)", cut.Find(".mud-typography").TextContent.Trim());
            Assert.Equal("Cart, 1 item", cut.Find("[role=status]").GetAttribute("aria-label"));
        });
    }
}
