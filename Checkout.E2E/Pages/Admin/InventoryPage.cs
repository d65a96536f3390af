using Microsoft.Playwright;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/inventory: available, reserved and sold units per SKU, and the active holds.</summary>
public sealed class InventoryPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Inventory", Level = 1 });

    public ILocator Row(string sku) => Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Cell, new() { Name = sku, Exact = true }) });

    /// <summary>Cells by column: SKU, Available, Reserved, Sold.</summary>
    public ILocator Available(string sku) => Row(sku).GetByRole(AriaRole.Cell).Nth(1);

    public ILocator Reserved(string sku) => Row(sku).GetByRole(AriaRole.Cell).Nth(2);

    public ILocator ActiveHoldsHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "Active holds", Level = 2 });

    public Task OpenAsync() => GoAsync("/admin/inventory", Heading);
}
