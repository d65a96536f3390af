using Bunit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Shipping;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using static Checkout.Tests.Components.ShippingForm;

namespace Checkout.Tests.Components;

/// <summary>
/// The checkout's shipping step, over the real checkout and the shop's seeded zones, methods and tax rates: the form
/// says field by field what the address rules refuse and stores nothing then; a good address lists its country's
/// methods, and once saved the totals carry the chosen method's price and the destination's tax.
/// </summary>
public class ShippingStepTests : CheckoutTestContext
{
    private static readonly ShippingAddressInput SanFrancisco = new("Sam Shopper", "1 Market Street", "Suite 200", "San Francisco", "CA", "94105", "US", null);
    private static readonly ShippingAddressInput Toronto = new("Sam Shopper", "290 Bremner Blvd", null, "Toronto", "ON", "m5v3l9", "CA", "+1 416 555 0100");

    [Fact]
    public async Task EveryField_IsLabelled_WithItsAutocompleteHint()
    {
        var cut = await OpenShippingAsync();

        Assert.Equal("name", InputLabelled(cut, "Recipient's name").GetAttribute("autocomplete"));
        Assert.Equal("address-line1", InputLabelled(cut, "Street address").GetAttribute("autocomplete"));
        Assert.Equal("address-line2", InputLabelled(cut, "Apartment, suite, unit (optional)").GetAttribute("autocomplete"));
        Assert.Equal("address-level2", InputLabelled(cut, "Town or city").GetAttribute("autocomplete"));
        Assert.Equal("postal-code", InputLabelled(cut, "ZIP or postal code").GetAttribute("autocomplete"));
        Assert.Equal("tel", InputLabelled(cut, "Phone (optional)").GetAttribute("autocomplete"));
        Assert.Equal(("ship-country", "country"), (InputLabelled(cut, "Country").GetAttribute("data-testid"), InputLabelled(cut, "Country").GetAttribute("autocomplete")));
        Assert.Equal(("ship-region", "address-level1"), (InputLabelled(cut, "State").GetAttribute("data-testid"), InputLabelled(cut, "State").GetAttribute("autocomplete")));
        Assert.Equal("Delivery method", cut.Find("[data-testid=delivery-options] legend").TextContent.Trim());

        // A country without listed regions takes the region as optional text.
        await ChooseAsync(cut, "country", "GB");

        Assert.Equal("address-level1", InputLabelled(cut, "County or region (optional)").GetAttribute("autocomplete"));
    }

    [Fact]
    public async Task ABadZipAndNoState_AreNamedOnTheirFields_AndNothingIsStored()
    {
        var cut = await OpenShippingAsync();
        await FillAsync(cut, SanFrancisco with { Region = null, PostalCode = "9410" });

        // Leaving the field is enough for its own message; the state, not chosen yet, says nothing so far.
        Assert.Equal("Enter a US ZIP code like 94103 or 94103-1234.", MessageOf(cut, "postalCode"));
        Assert.Null(MessageOf(cut, "region"));
        Assert.Empty(cut.FindAll("[data-testid=shipping-refusal]"));

        await ContinueAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal("Choose a state.", MessageOf(cut, "region")));
        Assert.Equal("Enter a US ZIP code like 94103 or 94103-1234.", MessageOf(cut, "postalCode"));
        Assert.Equal("true", Field(cut, "postalCode").GetAttribute("aria-invalid"));
        Assert.Null(MessageOf(cut, "city"));
        Assert.Equal("Check the shipping address: Choose a state.", cut.Find("[role=alert] [data-testid=shipping-refusal]").TextContent.Trim());
        Assert.Equal(Heading, StepHeading(cut));
        var stored = await StoredAsync();
        Assert.Null(stored.Delivery);
        Assert.Equal((0L, 0L), (stored.ShippingMinor, stored.TaxMinor));
        Assert.Equal("Calculated at the next step", cut.Find("[data-testid=shipping]").TextContent.Trim());

        // The state's select says what is wrong where assistive technology reads it.
        var region = Field(cut, "region");
        Assert.Equal("true", region.GetAttribute("aria-invalid"));
        Assert.Equal("Choose a state.", cut.Find($"#{region.GetAttribute("aria-describedby")}").TextContent.Trim());

        // Fixing a field takes its message away as it is left; choosing the state, as it is chosen.
        await TypeAsync(cut, "postalCode", "94105");
        await ChooseAsync(cut, "region", "CA");

        Assert.Null(MessageOf(cut, "postalCode"));
        Assert.Null(MessageOf(cut, "region"));
        Assert.Equal(("false", "California"), (Field(cut, "region").GetAttribute("aria-invalid"), Chosen(cut, "region")));
    }

    [Fact]
    public async Task ACalifornianAddress_ListsTheUsMethods_AndOnceSavedTheTotalsAddTheChosenMethodAndSalesTax()
    {
        var cut = await OpenShippingAsync();
        await FillAsync(cut, SanFrancisco);

        Assert.Equal(["Standard 5–7 business days USD 4.99", "Express 1–2 business days USD 14.99"], Methods(cut));
        Assert.Equal("Standard", ChosenMethod(cut));
        await cut.Find("[data-testid=delivery-option-Express]").ClickAsync(new MouseEventArgs());
        await ContinueAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal("Promo code", StepHeading(cut)));
        // 7.25 % on the goods (362.5 rounds to 363) and on the shipping (108.68 rounds to 109).
        Assert.Equal(["Subtotal USD 50.00", "Shipping (Express) USD 14.99", "Sales tax USD 4.72", "Total USD 69.71"], Totals(cut));
        var stored = await StoredAsync();
        Assert.Equal(("Express", "94105", "CA"), (stored.Delivery?.MethodName, stored.Delivery?.Address.PostalCode, stored.Delivery?.Address.Region));
        Assert.Equal((1499L, 472L, 6971L), (stored.ShippingMinor, stored.TaxMinor, stored.TotalMinor));
    }

    [Fact]
    public async Task AnOregonAddress_HasNoSalesTax()
    {
        var cut = await OpenShippingAsync();

        await ShipAsync(cut, TestAddresses.Portland);

        cut.WaitForAssertion(() => Assert.Equal("Promo code", StepHeading(cut)));
        Assert.Equal(["Subtotal USD 50.00", "Shipping (Standard) USD 4.99", "Total USD 54.99"], Totals(cut));
        Assert.Empty(cut.FindAll("[data-testid=tax]"));
    }

    [Fact]
    public async Task ACanadianAddress_ListsCanadasMethod_AndIsShownAsStoredWhenTheShopperComesBack()
    {
        var cut = await OpenShippingAsync();
        await TypeAsync(cut, "postalCode", Toronto.PostalCode);
        Assert.Equal("Enter a US ZIP code like 94103 or 94103-1234.", MessageOf(cut, "postalCode"));

        await ChooseAsync(cut, "country", "CA");

        // The country decides the postal code's shape, the region's list and the methods.
        Assert.Null(MessageOf(cut, "postalCode"));
        Assert.Equal("ship-region", InputLabelled(cut, "Province or territory").GetAttribute("data-testid"));
        cut.WaitForAssertion(() => Assert.Equal(["Standard 6–10 business days USD 9.99"], Methods(cut)));
        await FillAsync(cut, Toronto);
        await ContinueAsync(cut);
        cut.WaitForAssertion(() => Assert.Equal("Promo code", StepHeading(cut)));
        // Ontario's HST of 13 %: 650.00 on the goods, 1.30 on the shipping.
        Assert.Equal(["Subtotal USD 50.00", "Shipping (Standard) USD 9.99", "HST USD 7.80", "Total USD 67.79"], Totals(cut));

        await ClickAsync(cut, "Back");

        cut.WaitForAssertion(() => Assert.Equal(Heading, StepHeading(cut)));
        Assert.Equal("M5V 3L9", Field(cut, "postalCode").GetAttribute("value"));
        Assert.Equal("Ontario", Chosen(cut, "region"));
        Assert.Equal("Canada", Chosen(cut, "country"));
        Assert.Equal("+1 416 555 0100", Field(cut, "phone").GetAttribute("value"));
        Assert.Equal("Standard", ChosenMethod(cut));
    }

    [Fact]
    public async Task AMethodSwitchedOffMeanwhile_IsRefusedInTheAlert_AndTheMethodsLeftAreOffered()
    {
        var cut = await OpenShippingAsync();
        await FillAsync(cut, SanFrancisco);
        await cut.Find("[data-testid=delivery-option-Express]").ClickAsync(new MouseEventArgs());
        await using (var db = await Shop.DbAsync())
        {
            var express = await db.DeliveryMethods.AsNoTracking().SingleAsync(m => m.Name == "Express");
            ResultAssert.Success(await Shop.Get<DeliveryAdminService>().SetMethodActiveAsync(express.Id, active: false, "admin@shop"));
        }

        await ContinueAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal("That delivery method does not deliver to United States; choose one of the methods offered.",
            cut.Find("[role=alert] [data-testid=shipping-refusal]").TextContent.Trim()));
        Assert.Equal(["Standard 5–7 business days USD 4.99"], Methods(cut));
        Assert.Equal("Standard", ChosenMethod(cut));
        Assert.Null((await StoredAsync()).Delivery);

        await ContinueAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal("Promo code", StepHeading(cut)));
        Assert.Equal("Standard", (await StoredAsync()).Delivery?.MethodName);
    }

    /// <summary>Two mugs (USD 50.00) held under the contact details, on the shipping step.</summary>
    private async Task<IRenderedComponent<CheckoutPage>> OpenShippingAsync()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 2500, stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 2)));
        var cut = await RenderCheckoutAsync();
        await FillContactAsync(cut);
        await ClickAsync(cut, "Continue");
        cut.WaitForAssertion(() => Assert.Equal(Heading, StepHeading(cut)));
        cut.WaitForAssertion(() => Assert.NotEmpty(Methods(cut)));
        return cut;
    }

    private async Task<CheckoutView> StoredAsync()
    {
        await using var db = await Shop.DbAsync();
        var session = await db.CheckoutSessions.AsNoTracking().SingleAsync();
        return ResultAssert.Success(await Shop.Checkouts.GetAsync(session.Id));
    }

    private static List<string> Totals(IRenderedComponent<CheckoutPage> cut) => [.. cut.FindAll("[data-testid=totals] > div").Select(Text)];
}
