using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Checkout.E2E.Pages;

/// <summary>The storefront home page: filters, the product grid (live stock, waitlist) and the cart summary in the app bar.</summary>
public sealed partial class CatalogPage(IPage page) : ShopPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Catalog", Level = 1 });

    public ILocator Products => Page
        .GetByRole(AriaRole.List, new() { Name = "Products" })
        .GetByRole(AriaRole.Listitem);

    /// <summary>A product's card, found by its heading.</summary>
    public ILocator Product(string name) =>
        Products.Filter(new() { Has = Page.GetByRole(AriaRole.Heading, new() { Name = name, Exact = true }) });

    public ILocator Search => Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" });

    public ILocator Category(string name) =>
        Page.GetByRole(AriaRole.Group, new() { Name = "Category" }).GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>"13 products" or "Showing 4 of 13 products".</summary>
    public ILocator ResultCount => Page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = ProductsCount() });

    public ILocator AddToCartButton(string productName) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"Add {productName} to cart", Exact = true });

    public ILocator QuantityOf(string productName) =>
        Page.GetByRole(AriaRole.Spinbutton, new() { Name = $"Quantity of {productName}", Exact = true });

    public ILocator JoinWaitlistButton(string productName) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"Join the waitlist for {productName}", Exact = true });

    public ILocator WaitlistEmail(string productName) => Product(productName).GetByLabel("Email for the waitlist");

    /// <summary>The card's waitlist line: "You're number 1 in line.", "One is held for you."</summary>
    public ILocator WaitlistStatus(string productName) => Product(productName).GetByRole(AriaRole.Status);

    public ILocator ClaimButton(string productName) =>
        Page.GetByRole(AriaRole.Button, new() { Name = $"Claim {productName}", Exact = true });

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/");
        await WaitForCircuitAsync();
    }

    public async Task AddToCartAsync(string productName)
    {
        var before = await CartCountAsync();
        await AddToCartButton(productName).ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(CartSummary).ToHaveTextAsync($"Cart ({before + 1})");
    }

    /// <summary>Adds the first product that is in stock and returns its name.</summary>
    public async Task<string> AddFirstInStockAsync()
    {
        var button = Page.GetByRole(AriaRole.Button, new() { NameRegex = AddLabel(), Disabled = false }).First;
        var label = await button.GetAttributeAsync("aria-label")
            ?? throw new InvalidOperationException("Add-to-cart buttons must carry an aria-label.");
        await button.ClickAsync();
        return AddLabel().Match(label).Groups["name"].Value;
    }

    public async Task JoinWaitlistAsync(string productName, string email)
    {
        await JoinWaitlistButton(productName).ClickAsync();
        await WaitlistEmail(productName).FillAsync(email);
        await Product(productName).GetByRole(AriaRole.Button, new() { Name = "Join", Exact = true }).ClickAsync();
    }

    [GeneratedRegex("^Add (?<name>.+) to cart$")]
    private static partial Regex AddLabel();

    [GeneratedRegex("products$")]
    private static partial Regex ProductsCount();
}
