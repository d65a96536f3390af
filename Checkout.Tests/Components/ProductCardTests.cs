using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Catalog;
using Checkout.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Checkout.Tests.Components;

/// <summary>A product card tells the shopper what the product is, what it costs, how many are left, and lets them add it.</summary>
public class ProductCardTests : ComponentTestContext
{
    private static readonly ProductView Espresso =
        new("COF-ESPRESSO", "Espresso Beans 1 kg", "Coffee", 2490, "USD", Available: 40, IsHot: false);

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
    public void ClickingAdd_RaisesOnAddWithTheProductAndOneUnit()
    {
        var added = new List<ProductCard.AddRequest>();
        var cut = Render<ProductCard>(p => p
            .Add(c => c.Product, Espresso)
            .Add(c => c.OnAdd, request => added.Add(request)));

        AddButton(cut).Click();

        var request = Assert.Single(added);
        Assert.Same(Espresso, request.Product);
        Assert.Equal(1, request.Quantity);
    }

    [Fact]
    public void QuantityPicker_IsLabelledAndBoundedByTheStock()
    {
        var cut = RenderCard(Espresso with { Available = 7 });

        var picker = QuantityPicker(cut);
        Assert.Equal("Quantity of Espresso Beans 1 kg", picker.GetAttribute("aria-label"));
        Assert.Equal("Quantity", cut.Find($"label[for='{picker.Id}']").TextContent.Trim());
        Assert.Equal(("1", "1", "7"), (picker.GetAttribute("value"), picker.GetAttribute("aria-valuemin"), picker.GetAttribute("aria-valuemax")));
    }

    [Fact]
    public void QuantityPicker_NeverOffersMoreThanOneCartLineHolds()
    {
        var cut = RenderCard(Espresso with { Available = 500 });

        Assert.Equal("99", QuantityPicker(cut).GetAttribute("aria-valuemax"));
    }

    [Fact]
    public void Card_WhenSoldOut_OffersNoQuantity()
    {
        var cut = RenderCard(Espresso with { Available = 0 });

        Assert.Empty(cut.FindAll("input[role=spinbutton]"));
    }

    [Fact]
    public async Task ClickingAdd_AfterPickingThree_AsksForThreeThenOffersOneAgain()
    {
        var added = new List<ProductCard.AddRequest>();
        var cut = Render<ProductCard>(p => p
            .Add(c => c.Product, Espresso)
            .Add(c => c.OnAdd, request => added.Add(request)));

        await QuantityPicker(cut).ChangeAsync(new ChangeEventArgs { Value = "3" });
        await AddButton(cut).ClickAsync(new MouseEventArgs());

        Assert.Equal(3, Assert.Single(added).Quantity);
        Assert.Equal("1", QuantityPicker(cut).GetAttribute("value"));
    }

    [Fact]
    public void QuantityPicker_WhenTheStockDropsBelowThePick_FollowsTheStock()
    {
        var cut = RenderCard(Espresso with { Available = 7 });
        QuantityPicker(cut).Change(new ChangeEventArgs { Value = "6" });
        Assert.Equal("6", QuantityPicker(cut).GetAttribute("value"));

        cut.Render(p => p.Add(c => c.Product, Espresso with { Available = 2 }));

        Assert.Equal(("2", "2"), (QuantityPicker(cut).GetAttribute("value"), QuantityPicker(cut).GetAttribute("aria-valuemax")));
    }

    private IRenderedComponent<ProductCard> RenderCard(ProductView product) =>
        Render<ProductCard>(p => p.Add(c => c.Product, product));

    private static IElement AddButton(IRenderedComponent<ProductCard> cut) => Assert.Single(cut.FindAll("button[aria-label^='Add ']"));

    private static IElement QuantityPicker(IRenderedComponent<ProductCard> cut) => cut.Find("input[role=spinbutton]");

    /// <summary>The card's text with runs of whitespace collapsed, as a reader would see it.</summary>
    private static string Text(IRenderedComponent<ProductCard> cut) =>
        string.Join(' ', cut.Find(".mud-card").TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
