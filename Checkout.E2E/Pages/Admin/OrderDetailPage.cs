using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/orders/{id}: one order, the steps it may take now (each confirmed first), its payment and history.</summary>
public sealed class OrderDetailPage(IPage page) : AdminPage(page)
{
    public ILocator Heading(string orderNumber) =>
        Page.GetByRole(AriaRole.Heading, new() { Name = $"Order {orderNumber}", Level = 1 });

    /// <summary>The status chip beside the heading. It is plain text without a name or role, hence the test id.</summary>
    public ILocator Status => Page.GetByTestId("order-status").First;

    public ILocator Action(string label) => Page.GetByRole(AriaRole.Button, new() { Name = label, Exact = true });

    /// <summary>The confirmation panel of a chosen step, a group named after it ("Ship").</summary>
    public ILocator ConfirmPanel(string label) => Page.GetByRole(AriaRole.Group, new() { Name = label, Exact = true });

    /// <summary>A row of the payment table by its row header: "State", "Captured", "Refunded".</summary>
    public ILocator PaymentRow(string header) =>
        Page.GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Rowheader, new() { Name = header, Exact = true }) });

    public ILocator Timeline => Page.GetByRole(AriaRole.List, new() { Name = "Status history" }).GetByRole(AriaRole.Listitem);

    public async Task ShipAsync(string trackingNumber)
    {
        await Action("Ship").ClickAsync();
        var panel = ConfirmPanel("Ship");
        await panel.GetByLabel("Tracking number").FillAsync(trackingNumber);
        await panel.GetByRole(AriaRole.Button, new() { Name = "Confirm shipment" }).ClickAsync();
        await Expect(Status).ToHaveTextAsync("SHIPPED");
    }

    public async Task DeliverAsync()
    {
        await Action("Mark delivered").ClickAsync();
        await ConfirmPanel("Mark delivered").GetByRole(AriaRole.Button, new() { Name = "Mark delivered" }).ClickAsync();
        await Expect(Status).ToHaveTextAsync("DELIVERED");
    }

    public async Task AcceptReturnAsync()
    {
        await Action("Accept return").ClickAsync();
        await ConfirmPanel("Accept return").GetByRole(AriaRole.Button, new() { Name = "Accept return" }).ClickAsync();
        await Expect(Status).ToHaveTextAsync("RETURNED");
    }
}
