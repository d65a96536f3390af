using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages;

/// <summary>/cart: the lines with their quantity controls, price and stock problems, the subtotal and the way to checkout.</summary>
public sealed class CartPage(IPage page) : ShopPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Your cart", Level = 1 });

    public ILocator Lines => Page.GetByRole(AriaRole.List, new() { Name = "Items in your cart" }).GetByRole(AriaRole.Listitem);

    public ILocator Line(string productName) =>
        Lines.Filter(new() { Has = Page.GetByRole(AriaRole.Heading, new() { Name = productName, Exact = true }) });

    /// <summary>The line's quantity group; its text is the quantity.</summary>
    public ILocator Quantity(string productName) =>
        Page.GetByRole(AriaRole.Group, new() { Name = $"Quantity of {productName}", Exact = true });

    public ILocator OneMore(string productName) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"One more {productName}", Exact = true });

    public ILocator OneFewer(string productName) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"One fewer {productName}", Exact = true });

    public ILocator Remove(string productName) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"Remove {productName}", Exact = true });

    /// <summary>The subtotal figure. It has no accessible name of its own (a paragraph beside "Subtotal"), hence the test id.</summary>
    public ILocator Subtotal => Page.GetByTestId("subtotal");

    public ILocator GoToCheckout => Page.GetByRole(AriaRole.Link, new() { Name = "Go to checkout" });

    public ILocator EmptyMessage => Page.GetByText("Your cart is empty.");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/cart");
        await WaitForCircuitAsync();
        await Expect(Heading).ToBeVisibleAsync();
    }
}
