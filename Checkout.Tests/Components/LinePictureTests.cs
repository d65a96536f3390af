using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Catalog;
using Checkout.Data.Orders;
using Checkout.Tests.Builders;
using Checkout.Tests.Catalog;
using Checkout.Web.Catalog;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Orders;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components;

/// <summary>
/// The lines of the cart, of the checkout's review and of an order show each product's picture, small and beside its
/// name; the name says what it is, so the picture is decorative (an empty text alternative, not a repeat of the name).
/// A product without a picture gets the placeholder, never an empty image.
/// </summary>
public class LinePictureTests : CheckoutTestContext
{
    [Fact]
    public async Task CartLines_ShowEachProductsPicture_Decoratively_AndAPlaceholderWithout()
    {
        await Shop.AddProductAsync("MUG");
        await Shop.AddProductAsync("TOTE");
        var mug = await PictureAsync("MUG");
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1), ("TOTE", 1)));

        var cut = await RenderCartAsync();

        cut.WaitForAssertion(() => AssertShowsPicture(CartLine(cut, "MUG"), "MUG", mug));
        AssertShowsPlaceholder(CartLine(cut, "TOTE"));
    }

    [Fact]
    public async Task CartPage_ShowsThePictureOfAProductAddedWhileItIsOpen()
    {
        await Shop.AddProductAsync("MUG");
        await Shop.AddProductAsync("TOTE");
        var tote = await PictureAsync("TOTE");
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1)));
        var cut = await RenderCartAsync();

        await cut.InvokeAsync(() => Cart.AddAsync("TOTE"));

        cut.WaitForAssertion(() => AssertShowsPicture(CartLine(cut, "TOTE"), "TOTE", tote));
        AssertShowsPlaceholder(CartLine(cut, "MUG"));
    }

    [Fact]
    public async Task Review_ShowsThePictureOfEachLine()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Shop.AddProductAsync("TOTE", stock: 5);
        var mug = await PictureAsync("MUG");
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 2), ("TOTE", 1)));
        var cut = await RenderCheckoutAsync();

        await GoToReviewAsync(cut);

        cut.WaitForAssertion(() => AssertShowsPicture(ReviewLine(cut, "Product MUG × 2"), "MUG", mug));
        AssertShowsPlaceholder(ReviewLine(cut, "Product TOTE × 1"));
    }

    [Fact]
    public async Task OrderPage_ShowsThePictureOfEachLine_EvenOnceTheProductIsArchived()
    {
        await Shop.AddProductAsync("MUG");
        await Shop.AddProductAsync("TEE");
        var mug = await PictureAsync("MUG");
        var checkout = await Shop.OpenCheckoutAsync(lines: [("MUG", 2), ("TEE", 1)]);
        var order = ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved)).Order;
        // No longer sold: the order still shows what was bought.
        ResultAssert.Success(await Shop.Get<ProductAdminService>().ArchiveAsync("MUG", "admin@shop"));

        var cut = await RenderOrderAsync(order);

        cut.WaitForAssertion(() => AssertShowsPicture(OrderLine(cut, "Product MUG"), "MUG", mug));
        AssertShowsPlaceholder(OrderLine(cut, "Product TEE"));
        // The pictures add nothing a reader hears: each line reads as it did without them.
        Assert.Equal(["2 × Product MUG USD 10.00 each USD 20.00", "1 × Product TEE USD 10.00 each USD 10.00"],
            cut.FindAll(".order-lines li").Select(li => Squash(li.TextContent)));
    }

    /// <summary>Gives <paramref name="sku"/> a picture and returns its version.</summary>
    private async Task<string> PictureAsync(string sku)
    {
        var image = ResultAssert.Success(await Shop.Get<ProductImageStore>().SetAsync(
            sku, new MemoryStream(ProductImageCorpus.Photo(400, 300)), $"A picture of {sku}", "admin@shop"));
        return image.Version!;
    }

    /// <summary>The line's small picture at the addresses the catalog's card uses, decorative beside the name.</summary>
    private static void AssertShowsPicture(IElement line, string sku, string version)
    {
        var img = Assert.Single(line.QuerySelectorAll("img"));
        var expected = ProductPictureSource.Of(sku, version, alt: null, productName: sku);
        Assert.Contains("product-picture--line", img.ClassList);
        Assert.Equal((expected.Src, expected.SrcSet), (img.GetAttribute("src"), img.GetAttribute("srcset")));
        Assert.Equal("4rem", img.GetAttribute("sizes"));
        Assert.Equal("", img.GetAttribute("alt"));
    }

    private static void AssertShowsPlaceholder(IElement line)
    {
        Assert.Empty(line.QuerySelectorAll("img"));
        Assert.Equal("true", Assert.Single(line.QuerySelectorAll("[data-testid=product-picture-none]")).GetAttribute("aria-hidden"));
    }

    private async Task<IRenderedComponent<CartPage>> RenderCartAsync()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("cart");
        var cut = Render<CartPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your cart", StringComparison.Ordinal));
        return cut;
    }

    private async Task<IRenderedComponent<OrderPage>> RenderOrderAsync(OrderView order)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(OrderLinks.OrderPath(order.OrderNumber, Links.Issue(order.OrderId)));
        var cut = Render<OrderPage>(p => p.Add(c => c.OrderNumber, order.OrderNumber));
        await cut.WaitForElementAsync(".order-status");
        return cut;
    }

    private static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static IElement CartLine(IRenderedComponent<CartPage> cut, string sku) => cut.Find($".cart-line[data-sku='{sku}']");

    private static IElement ReviewLine(IRenderedComponent<CheckoutPage> cut, string text) =>
        cut.FindAll("[aria-label='Items in your order'] li").Single(li => li.TextContent.Contains(text, StringComparison.Ordinal));

    private static IElement OrderLine(IRenderedComponent<OrderPage> cut, string name) =>
        cut.FindAll(".order-lines li").Single(li => li.TextContent.Contains(name, StringComparison.Ordinal));
}
