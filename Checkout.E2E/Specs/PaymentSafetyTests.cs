using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// Journey 4: an impatient shopper double-clicks Pay and reloads while the payment is on its way; and journey 13: the
/// same shopper checks out one cart from two tabs.
/// </summary>
public sealed class PaymentSafetyTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task J04_DoubleClickOnPay_AndAReloadDuringPayment_StillOneOrderAndOneCharge() => JourneyAsync(async journey =>
    {
        const string email = "j04@example.com";
        var page = await journey.NewPageAsync("shopper");
        var checkout = await Journeys.ReserveAsync(page, "Gooseneck Kettle", email, "Barbara Liskov");
        var checkoutAddress = page.Url;
        Assert.Contains("session=", checkoutAddress, StringComparison.Ordinal);
        await checkout.PaymentAndReviewAsync();

        // The gateway keeps the authorization waiting until the test lets it answer: the payment is in flight for
        // exactly as long as this journey needs.
        Shop.Gateway.Shut();
        try
        {
            await checkout.PayButton.DblClickAsync();
            await Expect(checkout.PayButton).ToHaveTextAsync("Paying…");
            await Expect(checkout.PayButton).ToBeDisabledAsync();
            await Eventually.TrueAsync(() => Shop.Gateway.Waiting == 1, "the payment reached the gateway");

            await page.ReloadAsync();
            await checkout.WaitForCircuitAsync();
            // The reload resumes the same checkout (the address names it) with the items still reserved.
            Assert.Equal(checkoutAddress, page.Url);
            await checkout.ExpectStepAsync("Promo code");
            await Expect(checkout.Countdown).ToBeVisibleAsync();

            // Not knowing whether it went through, the shopper pays again while the first payment still waits.
            await checkout.PaymentAndReviewAsync();
            await checkout.PayButton.ClickAsync();
            await Expect(checkout.PayButton).ToHaveTextAsync("Paying…");
            await Eventually.TrueAsync(() => Shop.Gateway.Waiting == 2, "the second payment reached the gateway");
        }
        finally
        {
            Shop.Gateway.Open();
        }

        var number = await new ConfirmationPage(page).WaitForOrderNumberAsync();
        var order = Assert.Single(await Shop.OrdersAsync(email));
        Assert.Equal((number, "CONFIRMED", "CAPTURED"), (order.OrderNumber, order.Status, order.PaymentStatus));
        var payment = (await Shop.OrderAsync(order.OrderId)).Payment!;
        Assert.Equal((order.TotalMinor, order.TotalMinor), (payment.AmountMinor, payment.CapturedMinor));
        Assert.Equal(1, await Shop.CapturesForAsync(email));
    });

    [Fact]
    public Task J13_TwoTabsOnOneCart_ReserveOnceAndOrderOnce_ThenTheCartStartsAfresh() => JourneyAsync(async journey =>
    {
        const string email = "j13@example.com";
        var first = await journey.NewPageAsync("shopper");
        var firstCheckout = await Journeys.ReserveAsync(first, "Espresso Beans 1 kg", email, "Grace Hopper");

        // A second tab of the same browser (same cart cookie) goes through the contact step too.
        var second = await first.Context.NewPageAsync();
        var secondCheckout = new CheckoutPage(second);
        await secondCheckout.OpenAsync();
        await secondCheckout.FillContactAsync(email, "Grace Hopper");
        await secondCheckout.ReserveAsync();
        Assert.Equal(SessionOf(first.Url), SessionOf(second.Url));
        // The one checkout ships where the first tab said: the second finds that address filled in.
        await Expect(secondCheckout.City).ToHaveValueAsync("Portland");
        await secondCheckout.ContinueButton.ClickAsync();
        await secondCheckout.ExpectStepAsync("Promo code");
        var held = await Shop.StockAsync("COF-ESPRESSO");
        Assert.Equal((39, 1, 0), (held.Available, held.Reserved, held.Sold));

        // Both tabs pay the one checkout: one order, one charge, and both show it.
        await firstCheckout.PaymentAndReviewAsync();
        await firstCheckout.PayButton.ClickAsync();
        var number = await new ConfirmationPage(first).WaitForOrderNumberAsync();
        await secondCheckout.PaymentAndReviewAsync();
        await secondCheckout.PayButton.ClickAsync();
        Assert.Equal(number, await new ConfirmationPage(second).WaitForOrderNumberAsync());
        Assert.Single(await Shop.OrdersAsync(email));
        Assert.Equal(1, await Shop.CapturesForAsync(email));

        // The cart became the order: a tab on the cart now shows a new, empty one, and adding goes there.
        var cart = new CartPage(second);
        await cart.OpenAsync();
        await Expect(cart.EmptyMessage).ToBeVisibleAsync();
        await Expect(cart.CartSummary).ToHaveTextAsync("Cart (0)");
        var sold = await Shop.StockAsync("COF-ESPRESSO");
        Assert.Equal((39, 0, 1), (sold.Available, sold.Reserved, sold.Sold));
    });

    private static string SessionOf(string url) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["session"] ?? throw new InvalidOperationException($"No session in {url}.");
}
