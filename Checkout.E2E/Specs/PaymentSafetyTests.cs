using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>Journey 4: an impatient shopper double-clicks Pay and reloads while the payment is on its way.</summary>
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
}
