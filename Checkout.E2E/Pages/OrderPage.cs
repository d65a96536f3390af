using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages;

/// <summary>
/// /orders/{number}?key={key}: the shopper's order with its live status, actions (cancel, return), payment and
/// timeline; without the order's key, "Order not found".
/// </summary>
public sealed class OrderPage(IPage page) : ShopPage(page)
{
    public ILocator Heading(string orderNumber) =>
        Page.GetByRole(AriaRole.Heading, new() { Name = $"Order {orderNumber}", Level = 1 });

    public ILocator NotFoundHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "Order not found", Level = 1 });

    /// <summary>The live status line: "Status: SHIPPED" (and a notice after the shopper's own action).</summary>
    public ILocator Status => Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Status:" });

    /// <summary>What was bought: "2 × Stoneware Mug", the unit price and the line's total.</summary>
    public ILocator Lines => Page.GetByRole(AriaRole.List, new() { Name = "Items", Exact = true }).GetByRole(AriaRole.Listitem);

    public ILocator Line(string productName) => Lines.Filter(new() { HasText = productName });

    public ILocator Timeline => Page.GetByRole(AriaRole.List, new() { Name = "Status history" }).GetByRole(AriaRole.Listitem);

    /// <summary>"USD 19.89 charged.", "… charged, … refunded."</summary>
    public ILocator PaymentSummary => Page.GetByText(new Regex(" charged"));

    public ILocator StartReturnButton => Page.GetByRole(AriaRole.Button, new() { Name = "Start a return" });

    public ILocator Reason => Page.GetByRole(AriaRole.Textbox, new() { Name = "Reason (optional)" });

    public ILocator ConfirmReturnButton => Page.GetByRole(AriaRole.Button, new() { Name = "Confirm return" });

    /// <summary>
    /// A timeline entry "FROM → TO": screen readers hear "FROM to TO" (the arrow is hidden from them, the word from
    /// sight), and the text of the item has both.
    /// </summary>
    public static Regex Change(string from, string to) => new($@"^{from}\W+(to\s+)?{to}\b");

    /// <summary>Opens <paramref name="path"/> and waits for the live page, whatever it shows.</summary>
    public async Task GoToAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitForCircuitAsync();
    }

    /// <summary>Follows an order's link (its number and key, as the confirmation gives it) to the order.</summary>
    public async Task OpenAsync(string link, string orderNumber)
    {
        await GoToAsync(link);
        await Expect(Heading(orderNumber)).ToBeVisibleAsync();
    }

    public async Task StartReturnAsync(string reason)
    {
        await StartReturnButton.ClickAsync();
        await Reason.FillAsync(reason);
        await ConfirmReturnButton.ClickAsync();
        await Expect(Status).ToContainTextAsync("RETURN_INITIATED");
    }
}
