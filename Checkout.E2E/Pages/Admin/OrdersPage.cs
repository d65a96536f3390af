using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/orders: the filterable grid of orders.</summary>
public sealed class OrdersPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Orders", Level = 1 });

    public ILocator NumberFilter => Page.GetByRole(AriaRole.Searchbox, new() { Name = "Order number contains" });

    public ILocator EmailFilter => Page.GetByRole(AriaRole.Searchbox, new() { Name = "Email contains" });

    public ILocator Grid => Page.GetByRole(AriaRole.Table);

    /// <summary>The grid's data rows (the header row has column headers, not cells).</summary>
    public ILocator Rows => Grid.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Cell) });

    public ILocator Row(string orderNumber) => Rows.Filter(new() { Has = OrderLink(orderNumber) });

    public ILocator OrderLink(string orderNumber) => Grid.GetByRole(AriaRole.Link, new() { Name = orderNumber, Exact = true });

    public Task OpenAsync() => GoAsync("/admin/orders", Heading);

    /// <summary>Narrows the grid to one order number (the filter applies when the field is left) and opens the order.</summary>
    public async Task<OrderDetailPage> FindAndOpenAsync(string orderNumber)
    {
        await NumberFilter.FillAsync(orderNumber);
        await NumberFilter.PressAsync("Enter");
        await NumberFilter.BlurAsync();
        await Expect(Rows).ToHaveCountAsync(1);
        await OrderLink(orderNumber).ClickAsync();
        var detail = new OrderDetailPage(Page);
        await Expect(detail.Heading(orderNumber)).ToBeVisibleAsync();
        return detail;
    }
}
