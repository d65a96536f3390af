using Checkout.E2E.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>Steps many journeys share.</summary>
public static class Journeys
{
    /// <summary>From the catalog, through the cart, to the first step of checkout with one <paramref name="product"/>.</summary>
    public static async Task<CheckoutPage> GoToCheckoutWithAsync(IPage page, string product)
    {
        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        await catalog.AddToCartAsync(product);
        await catalog.CartLink.ClickAsync();
        var cart = new CartPage(page);
        await Expect(cart.Quantity(product)).ToHaveTextAsync("1");
        await cart.GoToCheckout.ClickAsync();
        var checkout = new CheckoutPage(page);
        await Expect(checkout.Heading).ToBeVisibleAsync();
        await checkout.WaitForCircuitAsync();
        return checkout;
    }

    /// <summary>A shopper who reserved <paramref name="product"/>, gave a Portland address and is on the promo step.</summary>
    public static async Task<CheckoutPage> ReserveAsync(IPage page, string product, string email, string name)
    {
        var checkout = await GoToCheckoutWithAsync(page, product);
        await checkout.FillContactAsync(email, name);
        await checkout.ReserveAsync();
        await checkout.ShipToPortlandAsync();
        return checkout;
    }
}
