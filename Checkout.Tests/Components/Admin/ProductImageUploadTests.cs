using Bunit;
using Checkout.Data.Catalog;
using Checkout.Tests.Builders;
using Checkout.Tests.Catalog;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using static Checkout.Tests.Catalog.ProductImageCorpus;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The picture block of a product's admin page over a real shop: it shows the current picture, uploads a new one with
/// its text alternative through the store, says clearly why a file is refused (keeping the picture there was), saves a
/// new text alternative alone, and removes the picture.
/// </summary>
public class ProductImageUploadTests : AdminTestContext
{
    [Fact]
    public async Task AProductWithoutAPicture_ShowsThePlaceholder_AndOffersAnUpload()
    {
        await Shop.AddProductAsync("MUG");

        var cut = RenderUpload("MUG");

        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=product-picture-none]")));
        Assert.Contains("Upload picture", cut.Find("[data-testid=choose-image]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=remove-image]"));
        Assert.Equal("image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp", cut.Find("input[type=file]").GetAttribute("accept"));
    }

    [Fact]
    public async Task UploadingAPicture_StoresItWithItsAlt_AndShowsIt()
    {
        await Shop.AddProductAsync("MUG");
        var cut = RenderUpload("MUG");
        await cut.WaitForAssertionAsync(() => cut.Find("[data-testid=product-picture-none]"));

        await cut.Find("[data-testid=field-alt] input").SetAsync("A grey mug on a shelf");
        Upload(cut, Photo(800, 600), "mug.jpg");

        await cut.WaitForAssertionAsync(() => Assert.Contains("mug.jpg is the picture now.", cut.Find("[data-testid=image-message]").TextContent, StringComparison.Ordinal));
        var (version, alt) = await PictureOfAsync("MUG");
        Assert.Equal("A grey mug on a shelf", alt);
        var img = cut.Find("img.product-picture");
        Assert.Contains($"?v={version}", img.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Equal("A grey mug on a shelf", img.GetAttribute("alt"));
        Assert.Contains("160 × 120, 320 × 240, 640 × 480", cut.Find("[data-testid=image-sizes]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Replace picture", cut.Find("[data-testid=choose-image]").TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("script renamed .png", "not a JPEG, PNG or WebP picture")]
    [InlineData("PNG declaring 50,000 × 50,000 pixels", "50,000 × 50,000 pixels")]
    [InlineData("truncated PNG", "cut short")]
    public async Task ARefusedFile_SaysWhy_AndKeepsThePictureThereWas(string file, string because)
    {
        await Shop.AddProductAsync("MUG");
        var first = ResultAssert.Success(await Store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), "The first picture", "admin@shop"));
        var cut = RenderUpload("MUG");
        await cut.WaitForAssertionAsync(() => cut.Find("img.product-picture"));

        Upload(cut, BadUploads.Named(file), "picture.png");

        await cut.WaitForAssertionAsync(() => Assert.Contains(because, cut.Find("[data-testid=image-refusal]").TextContent, StringComparison.Ordinal));
        Assert.Equal("alert", cut.Find("[data-testid=image-refusal]").GetAttribute("role"));
        Assert.Equal((first.Version, "The first picture"), await PictureOfAsync("MUG"));
        Assert.Contains($"?v={first.Version}", cut.Find("img.product-picture").GetAttribute("src"), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=image-message]"));
    }

    [Fact]
    public async Task SavingTheAltAlone_KeepsThePicture()
    {
        await Shop.AddProductAsync("MUG");
        var first = ResultAssert.Success(await Store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), null, "admin@shop"));
        var cut = RenderUpload("MUG");
        await cut.WaitForAssertionAsync(() => Assert.Equal("Product MUG", cut.Find("[data-testid=field-alt] input").GetAttribute("value")));
        Assert.True(cut.Find("[data-testid=save-alt]").HasAttribute("disabled"));

        await cut.Find("[data-testid=field-alt] input").SetAsync("A mug with a blue glaze");
        await cut.Find("[data-testid=save-alt]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Contains("The text alternative is saved.", cut.Find("[data-testid=image-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal((first.Version, "A mug with a blue glaze"), await PictureOfAsync("MUG"));
    }

    [Fact]
    public async Task RemovingThePicture_ShowsThePlaceholder()
    {
        await Shop.AddProductAsync("MUG");
        ResultAssert.Success(await Store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), null, "admin@shop"));
        ProductImageView? changed = null;
        var cut = RenderUpload("MUG", view => changed = view);
        await cut.WaitForAssertionAsync(() => cut.Find("img.product-picture"));

        await cut.Find("[data-testid=remove-image]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=product-picture-none]")));
        Assert.Contains("The picture is removed.", cut.Find("[data-testid=image-message]").TextContent, StringComparison.Ordinal);
        Assert.Equal((null, null), await PictureOfAsync("MUG"));
        Assert.False(changed!.HasImage);
    }

    [Fact]
    public async Task AnUnknownProduct_SaysSo()
    {
        var cut = RenderUpload("NOPE");

        await cut.WaitForAssertionAsync(() => Assert.Contains("The product NOPE was not found.", cut.Find("[data-testid=image-missing]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("input[type=file]"));
    }

    private ProductImageStore Store => Shop.Get<ProductImageStore>();

    private IRenderedComponent<AdminHost> RenderUpload(string sku, Action<ProductImageView>? changed = null) =>
        RenderAdmin<ProductImageUpload>(p =>
        {
            p.Add(c => c.Sku, sku);
            if (changed is not null)
            {
                p.Add(c => c.OnChanged, changed);
            }
        });

    /// <summary>Chooses a file in the picker; the upload then runs on the renderer, and the test waits for its outcome.</summary>
    private static void Upload(IRenderedComponent<AdminHost> cut, byte[] bytes, string name) =>
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(bytes, name));

    private async Task<(string? Version, string? Alt)> PictureOfAsync(string sku)
    {
        await using var db = await Shop.DbAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Sku == sku);
        return (product.ImageVersion, product.ImageAlt);
    }
}
