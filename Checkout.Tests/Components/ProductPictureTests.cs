using Bunit;
using Checkout.Data.Catalog;
using Checkout.Tests.Builders;
using Checkout.Tests.Catalog;
using Checkout.Web.Catalog;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Components.Shared;

namespace Checkout.Tests.Components;

/// <summary>
/// A catalog card shows the product's picture at the width the browser needs, described for those who cannot see it,
/// loaded lazily in a box that does not move the page; a product without one gets a neutral placeholder, never an emoji.
/// </summary>
public class ProductPictureTests : ComponentTestContext
{
    private static readonly ProductView Mug =
        new("GEAR-MUG", "Stoneware Mug", "Gear", 1490, "USD", Available: 45, IsHot: false, ImageVersion: "v1-AbC_d", ImageAlt: "A grey stoneware mug");

    [Fact]
    public void Card_WithAPicture_ShowsItWithSrcsetSizesAndAlt()
    {
        var cut = Render<ProductCard>(p => p.Add(c => c.Product, Mug));

        var img = cut.Find("img.product-picture");
        Assert.Equal("/images/products/GEAR-MUG/320.webp?v=v1-AbC_d", img.GetAttribute("src"));
        Assert.Equal(
            "/images/products/GEAR-MUG/160.webp?v=v1-AbC_d 160w, /images/products/GEAR-MUG/320.webp?v=v1-AbC_d 320w, " +
            "/images/products/GEAR-MUG/640.webp?v=v1-AbC_d 640w",
            img.GetAttribute("srcset"));
        Assert.False(string.IsNullOrWhiteSpace(img.GetAttribute("sizes")));
        Assert.Equal("A grey stoneware mug", img.GetAttribute("alt"));
        Assert.Equal(("320", "240"), (img.GetAttribute("width"), img.GetAttribute("height")));
        Assert.Equal(("lazy", "async"), (img.GetAttribute("loading"), img.GetAttribute("decoding")));
        Assert.Empty(cut.FindAll("[data-testid=product-picture-none]"));
    }

    [Fact]
    public void Card_WithAPictureButNoAlt_IsDescribedByItsName()
    {
        var cut = Render<ProductCard>(p => p.Add(c => c.Product, Mug with { ImageAlt = null }));

        Assert.Equal("Stoneware Mug", cut.Find("img.product-picture").GetAttribute("alt"));
    }

    [Fact]
    public void Card_WithoutAPicture_ShowsAPlaceholder()
    {
        var cut = Render<ProductCard>(p => p.Add(c => c.Product, Mug with { ImageVersion = null, ImageAlt = null }));

        var placeholder = cut.Find("[data-testid=product-picture-none]");
        Assert.Equal("true", placeholder.GetAttribute("aria-hidden"));
        Assert.NotNull(placeholder.QuerySelector("svg"));
        Assert.Empty(cut.FindAll("img"));
    }

    [Fact]
    public void SrcSet_EscapesWhatItCarries()
    {
        Assert.Equal("/images/products/A-1/160.webp?v=x%2By 160w", ProductImageEndpoints.SrcSet("A-1", "x+y", [160]));
    }

    [Fact]
    public async Task TheCatalogPage_ShowsTheStoredPictureOfEachProduct()
    {
        await Shop.AddProductAsync("MUG");
        await Shop.AddProductAsync("TOTE");
        var image = ResultAssert.Success(await Shop.Get<ProductImageStore>().SetAsync(
            "MUG", new MemoryStream(ProductImageCorpus.Photo(400, 300)), "A mug", "admin@shop"));
        // The snapshot is read after the picture was stored: the page shows it on its first render.

        var cut = Render<Home>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[role=listitem]").Count));
        var img = Assert.Single(cut.FindAll("img.product-picture"));
        Assert.Equal(ProductImageEndpoints.Url("MUG", image.Version!, 320), img.GetAttribute("src"));
        Assert.Equal("A mug", img.GetAttribute("alt"));
        Assert.Single(cut.FindAll("[data-testid=product-picture-none]"));
    }
}
