using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Catalog;
using Checkout.Web.Components.Shared;

namespace Checkout.Tests.Components;

/// <summary>A product card tells the shopper what the product is, what it costs, how many are left, and lets them add it.</summary>
public class ProductCardTests : ComponentTestContext
{
    private static readonly ProductView Espresso =
        new("COF-ESPRESSO", "Espresso Beans 1 kg", "Coffee", "☕", 2490, "USD", Available: 40, IsHot: false);

    [Fact]
    public void Card_ShowsNameCategoryAndFormattedPrice()
    {
        var cut = RenderCard(Espresso);

        Assert.Equal("Espresso Beans 1 kg", cut.Find("h2").TextContent.Trim());
        Assert.Equal("Coffee", cut.Find(".mud-text-secondary").TextContent.Trim());
        Assert.Contains("USD 24.90", Text(cut), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Card_WithThreeOrFewerLeft_SaysHowManyAreLeft(int available)
    {
        var cut = RenderCard(Espresso with { Available = available });

        Assert.Contains($"Only {available} left", Text(cut), StringComparison.Ordinal);
        Assert.DoesNotContain("Out of stock", Text(cut), StringComparison.Ordinal);
        Assert.False(AddButton(cut).HasAttribute("disabled"));
    }

    [Fact]
    public void Card_WithMoreThanThreeLeft_ShowsNoStockWarning()
    {
        var cut = RenderCard(Espresso with { Available = 4 });

        Assert.DoesNotContain("left", Text(cut), StringComparison.Ordinal);
        Assert.DoesNotContain("Out of stock", Text(cut), StringComparison.Ordinal);
    }

    [Fact]
    public void Card_WhenSoldOut_SaysOutOfStockAndDisablesAdd()
    {
        var cut = RenderCard(Espresso with { Available = 0 });

        Assert.Contains("Out of stock", Text(cut), StringComparison.Ordinal);
        Assert.DoesNotContain("left", Text(cut), StringComparison.Ordinal);
        Assert.True(AddButton(cut).HasAttribute("disabled"));
    }

    [Fact]
    public void Card_WhileBusy_DisablesAdd()
    {
        var cut = Render<ProductCard>(p => p.Add(c => c.Product, Espresso).Add(c => c.Busy, true));

        Assert.True(AddButton(cut).HasAttribute("disabled"));
    }

    [Fact]
    public void AddButton_IsNamedAfterTheProduct()
    {
        var cut = RenderCard(Espresso);

        // The visible text is only "Add"; the accessible name says what is added.
        Assert.Equal("Add Espresso Beans 1 kg to cart", AddButton(cut).GetAttribute("aria-label"));
        Assert.Equal("Add", AddButton(cut).TextContent.Trim());
    }

    [Fact]
    public void Card_ForHotProduct_ShowsHotChip()
    {
        var cut = RenderCard(Espresso with { IsHot = true });

        var chip = Assert.Single(cut.FindAll(".mud-chip"));
        Assert.Equal("Hot", chip.TextContent.Trim());
    }

    [Fact]
    public void Card_ForOrdinaryProduct_ShowsNoHotChip()
    {
        var cut = RenderCard(Espresso);

        Assert.Empty(cut.FindAll(".mud-chip"));
    }

    [Fact]
    public void ClickingAdd_RaisesOnAddWithTheProduct()
    {
        var added = new List<ProductView>();
        var cut = Render<ProductCard>(p => p
            .Add(c => c.Product, Espresso)
            .Add(c => c.OnAdd, product => added.Add(product)));

        AddButton(cut).Click();

        Assert.Same(Espresso, Assert.Single(added));
    }

    private IRenderedComponent<ProductCard> RenderCard(ProductView product) =>
        Render<ProductCard>(p => p.Add(c => c.Product, product));

    private static IElement AddButton(IRenderedComponent<ProductCard> cut) => Assert.Single(cut.FindAll("button"));

    /// <summary>The card's text with runs of whitespace collapsed, as a reader would see it.</summary>
    private static string Text(IRenderedComponent<ProductCard> cut) =>
        string.Join(' ', cut.Find(".mud-card").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
