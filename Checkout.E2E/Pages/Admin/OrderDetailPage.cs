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

    /// <summary>The link to the audit log's entries of this order.</summary>
    public ILocator AuditLink => Page.GetByRole(AriaRole.Link, new() { Name = "What admins did to this order" });

    /// <summary>Refunds <paramref name="units"/> of the line <paramref name="sku"/> through the order's refund dialog.</summary>
    public async Task RefundUnitsAsync(string sku, int units, string reason)
    {
        await Page.GetByRole(AriaRole.Button, new() { Name = "Refund…" }).ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel($"Units of {sku}").FillAsync(units.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await dialog.GetByLabel("Reason").FillAsync(reason);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Refund", Exact = true }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
    }

    public async Task AcceptReturnAsync()
    {
        await Action("Accept return").ClickAsync();
        await ConfirmPanel("Accept return").GetByRole(AriaRole.Button, new() { Name = "Accept return" }).ClickAsync();
        await Expect(Status).ToHaveTextAsync("RETURNED");
    }
}
