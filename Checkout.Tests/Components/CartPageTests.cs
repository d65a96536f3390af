using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Common;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Components;

/// <summary>
/// The cart page lists the shopper's server-side cart, changes quantities through the real cart service, and shows
/// each revalidation problem on its line with the fix it offers.
/// </summary>
public class CartPageTests : CheckoutTestContext
{
    [Fact]
    public async Task EmptyCart_SaysSo_AndLeadsBackToTheCatalog()
    {
        var cut = await RenderCartAsync();

        Assert.Contains("Your cart is empty.", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("./", cut.FindAll("a").Single(a => a.TextContent.Contains("Browse the catalog", StringComparison.Ordinal)).GetAttribute("href"));
        Assert.Empty(cut.FindAll(".cart-line"));
    }

    [Fact]
    public async Task Cart_ListsItsLinesWithTheSubtotal_AndLinksToCheckout()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 1200, stock: 5);
        await Shop.AddProductAsync("TOTE", priceMinor: 900, stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 2), ("TOTE", 1)));

        var cut = await RenderCartAsync();

        Assert.Equal(["MUG", "TOTE"], cut.FindAll(".cart-line").Select(l => l.GetAttribute("data-sku")));
        Assert.Equal("2", Line(cut, "MUG").QuerySelector("[data-testid=quantity]")!.TextContent);
        Assert.Contains("USD 24.00", Line(cut, "MUG").TextContent, StringComparison.Ordinal);
        Assert.Equal("USD 33.00", cut.Find("[data-testid=subtotal]").TextContent.Trim());
        var checkout = CheckoutLink(cut);
        Assert.Equal("checkout", checkout.GetAttribute("href"));
        Assert.False(checkout.HasAttribute("disabled"));
    }

    [Fact]
    public async Task Steppers_ChangeTheQuantityOnTheServer_AndRemoveTakesTheLineOut()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 1000, stock: 5);
        await Shop.AddProductAsync("TOTE", priceMinor: 500, stock: 5);
        var cartId = await Shop.CartWithAsync(("MUG", 1), ("TOTE", 1));
        await Cart.OpenAsync(cartId);
        var cut = await RenderCartAsync();

        await ClickAsync(cut, "One more Product MUG");
        cut.WaitForAssertion(() => Assert.Equal("2", Line(cut, "MUG").QuerySelector("[data-testid=quantity]")!.TextContent));
        Assert.Equal("USD 25.00", cut.Find("[data-testid=subtotal]").TextContent.Trim());

        await ClickAsync(cut, "One fewer Product MUG");
        cut.WaitForAssertion(() => Assert.Equal("1", Line(cut, "MUG").QuerySelector("[data-testid=quantity]")!.TextContent));

        await ClickAsync(cut, "Remove Product TOTE");
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".cart-line")));

        var stored = ResultOf(await Shop.Carts.GetAsync(cartId));
        Assert.Equal([("MUG", 1)], stored.Lines.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(1, Cart.ItemCount);
    }

    [Fact]
    public async Task MoreThanIsInStock_IsRefusedWithTheReason()
    {
        await Shop.AddProductAsync("MUG", stock: 1);
        var cartId = await Shop.CartWithAsync(("MUG", 1));
        await Cart.OpenAsync(cartId);
        var cut = await RenderCartAsync();

        await ClickAsync(cut, "One more Product MUG");

        cut.WaitForAssertion(() => Assert.Equal("Only 1 of Product MUG left.", cut.Find("[data-testid=cart-message]").TextContent.Trim()));
        Assert.Equal(1, ResultOf(await Shop.Carts.GetAsync(cartId)).Lines.Single().Quantity);
    }

    [Fact]
    public async Task PriceChanged_ShowsWasAndNowOnTheLine_AndAcceptingKeepsTheNewPrice()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 1000, stock: 5);
        var cartId = await Shop.CartWithAsync(("MUG", 2));
        await Cart.OpenAsync(cartId);
        await SetPriceAsync("MUG", 1250);

        var cut = await RenderCartAsync();

        var problem = Problem(cut, "MUG", "PriceChanged");
        Assert.Contains("was USD 10.00, now USD 12.50", problem.TextContent, StringComparison.Ordinal);
        Assert.True(CheckoutLink(cut).HasAttribute("disabled"));

        await ButtonIn(problem, "Accept new price").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-problem]")));
        Assert.Equal("USD 25.00", cut.Find("[data-testid=subtotal]").TextContent.Trim());
        Assert.False(CheckoutLink(cut).HasAttribute("disabled"));
        Assert.Empty(ResultOf(await Shop.Carts.GetAsync(cartId)).Problems);
    }

    [Fact]
    public async Task FewerLeftThanInTheCart_OffersToReduceToWhatIsLeft()
    {
        await Shop.AddProductAsync("MUG", stock: 10);
        var cartId = await Shop.CartWithAsync(("MUG", 5));
        await Cart.OpenAsync(cartId);
        await SetStockAsync("MUG", 2);

        var cut = await RenderCartAsync();

        var problem = Problem(cut, "MUG", "InsufficientStock");
        Assert.Contains("Only 2 left — you asked for 5.", problem.TextContent, StringComparison.Ordinal);

        await ButtonIn(problem, "Reduce to 2").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Equal("2", Line(cut, "MUG").QuerySelector("[data-testid=quantity]")!.TextContent));
        Assert.Empty(cut.FindAll("[data-problem]"));
        Assert.Equal(2, ResultOf(await Shop.Carts.GetAsync(cartId)).Lines.Single().Quantity);
    }

    [Fact]
    public async Task SoldOut_SaysSo_AndRemovingFixesTheCart()
    {
        await Shop.AddProductAsync("MUG", stock: 10);
        await Shop.AddProductAsync("TOTE", stock: 10);
        var cartId = await Shop.CartWithAsync(("MUG", 1), ("TOTE", 1));
        await Cart.OpenAsync(cartId);
        await SetStockAsync("MUG", 0);

        var cut = await RenderCartAsync();

        Assert.Contains("Product MUG is sold out. Remove it to check out.", Problem(cut, "MUG", "InsufficientStock").TextContent, StringComparison.Ordinal);
        Assert.Empty(Problem(cut, "MUG", "InsufficientStock").QuerySelectorAll("button"));

        await ClickAsync(cut, "Remove Product MUG");

        cut.WaitForAssertion(() => Assert.Equal(["TOTE"], cut.FindAll(".cart-line").Select(l => l.GetAttribute("data-sku"))));
        Assert.False(CheckoutLink(cut).HasAttribute("disabled"));
    }

    [Fact]
    public async Task NoLongerSold_ShowsTheItemWithARemoveButton()
    {
        await Shop.AddProductAsync("MUG", stock: 10);
        var cartId = await Shop.CartWithAsync(("MUG", 1));
        await Cart.OpenAsync(cartId);
        await using (var db = await Shop.DbAsync())
        {
            Assert.Equal(1, await db.Products.Where(p => p.Sku == "MUG").ExecuteUpdateAsync(s => s.SetProperty(p => p.Active, false)));
        }

        var cut = await RenderCartAsync();

        Assert.Contains("MUG is no longer available.", Problem(cut, "MUG", "ItemUnavailable").TextContent, StringComparison.Ordinal);
        Assert.True(CheckoutLink(cut).HasAttribute("disabled"));

        await ClickAsync(cut, "Remove MUG");

        cut.WaitForAssertion(() => Assert.Contains("Your cart is empty.", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(ResultOf(await Shop.Carts.GetAsync(cartId)).Problems);
    }

    [Fact]
    public async Task AcceptAllChanges_AppliesEveryFixAtOnce()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 1000, stock: 10);
        await Shop.AddProductAsync("TOTE", stock: 10);
        var cartId = await Shop.CartWithAsync(("MUG", 1), ("TOTE", 4));
        await Cart.OpenAsync(cartId);
        await SetPriceAsync("MUG", 900);
        await SetStockAsync("TOTE", 3);
        var cut = await RenderCartAsync();
        Assert.Equal(2, cut.FindAll("[data-problem]").Count);
        // With more than one problem the price fix says honestly that it fixes everything.
        Assert.Single(Problem(cut, "MUG", "PriceChanged").QuerySelectorAll("button"), b => b.TextContent.Trim() == "Accept all changes");

        await ButtonIn(cut.Find("[data-testid=cart-problems]"), "Accept all changes").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-problem]")));
        var stored = ResultOf(await Shop.Carts.GetAsync(cartId));
        Assert.Equal([("MUG", 1, 900L), ("TOTE", 3, 1000L)], stored.Lines.Select(l => (l.Sku, l.Quantity, l.UnitPriceMinor)));
        Assert.Empty(stored.Problems);
    }

    private async Task<IRenderedComponent<CartPage>> RenderCartAsync()
    {
        var cut = Render<CartPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your cart", StringComparison.Ordinal));
        return cut;
    }

    private static IElement Line(IRenderedComponent<CartPage> cut, string sku) => cut.Find($".cart-line[data-sku='{sku}']");

    private static IElement Problem(IRenderedComponent<CartPage> cut, string sku, string kind) =>
        Line(cut, sku).QuerySelector($"[data-problem='{kind}']") ?? throw new InvalidOperationException($"No {kind} problem on {sku}.");

    private static IElement CheckoutLink(IRenderedComponent<CartPage> cut) =>
        cut.FindAll("a, button").Single(e => e.TextContent.Trim() == "Go to checkout");

    private static IElement ButtonIn(IElement container, string name) =>
        container.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == name);

    private static T ResultOf<T>(Result<T> result)
        where T : notnull => ResultAssert.Success(result);

    private async Task SetPriceAsync(string sku, long priceMinor)
    {
        await using var db = await Shop.DbAsync();
        Assert.Equal(1, await db.Products.Where(p => p.Sku == sku).ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, priceMinor)));
    }

    private async Task SetStockAsync(string sku, int available)
    {
        await using var db = await Shop.DbAsync();
        Assert.Equal(1, await db.Inventory.Where(i => i.Sku == sku).ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, available)));
    }
}
