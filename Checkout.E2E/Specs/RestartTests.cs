using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// A lost circuit: the app restarts (a deployment, a crash) while a shopper is half-way through checkout. The page
/// reconnects on its own to the new app, which no longer knows its circuit, reloads, and resumes the same checkout
/// from its address with the countdown where the stored hold says.
/// </summary>
public sealed class RestartTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task TheAppRestartsMidCheckout_ThePageResumesWithTheCountdownRight_AndTheOrderIsPlaced() => JourneyAsync(async journey =>
    {
        const string email = "restart@example.com";
        var page = await journey.NewPageAsync("shopper");
        var checkout = await Journeys.ReserveAsync(page, "Filter Roast 500 g", email, "Grace Hopper");
        var checkoutAddress = page.Url;
        var held = await Shop.CheckoutOfAsync(checkoutAddress);

        // The reconnect finds a new app that does not know the circuit, so the page reloads itself into a new one
        // (until then the old page still shows everything, disconnected).
        var reloaded = new TaskCompletionSource();
        page.Load += (_, _) => reloaded.TrySetResult();
        await Fixture.RestartAppAsync();
        await reloaded.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await checkout.WaitForCircuitAsync();
        await Expect(checkout.Countdown).ToBeVisibleAsync();
        Assert.Equal(checkoutAddress, page.Url);
        await checkout.ExpectStepAsync("Promo code");
        // The countdown counts to the stored hold's expiry: what was left then, give or take the seconds this took.
        var shown = await checkout.SecondsLeftAsync();
        var left = (held.HoldExpiresAt - DateTimeOffset.UtcNow).TotalSeconds;
        Output.WriteLine($"After the restart the countdown shows {shown} s; the stored hold has {left:0.0} s left.");
        Assert.InRange(shown, left - 5, left + 5);

        await checkout.PaymentAndReviewAsync();
        await checkout.PayButton.ClickAsync();
        var number = await new ConfirmationPage(page).WaitForOrderNumberAsync();

        var order = Assert.Single(await Shop.OrdersAsync(email));
        Assert.Equal((number, "CONFIRMED"), (order.OrderNumber, order.Status));
    });
}
