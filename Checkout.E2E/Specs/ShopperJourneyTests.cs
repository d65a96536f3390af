using System.Text.RegularExpressions;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// Journeys 1, 2, 3, 7 and 12: a shopper browsing, paying (with a promo, after a decline, after a price change) and
/// doing it all on a phone. The tests share one shop, so each buys its own product and uses its own email.
/// </summary>
public sealed class ShopperJourneyTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task J01_BrowseFilterAdd_ChangeQuantity_Reload_KeepsTheCart() => JourneyAsync(async journey =>
    {
        var page = await journey.NewPageAsync("shopper");
        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        await Expect(catalog.ResultCount).ToHaveTextAsync("13 products");

        await catalog.Category("Tea").ClickAsync();
        await Expect(catalog.ResultCount).ToHaveTextAsync("Showing 4 of 13 products");
        await Expect(catalog.Products).ToHaveCountAsync(4);
        await catalog.Search.FillAsync("sencha");
        await Expect(catalog.ResultCount).ToHaveTextAsync("Showing 1 of 13 products");
        await Expect(catalog.Product("Sencha Green Tea")).ToBeVisibleAsync();

        await catalog.AddToCartAsync("Sencha Green Tea");
        await catalog.CartLink.ClickAsync();

        var cart = new CartPage(page);
        await Expect(cart.Heading).ToBeVisibleAsync();
        await Expect(cart.Lines).ToHaveCountAsync(1);
        await Expect(cart.Quantity("Sencha Green Tea")).ToHaveTextAsync("1");
        await cart.OneMore("Sencha Green Tea").ClickAsync();
        await Expect(cart.Quantity("Sencha Green Tea")).ToHaveTextAsync("2");
        await Expect(cart.Subtotal).ToHaveTextAsync("USD 31.80");
        await Expect(cart.CartSummary).ToHaveTextAsync("Cart (2)");

        await page.ReloadAsync();
        await cart.WaitForCircuitAsync();
        await Expect(cart.Quantity("Sencha Green Tea")).ToHaveTextAsync("2");
        await Expect(cart.Subtotal).ToHaveTextAsync("USD 31.80");
        await Expect(cart.CartSummary).ToHaveTextAsync("Cart (2)");
    });

    [Fact]
    public Task J02_Checkout_WithPromoAndApprovedCard_ConfirmsTheOrder() => JourneyAsync(async journey =>
    {
        const string email = "j02@example.com";
        var page = await journey.NewPageAsync("shopper");
        var checkout = await Journeys.GoToCheckoutWithAsync(page, "Brewing Scale");

        await checkout.FillContactAsync(email, "Ada Lovelace");
        await checkout.ReserveAsync();
        await checkout.ShipToPortlandAsync();

        // The countdown is visible and runs down, second by second.
        var first = await checkout.Countdown.InnerTextAsync();
        await Expect(checkout.Countdown).Not.ToHaveTextAsync(first);
        Assert.True(await checkout.SecondsLeftAsync() < CheckoutPage.ToSeconds(first), "The countdown did not go down.");

        await checkout.ApplyPromoAsync("welcome10");
        await Expect(checkout.PromoStatus).ToHaveTextAsync("WELCOME10 applied: you save USD 3.99.");
        await Expect(checkout.OrderSummary).ToContainTextAsync("Discount (WELCOME10)");

        await checkout.PaymentAndReviewAsync();
        await Expect(checkout.ReviewLines).ToHaveTextAsync(new Regex(@"^Brewing Scale × 1\s*USD 39\.90$"));
        await Expect(checkout.PayButton).ToHaveTextAsync("Pay USD 40.90");
        await checkout.PayButton.ClickAsync();

        var confirmation = new ConfirmationPage(page);
        var number = await confirmation.WaitForOrderNumberAsync();
        await Expect(confirmation.Status).ToHaveTextAsync("Status: Confirmed");

        await confirmation.TrackOrderLink.ClickAsync();
        var order = new OrderPage(page);
        await Expect(order.Heading(number)).ToBeVisibleAsync();
        await Expect(order.Status).ToContainTextAsync("CONFIRMED");
        await Expect(order.Timeline).ToHaveTextAsync([
            new Regex(@"^Placed as PENDING\b"),
            OrderPage.Change("PENDING", "PAYMENT_AUTHORIZED"),
            OrderPage.Change("PAYMENT_AUTHORIZED", "CONFIRMED"),
        ]);
        await Expect(order.PaymentSummary).ToHaveTextAsync("USD 40.90 charged.");
    });

    [Fact]
    public Task OrderNumberAlone_OpensNothing_TheOrdersLinkOpensTheOrder() => InBrowserAsync(async page =>
    {
        var placed = await Shop.PlaceOrderAsync("number-alone@example.com", "COF-KETTLE");
        var order = new OrderPage(page);

        // The number as it is said on the phone or shown in the admin grid: the same answer as for an unknown number.
        await order.GoToAsync($"/orders/{placed.OrderNumber}");
        await Expect(order.NotFoundHeading).ToBeVisibleAsync();
        await Expect(page.GetByText(placed.Email)).ToHaveCountAsync(0);
        await Expect(order.Heading(placed.OrderNumber)).ToHaveCountAsync(0);

        await order.OpenAsync(Shop.OrderLink(placed), placed.OrderNumber);
        await Expect(order.Status).ToContainTextAsync("CONFIRMED");
    });

    [Fact]
    public Task J03_DeclinedCard_ThenAnotherCard_EndsWithOneOrder() => JourneyAsync(async journey =>
    {
        const string email = "j03@example.com";
        var page = await journey.NewPageAsync("shopper");
        var checkout = await Journeys.GoToCheckoutWithAsync(page, "Canvas Tote");
        await checkout.FillContactAsync(email, "Grace Hopper");
        await checkout.ReserveAsync();
        await checkout.ShipToPortlandAsync();
        await checkout.PaymentAndReviewAsync(Cards.Declined);
        await checkout.PayButton.ClickAsync();

        await Expect(checkout.Notice).ToContainTextAsync("The card was declined.");
        await Expect(checkout.Notice).ToContainTextAsync("Nothing was charged. Your items are reserved again — try another card.");
        await checkout.ExpectStepAsync("Payment");
        await Expect(checkout.CardNumber).ToBeEmptyAsync();
        await Expect(checkout.Countdown).ToBeVisibleAsync();

        await checkout.EnterCardAsync(Cards.Approved);
        await checkout.ReviewAsync();
        await checkout.PayButton.ClickAsync();
        var number = await new ConfirmationPage(page).WaitForOrderNumberAsync();

        var orders = await Shop.OrdersAsync(email);
        Output.WriteLine($"Orders of {email}: {string.Join(", ", orders.Select(o => $"{o.OrderNumber} {o.Status} {o.PaymentStatus}"))}");
        var paid = Assert.Single(orders, o => o.Status != "CANCELLED");
        Assert.Equal((number, "CONFIRMED", "CAPTURED"), (paid.OrderNumber, paid.Status, paid.PaymentStatus));
        Assert.Equal(1, await Shop.CapturesForAsync(email));
    });

    [Fact]
    public Task J07_PriceChangedByTheShop_ShopperSeesWasAndNow_AndMustAccept() => JourneyAsync(async journey =>
    {
        const string email = "j07@example.com";
        var page = await journey.NewPageAsync("shopper");
        var checkout = await Journeys.GoToCheckoutWithAsync(page, "Stoneware Mug");
        await checkout.FillContactAsync(email, "Alan Turing");

        // Between the cart and the payment, the shop reprices the mug from 14.90 to 17.90.
        await Shop.ChangePriceAsync("GEAR-MUG", 1790);
        await checkout.ContinueButton.ClickAsync();

        await Expect(checkout.ProblemHeading).ToHaveTextAsync("Some prices changed since you added the items");
        await Expect(checkout.ProblemItems).ToHaveTextAsync(["Stoneware Mug: was USD 14.90, now USD 17.90"]);
        // Nothing is reserved and the shopper cannot go on without accepting.
        await Expect(checkout.Reservation).ToBeHiddenAsync();
        await checkout.ContinueButton.ClickAsync();
        await Expect(checkout.ProblemHeading).ToHaveTextAsync("Some prices changed since you added the items");
        await Expect(checkout.Reservation).ToBeHiddenAsync();

        await checkout.AcceptNewPricesButton.ClickAsync();
        await checkout.ExpectStepAsync(CheckoutPage.ShippingHeading);
        await Expect(checkout.Countdown).ToBeVisibleAsync();
        await checkout.ShipToPortlandAsync();
        await Expect(checkout.ProblemHeading).ToBeHiddenAsync();
        await checkout.PaymentAndReviewAsync();
        await Expect(checkout.ReviewLines).ToHaveTextAsync(new Regex(@"^Stoneware Mug × 1\s*USD 17\.90$"));
        await Expect(checkout.PayButton).ToHaveTextAsync("Pay USD 22.89");
        await checkout.PayButton.ClickAsync();
        await new ConfirmationPage(page).WaitForOrderNumberAsync();

        var order = Assert.Single(await Shop.OrdersAsync(email));
        Assert.Equal(2289, order.TotalMinor);
    });

    [Fact]
    public Task J12_OnAPhone_TheWholeCheckoutWorks() => JourneyAsync(async journey =>
    {
        const string email = "j12@example.com";
        var page = await journey.NewPageAsync("phone", Journey.Phone);
        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        await catalog.AddToCartAsync("Earl Grey Tin");
        await catalog.CartLink.ClickAsync();

        var cart = new CartPage(page);
        await Expect(cart.Quantity("Earl Grey Tin")).ToHaveTextAsync("1");
        await cart.GoToCheckout.ClickAsync();

        var checkout = new CheckoutPage(page);
        await checkout.WaitForCircuitAsync();
        await checkout.FillContactAsync(email, "Katherine Johnson");
        await checkout.ReserveAsync();
        await checkout.ShipToPortlandAsync();
        await checkout.ApplyPromoAsync("FREESHIP");
        await Expect(checkout.PromoStatus).ToHaveTextAsync("FREESHIP applied: shipping is free.");
        await checkout.PaymentAndReviewAsync();
        await Expect(checkout.PayButton).ToHaveTextAsync("Pay USD 9.90");
        await checkout.PayButton.ClickAsync();

        var confirmation = new ConfirmationPage(page);
        var number = await confirmation.WaitForOrderNumberAsync();
        await confirmation.TrackOrderLink.ClickAsync();
        var order = new OrderPage(page);
        await Expect(order.Heading(number)).ToBeVisibleAsync();
        await Expect(order.Status).ToContainTextAsync("CONFIRMED");
        Assert.Equal(375, page.ViewportSize!.Width);
    });
}
