using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// Journey 14: where the order goes. An address refused field by field changes nothing; a Californian address with
/// Express delivery pays California's sales tax on the goods and the shipping, and the order carries the address to the
/// confirmation, the order page and the admin's order.
/// </summary>
public sealed class ShippingJourneyTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task J14_AddressRefusedFieldByField_ThenShippedExpressToCalifornia_WithSalesTax() => JourneyAsync(async journey =>
    {
        const string email = "j14@example.com";
        var page = await journey.NewPageAsync("shopper");
        var checkout = await Journeys.GoToCheckoutWithAsync(page, "Brewing Scale");
        await checkout.FillContactAsync(email, "Mary Jackson");
        await checkout.ReserveAsync();
        await Expect(checkout.OrderSummary.GetByTestId("shipping")).ToHaveTextAsync("Calculated at the next step");

        // A ZIP code of four digits and no state: each field says what is wrong, and the shopper stays on the step.
        await checkout.Street.FillAsync("1 Market Street");
        await checkout.City.FillAsync("San Francisco");
        await checkout.EnterZipAsync("9410");
        await Expect(checkout.PostalCode).ToHaveAttributeAsync("aria-invalid", "true");
        await checkout.ContinueButton.ClickAsync();
        await Expect(checkout.ShippingRefusal).ToBeVisibleAsync();
        await Expect(page.GetByText("Enter a US ZIP code like 94103 or 94103-1234.")).ToBeVisibleAsync();
        await Expect(page.GetByText("Choose a state.").First).ToBeVisibleAsync();
        await checkout.ExpectStepAsync(CheckoutPage.ShippingHeading);
        Assert.Null((await Shop.CheckoutOfAsync(page.Url)).Delivery);

        await checkout.ChooseStateAsync("California");
        await checkout.EnterZipAsync("94103");
        await checkout.ExpectNoInvalidFieldAsync();
        await Expect(checkout.DeliveryMethod("Standard")).ToBeCheckedAsync();
        await checkout.DeliveryMethod("Express").CheckAsync();
        await checkout.ContinueButton.ClickAsync();
        await checkout.ExpectStepAsync("Promo code");

        // 39.90 + 14.99 Express; California's 7.25 % on each: 2.89 + 1.09.
        await Expect(checkout.OrderSummary.GetByTestId("tax")).ToContainTextAsync("Sales tax");
        await Expect(checkout.OrderSummary.GetByTestId("tax")).ToContainTextAsync("USD 3.98");
        await checkout.PaymentAndReviewAsync();
        await Expect(page.GetByTestId("ship-to-address")).ToContainTextAsync("San Francisco, CA 94103");
        await Expect(checkout.PayButton).ToHaveTextAsync("Pay USD 58.87");
        await checkout.PayButton.ClickAsync();

        var confirmation = new ConfirmationPage(page);
        var number = await confirmation.WaitForOrderNumberAsync();
        await Expect(page.GetByTestId("ship-to-method")).ToHaveTextAsync("Express");
        await confirmation.TrackOrderLink.ClickAsync();
        var order = new OrderPage(page);
        await Expect(order.Heading(number)).ToBeVisibleAsync();
        await Expect(page.GetByTestId("ship-to-address")).ToContainTextAsync("1 Market Street");
        await Expect(page.GetByTestId("tax")).ToContainTextAsync("USD 3.98");

        var placed = Assert.Single(await Shop.OrdersAsync(email));
        var stored = await Shop.OrderAsync(placed.OrderId);
        Assert.Equal((5887L, 398L, "Express", "94103", "CA"),
            (stored.TotalMinor, stored.TaxMinor, stored.DeliveryMethod?.Name, stored.ShippingAddress?.PostalCode, stored.ShippingAddress?.Region));
    });
}
