using Microsoft.Playwright;

namespace Checkout.E2E.Pages;

/// <summary>Find my order (<c>/orders/find</c>) and the list its e-mailed link opens (<c>/orders/mine</c>).</summary>
public sealed class FindOrderPage(IPage page) : ShopPage(page)
{
    /// <summary>The header's link, on every storefront page.</summary>
    public ILocator HeaderLink => Page.GetByRole(AriaRole.Link, new() { Name = "Find my order" });

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Find my order", Level = 1 });

    public ILocator Email => Page.GetByLabel("Email");

    public ILocator OrderNumber => Page.GetByLabel("Order number");

    public ILocator SendButton => Page.GetByRole(AriaRole.Button, new() { Name = "Email me a link" });

    public ILocator AskAgainButton => Page.GetByRole(AriaRole.Button, new() { Name = "Ask again" });

    /// <summary>The answer, the same whether or not the email and the number belong together.</summary>
    public ILocator Sent => Page.GetByTestId("lookup-sent");

    public ILocator YourOrdersHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "Your orders", Level = 1 });

    public ILocator OrderLink(string orderNumber) =>
        Page.GetByRole(AriaRole.Table, new() { Name = "Your orders" }).GetByRole(AriaRole.Link, new() { Name = orderNumber });

    public async Task AskAsync(string email, string orderNumber)
    {
        await WaitForCircuitAsync();
        await Email.FillAsync(email);
        await OrderNumber.FillAsync(orderNumber);
        await SendButton.ClickAsync();
    }
}
