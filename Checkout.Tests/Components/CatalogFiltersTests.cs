using AngleSharp.Dom;
using Bunit;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Checkout.Tests.Components;

/// <summary>The catalog narrows to one category and to a search term, and says how many products it shows.</summary>
public class CatalogFiltersTests : ComponentTestContext
{
    [Fact]
    public async Task Filters_OfferAllAndEveryCategoryOfTheShop_InCatalogOrder()
    {
        await SeedAsync();
        var cut = await RenderCatalogAsync();

        Assert.Equal(["All", "Coffee", "Tea"], Chips(cut).Select(chip => chip.TextContent.Trim()));
        Assert.Equal("Category", cut.Find("[role=group]").GetAttribute("aria-label"));
        Assert.Equal("true", Chip(cut, "All").GetAttribute("aria-pressed"));
    }

    [Fact]
    public async Task SearchBox_IsLabelled()
    {
        await SeedAsync();
        var cut = await RenderCatalogAsync();

        var search = SearchBox(cut);
        Assert.Equal("Search products", cut.Find($"label[for='{search.Id}']").TextContent.Trim());
        Assert.NotNull(search.Closest("[role=search]"));
    }

    [Fact]
    public async Task ChoosingACategory_ShowsOnlyItsProducts_AndAllShowsEveryProductAgain()
    {
        await SeedAsync();
        var cut = await RenderCatalogAsync();

        await Chip(cut, "Tea").ClickAsync(new MouseEventArgs());

        Assert.Equal(["Product TEA-GREEN", "Product TEA-MINT"], CardNames(cut));
        Assert.Equal("true", Chip(cut, "Tea").GetAttribute("aria-pressed"));
        Assert.Equal("Showing 2 of 5 products", Count(cut));

        await Chip(cut, "All").ClickAsync(new MouseEventArgs());

        Assert.Equal(5, CardNames(cut).Count);
        Assert.Equal("5 products", Count(cut));
    }

    [Fact]
    public async Task Searching_MatchesNamesAndSkusWhateverTheCase()
    {
        await SeedAsync();
        var cut = await RenderCatalogAsync();

        await SearchBox(cut).InputAsync(new ChangeEventArgs { Value = "mint" });
        Assert.Equal(["Product TEA-MINT"], CardNames(cut));

        await SearchBox(cut).InputAsync(new ChangeEventArgs { Value = "  COF-D" });
        Assert.Equal(["Product COF-DARK", "Product COF-DECAF"], CardNames(cut));
        Assert.Equal("Showing 2 of 5 products", Count(cut));
    }

    [Fact]
    public async Task CategoryAndSearch_NarrowTogether()
    {
        await SeedAsync();
        var cut = await RenderCatalogAsync();

        await Chip(cut, "Coffee").ClickAsync(new MouseEventArgs());
        await SearchBox(cut).InputAsync(new ChangeEventArgs { Value = "o" });

        // "o" is in every name: the category still holds the tea back.
        Assert.Equal(["Product COF-DARK", "Product COF-DECAF", "Product COF-LIGHT"], CardNames(cut));
    }

    [Fact]
    public async Task NoMatch_SaysSo_AndClearFiltersShowsEveryProduct()
    {
        await SeedAsync();
        var cut = await RenderCatalogAsync();
        await Chip(cut, "Tea").ClickAsync(new MouseEventArgs());
        await SearchBox(cut).InputAsync(new ChangeEventArgs { Value = "dark" });

        Assert.Empty(cut.FindComponents<ProductCard>());
        Assert.Contains("No products match your search.", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("Showing 0 of 5 products", Count(cut));

        await cut.FindAll("button").Single(b => b.TextContent.Trim() == "Clear filters").ClickAsync(new MouseEventArgs());

        Assert.Equal(5, CardNames(cut).Count);
        Assert.Equal("true", Chip(cut, "All").GetAttribute("aria-pressed"));
        Assert.Equal("", SearchBox(cut).GetAttribute("value") ?? "");
    }

    private async Task SeedAsync()
    {
        await Shop.AddProductAsync("TEA-MINT", category: "Tea");
        await Shop.AddProductAsync("TEA-GREEN", category: "Tea");
        await Shop.AddProductAsync("COF-DARK", category: "Coffee");
        await Shop.AddProductAsync("COF-LIGHT", category: "Coffee");
        await Shop.AddProductAsync("COF-DECAF", category: "Coffee");
    }

    private async Task<IRenderedComponent<Home>> RenderCatalogAsync()
    {
        var cut = Render<Home>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(5, cut.FindComponents<ProductCard>().Count));
        return cut;
    }

    private static List<string> CardNames(IRenderedComponent<Home> cut) =>
        [.. cut.FindComponents<ProductCard>().Select(card => card.Instance.Product.Name)];

    private static IReadOnlyList<IElement> Chips(IRenderedComponent<Home> cut) => [.. cut.FindAll("[role=group] button.mud-chip")];

    private static IElement Chip(IRenderedComponent<Home> cut, string text) => Chips(cut).Single(chip => chip.TextContent.Trim() == text);

    private static IElement SearchBox(IRenderedComponent<Home> cut) => cut.Find("input[type=search]");

    private static string Count(IRenderedComponent<Home> cut) => cut.Find(".catalog > [role=status]").TextContent.Trim();
}
