using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Checkout.E2E.Pages;

/// <summary>The storefront home page: the product grid and the cart summary in the app bar.</summary>
public sealed partial class CatalogPage(IPage page)
{
    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = "Catalog", Level = 1 });

    public ILocator Products => page
        .GetByRole(AriaRole.List, new() { Name = "Products" })
        .GetByRole(AriaRole.Listitem);

    public ILocator CartSummary => page.GetByRole(AriaRole.Status, new() { NameRegex = CartLabel() });

    /// <summary>Present only once the Blazor circuit is up and clicks reach the server.</summary>
    public ILocator InteractiveMarker => page.GetByTestId("interactive");

    public ILocator AddToCartButton(string productName) =>
        page.GetByRole(AriaRole.Button, new() { Name = $"Add {productName} to cart", Exact = true });

    public async Task OpenAsync()
    {
        await page.GotoAsync("/");
        await InteractiveMarker.WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    /// <summary>Adds the first product that is in stock and returns its name.</summary>
    public async Task<string> AddFirstInStockAsync()
    {
        var button = page.GetByRole(AriaRole.Button, new() { NameRegex = AddLabel(), Disabled = false }).First;
        var label = await button.GetAttributeAsync("aria-label")
            ?? throw new InvalidOperationException("Add-to-cart buttons must carry an aria-label.");
        await button.ClickAsync();
        return AddLabel().Match(label).Groups["name"].Value;
    }

    [GeneratedRegex("^Add (?<name>.+) to cart$")]
    private static partial Regex AddLabel();

    [GeneratedRegex("^Cart")]
    private static partial Regex CartLabel();
}
