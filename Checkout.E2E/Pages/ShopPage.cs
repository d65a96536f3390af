using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Checkout.E2E.Pages;

/// <summary>What every storefront page has: the app bar's cart summary and the marker of a live circuit.</summary>
public abstract partial class ShopPage(IPage page)
{
    public IPage Page { get; } = page;

    /// <summary>The app bar's live cart count: "Cart (2)", named "Cart, 2 items".</summary>
    public ILocator CartSummary => Page.GetByRole(AriaRole.Status, new() { NameRegex = CartLabel() });

    public ILocator CartLink => Page.GetByRole(AriaRole.Link, new() { NameRegex = CartLabel() });

    /// <summary>Present only once the Blazor circuit is up and clicks reach the server.</summary>
    public ILocator InteractiveMarker => Page.GetByTestId("interactive");

    /// <summary>
    /// The picture beside a line's product name (a cart's, a checkout's review, an order's). It is decorative (its
    /// <c>alt</c> is empty, the name beside it says what it is), so it has no role or name to be found by.
    /// </summary>
    public static ILocator LinePicture(ILocator line) => line.Locator("img");

    /// <summary>Waits for the circuit: before it, the prerendered page shows but ignores clicks.</summary>
    public Task WaitForCircuitAsync() => InteractiveMarker.WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public async Task<int> CartCountAsync()
    {
        var text = await CartSummary.InnerTextAsync();
        return int.Parse(CartCount().Match(text).Groups["n"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^Cart")]
    private static partial Regex CartLabel();

    [GeneratedRegex(@"\((?<n>\d+)\)")]
    private static partial Regex CartCount();
}
