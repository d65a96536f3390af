using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Catalog;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The admin's product list over a real shop: the products on sale by name with their price, weight, stock and state,
/// narrowed on the server by a search, a category and the archived switch (all three kept in the address), paged by
/// the database, and each row opening its product.
/// </summary>
public class ProductsPageTests : AdminTestContext
{
    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(Shop.Get<ProductAdminService>());
    }

    private ProductAdminService ProductAdmin => Shop.Get<ProductAdminService>();

    [Fact]
    public async Task ListsTheProductsOnSale_ByName_WithTheirFigures_AndLeavesArchivedOnesOut()
    {
        await AddAsync("GEAR-MUG", "Stoneware Mug", "Gear", 1_490, 400, stock: 45, hot: true);
        await AddAsync("TEA-TIN", "Earl Grey Tin", "Tea", 990, 180, stock: 50);
        await AddAsync("OLD-CUP", "Old Cup", "Gear", 500, 150);
        ResultAssert.Success(await ProductAdmin.ArchiveAsync("OLD-CUP", "admin@shop"));

        var cut = RenderAdmin<Products>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(["TEA-TIN", "GEAR-MUG"], Skus(cut)));
        var mug = Row(cut, "GEAR-MUG");
        Assert.Equal(
            ["GEAR-MUG", "Stoneware Mug", "Gear", "USD 14.90", "400 g", "45"],
            mug.QuerySelectorAll("td").Take(6).Select(td => td.TextContent.Trim()));
        Assert.Equal("on sale", mug.QuerySelector("[data-testid=product-state]")!.TextContent.Trim());
        Assert.NotNull(mug.QuerySelector("[data-testid=product-hot]"));
        Assert.Null(Row(cut, "TEA-TIN").QuerySelector("[data-testid=product-hot]"));
        Assert.Equal("/admin/products/GEAR-MUG", mug.QuerySelector("a[data-testid=product-sku]")!.GetAttribute("href"));
        Assert.Equal("/admin/products/new", cut.Find("[data-testid=new-product]").GetAttribute("href"));
    }

    [Fact]
    public async Task ASearch_MatchesPartOfTheSkuOrTheName_AndGoesIntoTheAddress()
    {
        await AddAsync("GEAR-MUG", "Stoneware Mug", "Gear", 1_490, 400);
        await AddAsync("TEA-TIN", "Earl Grey Tin", "Tea", 990, 180);
        await AddAsync("GEAR-TOTE", "Canvas Tote", "Gear", 1_900, 250);
        var cut = RenderAdmin<Products>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(3, Skus(cut).Count));

        await cut.Find("input[data-testid=filter-search]").SetAsync("gear");

        await cut.WaitForAssertionAsync(() => Assert.Equal(["GEAR-TOTE", "GEAR-MUG"], Skus(cut)));
        Assert.Equal("http://localhost/admin/products?search=gear", Navigation.Uri);

        await cut.Find("input[data-testid=filter-search]").SetAsync("GREY");

        await cut.WaitForAssertionAsync(() => Assert.Equal(["TEA-TIN"], Skus(cut)));

        await cut.Find("input[data-testid=filter-search]").SetAsync("nothing like it");

        await cut.WaitForAssertionAsync(() => Assert.Empty(Skus(cut)));
        Assert.NotNull(cut.Find("[data-testid=no-products]"));
    }

    [Fact]
    public async Task TheCategoryFilter_ShowsOnlyThatCategory()
    {
        await AddAsync("GEAR-MUG", "Stoneware Mug", "Gear", 1_490, 400);
        await AddAsync("TEA-TIN", "Earl Grey Tin", "Tea", 990, 180);
        var cut = RenderAdmin<Products>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, Skus(cut).Count));

        await cut.Find("input[data-testid=filter-category]").Closest(".mud-input-control")!.MouseDownAsync(new MouseEventArgs());
        await cut.WaitForAssertionAsync(() => Assert.Contains(cut.FindAll(".mud-popover-open .mud-list-item"), item => item.TextContent.Trim() == "Tea"));
        await cut.FindAll(".mud-popover-open .mud-list-item").Single(item => item.TextContent.Trim() == "Tea").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(["TEA-TIN"], Skus(cut)));
        Assert.Equal("http://localhost/admin/products?category=Tea", Navigation.Uri);
    }

    [Fact]
    public async Task TheArchivedSwitch_ListsArchivedProductsToo_MarkedSo()
    {
        await AddAsync("GEAR-MUG", "Stoneware Mug", "Gear", 1_490, 400);
        await AddAsync("OLD-CUP", "Old Cup", "Gear", 500, 150);
        ResultAssert.Success(await ProductAdmin.ArchiveAsync("OLD-CUP", "admin@shop"));
        var cut = RenderAdmin<Products>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(["GEAR-MUG"], Skus(cut)));

        await cut.Find("[data-testid=filter-archived] input").ChangeAsync(new ChangeEventArgs { Value = true });

        await cut.WaitForAssertionAsync(() => Assert.Equal(["OLD-CUP", "GEAR-MUG"], Skus(cut)));
        Assert.Equal("archived", Row(cut, "OLD-CUP").QuerySelector("[data-testid=product-state]")!.TextContent.Trim());
        Assert.Equal("http://localhost/admin/products?archived=true", Navigation.Uri);
    }

    [Fact]
    public async Task FiltersInTheAddress_AreAppliedOnArrival()
    {
        await AddAsync("GEAR-MUG", "Stoneware Mug", "Gear", 1_490, 400);
        await AddAsync("GEAR-CUP", "Old Cup", "Gear", 500, 150);
        await AddAsync("TEA-TIN", "Earl Grey Tin", "Tea", 990, 180);
        ResultAssert.Success(await ProductAdmin.ArchiveAsync("GEAR-CUP", "admin@shop"));
        Navigation.NavigateTo("/admin/products?search=gear&archived=true");

        var cut = RenderAdmin<Products>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(["GEAR-CUP", "GEAR-MUG"], Skus(cut)));
        Assert.Equal("gear", cut.Find("input[data-testid=filter-search]").GetAttribute("value"));
    }

    [Fact]
    public async Task Paging_ReadsOnePageAtATime_WithTheTotal()
    {
        for (var i = 1; i <= 23; i++)
        {
            await AddAsync($"SKU-{i:00}", $"Product {i:00}", "Gear", 100 * i, 10);
        }
        var cut = RenderAdmin<Products>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(Enumerable.Range(1, 20).Select(i => $"SKU-{i:00}"), Skus(cut)));

        await cut.Find("button[aria-label='Next page']").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(["SKU-21", "SKU-22", "SKU-23"], Skus(cut)));
        Assert.Contains("21-23 of 23", cut.Find("[data-testid=products-grid] .mud-table-pagination").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClickingARow_OpensTheProduct()
    {
        await AddAsync("GEAR-MUG", "Stoneware Mug", "Gear", 1_490, 400);
        var cut = RenderAdmin<Products>();
        await cut.WaitForAssertionAsync(() => Assert.Single(Skus(cut)));

        await Row(cut, "GEAR-MUG").QuerySelector("td:nth-child(2)")!.PressAsync();

        Assert.Equal("http://localhost/admin/products/GEAR-MUG", Navigation.Uri);
    }

    private async Task AddAsync(string sku, string name, string category, long priceMinor, int weightGrams, int stock = 10, bool hot = false) =>
        ResultAssert.Success(await ProductAdmin.CreateAsync(new NewProductInput(sku, name, null, category, priceMinor, weightGrams, hot, stock), AdminName));

    private static List<string> Skus(IRenderedComponent<AdminHost> cut) =>
        [.. cut.FindAll("[data-testid=products-grid] a[data-testid=product-sku]").Select(a => a.TextContent.Trim())];

    private static IElement Row(IRenderedComponent<AdminHost> cut, string sku) =>
        cut.FindAll("[data-testid=products-grid] tbody tr").Single(tr => tr.QuerySelector("a[data-testid=product-sku]")?.TextContent.Trim() == sku);
}
