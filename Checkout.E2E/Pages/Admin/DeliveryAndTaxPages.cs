using Microsoft.Playwright;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/delivery: the shipping zones, their countries and delivery methods.</summary>
public sealed class DeliveryPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Delivery", Level = 1 });

    public Task OpenAsync() => GoAsync("/admin/delivery", Heading);
}

/// <summary>/admin/tax: the tax rate of each country, or region where it differs.</summary>
public sealed class TaxRatesPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Tax rates", Level = 1 });

    public Task OpenAsync() => GoAsync("/admin/tax", Heading);
}
