using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

public sealed class CatalogSmokeTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task Home_ShowsSeededCatalog_AndAddingAProductCountsItInTheCart() => InBrowserAsync(async page =>
    {
        var catalog = new CatalogPage(page);

        await catalog.OpenAsync();

        await Expect(catalog.Heading).ToBeVisibleAsync();
        await Expect(catalog.Products.Nth(11)).ToBeVisibleAsync(); // at least 12 product cards
        await Expect(catalog.CartSummary).ToHaveTextAsync("Cart (0)");

        await catalog.AddFirstInStockAsync();

        await Expect(catalog.CartSummary).ToHaveTextAsync("Cart (1)");
        await Expect(catalog.CartSummary).ToHaveAttributeAsync("aria-label", "Cart, 1 item");
    });
}
