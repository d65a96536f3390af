using Checkout.Data.Catalog.Images;
using Checkout.Tests.Builders;
using SkiaSharp;
using static Checkout.Tests.Catalog.ProductImageCorpus;

namespace Checkout.Tests.Catalog;

/// <summary>
/// The demo catalog's drawn product pictures (<see cref="DemoImages"/>): small untagged PNGs, each accepted by
/// <see cref="ProductImageProcessor"/> like an upload, in the colour of its category, on a machine with fonts or without.
/// </summary>
public class ProductImageDemoTests
{
    /// <summary>The demo catalog's products, by name and category.</summary>
    public static TheoryData<string, string> DemoProducts => new()
    {
        { "Espresso Beans 1 kg", "Coffee" },
        { "Filter Roast 500 g", "Coffee" },
        { "Sencha Green Tea", "Tea" },
        { "Ceremonial Matcha", "Tea" },
        { "Stoneware Mug", "Gear" },
        { "Limited Espresso Machine", "Gear" },
        { "Last-unit drill", "Drill" },
    };

    [Theory]
    [MemberData(nameof(DemoProducts))]
    public void Render_DemoProduct_IsAPngThatProcessAccepts(string name, string category)
    {
        var png = DemoImages.Render(name, category, 512);

        Assert.Empty(PngChunks(png).Intersect(["iCCP", "eXIf", "tEXt", "zTXt", "iTXt", "tIME"]));
        var image = ResultAssert.Success(ProductImageProcessor.Process(png));
        Assert.Equal((512, 512, ProductImageFormat.Png), (image.Width, image.Height, image.SourceFormat));
        Assert.Equal([160, 320], image.Renditions.Select(r => r.Width));
    }

    [Fact]
    public void Render_WithoutAFont_DrawsTheShapeAloneAndIsAccepted()
    {
        var withFont = DemoImages.Render("Espresso Beans", "Coffee", 256);
        var shapeOnly = DemoImages.Render("Espresso Beans", "Coffee", 256, typeface: null);

        ResultAssert.Success(ProductImageProcessor.Process(shapeOnly));
        using var pixels = SKBitmap.Decode(shapeOnly);
        // The middle of the shape is the category's colour, with no initials over it.
        Assert.Equal(DemoImages.ColorOf("Coffee"), pixels.GetPixel(128, 128));
        if (SKFontManager.Default.FontFamilyCount > 0)
        {
            Assert.NotEqual(withFont, shapeOnly);
        }
    }

    [Fact]
    public void Render_IsTheSameForTheSameProduct()
    {
        Assert.Equal(DemoImages.Render("Canvas Tote", "Gear", 128), DemoImages.Render("Canvas Tote", "Gear", 128));
        Assert.Equal(DemoImages.Render("Canvas Tote", "Gear", 128, null), DemoImages.Render("Canvas Tote", "Gear", 128, null));
    }

    [Fact]
    public void ColorOf_TellsTheDemoCategoriesApart_AndIgnoresCaseAndSpaces()
    {
        Assert.Equal(3, new[] { "Coffee", "Tea", "Gear" }.Select(DemoImages.ColorOf).Distinct().Count());
        Assert.Equal(DemoImages.ColorOf("Coffee"), DemoImages.ColorOf(" coffee "));
        Assert.Equal(DemoImages.ColorOf("Cookware"), DemoImages.ColorOf("COOKWARE"));
    }

    [Theory]
    [InlineData("Espresso Beans 1 kg", "EB")]
    [InlineData("Limited Espresso Machine", "LE")]
    [InlineData("  tote  ", "T")]
    [InlineData("100 % Arabica", "A")]
    [InlineData("☕ Mug", "M")]
    [InlineData("", "")]
    public void Initials_AreTheFirstLettersOfTheFirstTwoWords(string name, string initials) =>
        Assert.Equal(initials, DemoImages.Initials(name));

    [Theory]
    [InlineData(DemoImages.MinSize - 1)]
    [InlineData(DemoImages.MaxSize + 1)]
    public void Render_SizeOutOfRange_Throws(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoImages.Render("Mug", "Gear", size));
}
