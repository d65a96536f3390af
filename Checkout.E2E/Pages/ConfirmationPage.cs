using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages;

/// <summary>/checkout/confirmation/{number}?key={key}: the thank-you page after a successful payment.</summary>
public sealed partial class ConfirmationPage(IPage page) : ShopPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Thank you for your order", Level = 1 });

    /// <summary>The number is a <c>strong</c> inside "Order number …" with nothing to name it by, hence the test id.</summary>
    public ILocator OrderNumber => Page.GetByTestId("order-number");

    /// <summary>"Status: Confirmed", a live region.</summary>
    public ILocator Status => Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Status:" });

    public ILocator TrackOrderLink => Page.GetByRole(AriaRole.Link, new() { Name = "Track this order" });

    /// <summary>Waits for the confirmation and returns the order number ("CK-…").</summary>
    public async Task<string> WaitForOrderNumberAsync()
    {
        await Expect(Heading).ToBeVisibleAsync();
        await Expect(OrderNumber).ToHaveTextAsync(Number());
        Assert.Matches(ConfirmationPath(), Page.Url);
        return await OrderNumber.InnerTextAsync();
    }

    [GeneratedRegex("^CK-[A-Z0-9]+$")]
    public static partial Regex Number();

    /// <summary>The number and the order's key (Base64Url): the number alone would open nothing.</summary>
    [GeneratedRegex("/checkout/confirmation/CK-[A-Z0-9]+\\?key=[A-Za-z0-9_-]+$")]
    private static partial Regex ConfirmationPath();
}
