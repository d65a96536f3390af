using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Orders;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components.Web;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The admin's order grid over real orders: each filter narrows the rows on the server, the filters live in the address
/// (so a link or a reload shows the same list) and in the export link, sorting and paging are the database's.
/// </summary>
public class OrdersGridTests : AdminTestContext
{
    private const string Sku = "GRID";

    [Fact]
    public async Task WithoutFilters_ListsEveryOrder_NewestFirst_WithItsColumns()
    {
        var first = await PlaceAsync("ann@example.com");
        var second = await PlaceAsync("bob@example.com", quantity: 3);

        var cut = RenderAdmin<Orders>();

        await cut.WaitForAssertionAsync(() => Assert.Equal([second.OrderNumber, first.OrderNumber], Numbers(cut)));
        var row = RowOf(cut, second.OrderNumber);
        var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(second.OrderNumber, cells[0]);
        Assert.Equal("2026-03-01 12:01 UTC", cells[1]);
        Assert.Equal("bob@example.com", cells[2]);
        Assert.Equal(Checkout.Data.Common.Money.Format(second.TotalMinor, "USD"), cells[3]);
        Assert.Equal("CONFIRMED", row.QuerySelector("[data-testid=order-status]")!.TextContent.Trim());
        Assert.Equal("CAPTURED", row.QuerySelector("[data-testid=payment-status]")!.TextContent.Trim());
        Assert.Equal($"/admin/orders/{second.OrderId}", row.QuerySelector("a[data-testid=order-number]")!.GetAttribute("href"));
        Assert.Equal("/admin/orders.csv", ExportHref(cut));
        // A download, so that Blazor's router leaves the click to the browser.
        Assert.True(cut.Find("[data-testid=export-csv]").HasAttribute("download"));
    }

    [Fact]
    public async Task StatusFilter_ShowsOnlyThatStatus_AndGoesIntoTheAddressAndTheExportLink()
    {
        var confirmed = await PlaceAsync("ann@example.com");
        var shipped = await PlaceAsync("bob@example.com");
        var cancelled = await PlaceAsync("cy@example.com");
        await Shop.ForceStatusAsync(shipped.OrderId, OrderStatus.Shipped);
        await Shop.ForceStatusAsync(cancelled.OrderId, OrderStatus.Cancelled);
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(3, Numbers(cut).Count));

        await ChooseStatusAsync(cut, "SHIPPED");

        await cut.WaitForAssertionAsync(() => Assert.Equal([shipped.OrderNumber], Numbers(cut)));
        Assert.Equal("http://localhost/admin/orders?status=SHIPPED", Navigation.Uri);
        Assert.Equal("/admin/orders.csv?status=SHIPPED", ExportHref(cut));

        await ChooseStatusAsync(cut, "CONFIRMED");

        await cut.WaitForAssertionAsync(() => Assert.Equal([confirmed.OrderNumber], Numbers(cut)));
    }

    [Fact]
    public async Task EmailFilter_MatchesPartOfTheAddress_IgnoringCase()
    {
        var bob = await PlaceAsync("bob@example.com");
        await PlaceAsync("ann@example.com");
        var bobAgain = await PlaceAsync("bob@shop.test");
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(3, Numbers(cut).Count));

        await cut.Find("input[data-testid=filter-email]").SetAsync("BOB@");

        await cut.WaitForAssertionAsync(() => Assert.Equal([bobAgain.OrderNumber, bob.OrderNumber], Numbers(cut)));
        Assert.Equal("/admin/orders.csv?email=BOB%40", ExportHref(cut));

        await cut.Find("input[data-testid=filter-email]").SetAsync("nobody@");

        await cut.WaitForAssertionAsync(() => Assert.Empty(Numbers(cut)));
        Assert.NotNull(cut.Find("[data-testid=no-orders]"));
    }

    [Fact]
    public async Task OrderNumberFilter_FindsTheOrder()
    {
        await PlaceAsync("ann@example.com");
        var wanted = await PlaceAsync("ann@example.com");
        await PlaceAsync("ann@example.com");
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(3, Numbers(cut).Count));

        await cut.Find("input[data-testid=filter-number]").SetAsync(wanted.OrderNumber.ToLowerInvariant());

        await cut.WaitForAssertionAsync(() => Assert.Equal([wanted.OrderNumber], Numbers(cut)));
    }

    [Fact]
    public async Task FiltersCombine_AndClearBringsEveryOrderBack()
    {
        var bobShipped = await PlaceAsync("bob@example.com");
        await PlaceAsync("bob@example.com");
        var annShipped = await PlaceAsync("ann@example.com");
        await Shop.ForceStatusAsync(bobShipped.OrderId, OrderStatus.Shipped);
        await Shop.ForceStatusAsync(annShipped.OrderId, OrderStatus.Shipped);
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(3, Numbers(cut).Count));

        await ChooseStatusAsync(cut, "SHIPPED");
        await cut.Find("input[data-testid=filter-email]").SetAsync("bob");

        await cut.WaitForAssertionAsync(() => Assert.Equal([bobShipped.OrderNumber], Numbers(cut)));
        Assert.Equal("/admin/orders.csv?status=SHIPPED&email=bob", ExportHref(cut));

        await cut.Find("[data-testid=clear-filters]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(3, Numbers(cut).Count));
        Assert.Equal("http://localhost/admin/orders", Navigation.Uri);
    }

    [Fact]
    public async Task DateRange_KeepsTheOrdersOfThoseUtcDays()
    {
        var dayOne = await PlaceAsync("ann@example.com");
        Shop.Clock.Advance(TimeSpan.FromDays(1));
        var dayTwo = await PlaceAsync("ann@example.com");
        Shop.Clock.Advance(TimeSpan.FromDays(1));
        await PlaceAsync("ann@example.com");
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(3, Numbers(cut).Count));

        await cut.Find("input[data-testid=filter-from]").SetAsync("2026-03-01");
        await cut.Find("input[data-testid=filter-to]").SetAsync("2026-03-02");

        await cut.WaitForAssertionAsync(() => Assert.Equal([dayTwo.OrderNumber, dayOne.OrderNumber], Numbers(cut)));
        Assert.Equal("/admin/orders.csv?from=2026-03-01&to=2026-03-02", ExportHref(cut));
    }

    [Fact]
    public async Task FiltersInTheAddress_AreAppliedOnArrival()
    {
        await PlaceAsync("ann@example.com");
        var bob = await PlaceAsync("bob@example.com");
        Navigation.NavigateTo("/admin/orders?email=bob&sort=total-asc");

        var cut = RenderAdmin<Orders>();

        await cut.WaitForAssertionAsync(() => Assert.Equal([bob.OrderNumber], Numbers(cut)));
        Assert.Equal("bob", cut.Find("input[data-testid=filter-email]").GetAttribute("value"));
        Assert.Equal("/admin/orders.csv?email=bob&sort=total-asc", ExportHref(cut));
    }

    [Fact]
    public async Task FiltersInTheAddressThatMakeNoSense_AreIgnored_AndSaidSo()
    {
        await PlaceAsync("ann@example.com");
        await PlaceAsync("bob@example.com");
        Navigation.NavigateTo("/admin/orders?status=LOST");

        var cut = RenderAdmin<Orders>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, Numbers(cut).Count));
        Assert.Contains("Unknown status", cut.Find("[data-testid=orders-error]").TextContent, StringComparison.Ordinal);
        Assert.Equal("/admin/orders.csv", ExportHref(cut));
    }

    [Fact]
    public async Task SortingByTotal_IsDoneByTheDatabase()
    {
        var small = await PlaceAsync("ann@example.com", quantity: 1);
        var large = await PlaceAsync("ann@example.com", quantity: 4);
        var medium = await PlaceAsync("ann@example.com", quantity: 2);
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Equal([medium.OrderNumber, large.OrderNumber, small.OrderNumber], Numbers(cut)));

        await SortHeader(cut, "Total").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal([small.OrderNumber, medium.OrderNumber, large.OrderNumber], Numbers(cut)));
        Assert.Equal("http://localhost/admin/orders?sort=total-asc", Navigation.Uri);

        await SortHeader(cut, "Total").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal([large.OrderNumber, medium.OrderNumber, small.OrderNumber], Numbers(cut)));
        Assert.Equal("/admin/orders.csv?sort=total-desc", ExportHref(cut));
    }

    [Fact]
    public async Task Paging_ReadsOnePageAtATime_AndANewFilterStartsAtTheFirstPage()
    {
        // 41 orders: 21 by "even", 20 by "odd", newest first.
        var placed = new List<OrderView>();
        for (var i = 0; i < 41; i++)
        {
            placed.Add(await PlaceAsync(i % 2 == 0 ? "even@example.com" : "odd@example.com"));
        }
        placed.Reverse();
        var numbers = placed.Select(o => o.OrderNumber).ToList();
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(numbers.Take(20), Numbers(cut)));

        await cut.Find("button[aria-label='Next page']").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(numbers.Skip(20).Take(20), Numbers(cut)));

        await cut.Find("input[data-testid=filter-email]").SetAsync("even@");

        // Page two of the 21 matches would hold one order: the new filter shows its first twenty.
        var even = placed.Where(o => o.Email == "even@example.com").Select(o => o.OrderNumber).ToList();
        await cut.WaitForAssertionAsync(() => Assert.Equal(even.Take(20), Numbers(cut)));
    }

    [Fact]
    public async Task ClickingARow_OpensTheOrder()
    {
        var order = await PlaceAsync("ann@example.com");
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Single(Numbers(cut)));

        await RowOf(cut, order.OrderNumber).QuerySelector("td:nth-child(3)")!.PressAsync();

        Assert.Equal($"http://localhost/admin/orders/{order.OrderId}", Navigation.Uri);
    }

    /// <summary>Places a paid (CONFIRMED) order for <paramref name="email"/>, one simulated minute after the previous one.</summary>
    private async Task<OrderView> PlaceAsync(string email, int quantity = 1)
    {
        if (await Shop.CountAsync(db => db.Products.Where(p => p.Sku == Sku)) == 0)
        {
            await Shop.AddProductAsync(Sku, priceMinor: 1000, stock: 100);
        }
        var checkout = await Shop.OpenCheckoutAsync(email, null, (Sku, quantity));
        var placed = ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Shop.Clock.Advance(TimeSpan.FromMinutes(1));
        return placed.Order;
    }

    private static List<string> Numbers(IRenderedComponent<AdminHost> cut) =>
        [.. cut.FindAll("[data-testid=orders-grid] a[data-testid=order-number]").Select(a => a.TextContent.Trim())];

    private static IElement RowOf(IRenderedComponent<AdminHost> cut, string number) =>
        cut.FindAll("[data-testid=orders-grid] tbody tr").Single(tr => tr.QuerySelector("a[data-testid=order-number]")?.TextContent.Trim() == number);

    private static string? ExportHref(IRenderedComponent<AdminHost> cut) => cut.Find("[data-testid=export-csv]").GetAttribute("href");

    private static IElement SortHeader(IRenderedComponent<AdminHost> cut, string title) =>
        cut.FindAll("[data-testid=orders-grid] th").Single(th => th.TextContent.Trim() == title).QuerySelector(".sortable-column-header")!;

    /// <summary>Opens the status select as a person does and picks <paramref name="status"/> from its list.</summary>
    private static async Task ChooseStatusAsync(IRenderedComponent<AdminHost> cut, string status)
    {
        await cut.Find("input[data-testid=filter-status]").Closest(".mud-input-control")!.MouseDownAsync(new MouseEventArgs());
        await cut.WaitForAssertionAsync(() => Assert.Contains(cut.FindAll(".mud-popover-open .mud-list-item"), item => item.TextContent.Trim() == status));
        await cut.FindAll(".mud-popover-open .mud-list-item").Single(item => item.TextContent.Trim() == status).PressAsync();
    }
}
