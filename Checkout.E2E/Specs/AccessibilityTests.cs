using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Checkout.E2E.Pages.Admin;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// axe-core on every page a shopper and an admin reach, in the light and the dark colour scheme (the shop follows the
/// browser's): 0 serious or critical violations. Each test walks its pages and fails once, at the end, with every
/// finding of every page.
/// </summary>
public sealed class AccessibilityTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public Task Storefront_CatalogCartEachCheckoutStepConfirmationAndOrder_HaveNoSeriousViolations(ColorScheme scheme) => JourneyAsync(async journey =>
    {
        var audit = new AccessibilityAudit(Output, scheme);
        var page = await journey.NewPageAsync("shopper", new() { ColorScheme = scheme });

        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        await Expect(catalog.Products.First).ToBeVisibleAsync();
        await audit.CheckAsync(page, "catalog");

        await catalog.AddToCartAsync("Steel Infuser");
        await catalog.CartLink.ClickAsync();
        var cart = new CartPage(page);
        await Expect(cart.Quantity("Steel Infuser")).ToHaveTextAsync("1");
        await audit.CheckAsync(page, "cart");

        await cart.GoToCheckout.ClickAsync();
        var checkout = new CheckoutPage(page);
        await checkout.WaitForCircuitAsync();
        await checkout.ExpectStepAsync("Contact details");
        await audit.CheckAsync(page, "checkout: contact");

        await checkout.FillContactAsync($"a11y-{scheme}@example.com".ToLowerInvariant(), "Axe Shopper");
        await checkout.ReserveAsync();
        await audit.CheckAsync(page, "checkout: shipping");
        // A refused address: every field's message and the summary are audited too.
        await checkout.EnterZipAsync("123");
        await Expect(checkout.PostalCode).ToHaveAttributeAsync("aria-invalid", "true");
        await checkout.ContinueButton.ClickAsync();
        await Expect(checkout.ShippingRefusal).ToBeVisibleAsync();
        await audit.CheckAsync(page, "checkout: shipping, refused");
        await checkout.FillUsAddressAsync("1 Market Street", "San Francisco", "California", "94103");
        await checkout.ExpectNoInvalidFieldAsync();
        await Expect(checkout.DeliveryMethod("Express")).ToBeVisibleAsync();
        await checkout.ContinueButton.ClickAsync();
        await checkout.ExpectStepAsync("Promo code");
        await checkout.ApplyPromoAsync("WELCOME10");
        await Expect(checkout.PromoStatus).ToContainTextAsync("applied");
        await audit.CheckAsync(page, "checkout: promo code");

        await checkout.ContinueToPaymentAsync();
        await audit.CheckAsync(page, "checkout: payment");

        await checkout.EnterCardAsync(Cards.Approved);
        await checkout.ReviewAsync();
        await audit.CheckAsync(page, "checkout: review");

        await checkout.PayButton.ClickAsync();
        var confirmation = new ConfirmationPage(page);
        var number = await confirmation.WaitForOrderNumberAsync();
        await audit.CheckAsync(page, "confirmation");

        await confirmation.TrackOrderLink.ClickAsync();
        var order = new OrderPage(page);
        await Expect(order.Heading(number)).ToBeVisibleAsync();
        await Expect(order.Timeline).ToHaveCountAsync(3);
        await audit.CheckAsync(page, "order");

        audit.AssertNoSeriousViolations();
    }, $"{nameof(Storefront_CatalogCartEachCheckoutStepConfirmationAndOrder_HaveNoSeriousViolations)}.{scheme}");

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public Task Storefront_FindMyOrderYourOrdersAndAWaitlistClaim_HaveNoSeriousViolations(ColorScheme scheme) => JourneyAsync(async journey =>
    {
        var audit = new AccessibilityAudit(Output, scheme);
        var email = $"a11y-find-{scheme}@example.com".ToLowerInvariant();
        var order = await Shop.PlaceOrderAsync(email, "TEA-SENCHA");
        var page = await journey.NewPageAsync("shopper", new() { ColorScheme = scheme });

        var find = new FindOrderPage(page);
        await page.GotoAsync("orders/find");
        await Expect(find.Heading).ToBeVisibleAsync();
        await audit.CheckAsync(page, "find my order");
        await find.AskAsync("not-an-email", "");
        await Expect(find.Email).ToHaveAttributeAsync("aria-invalid", "true");
        await audit.CheckAsync(page, "find my order, refused");
        await find.Email.FillAsync(email);
        await find.OrderNumber.FillAsync(order.OrderNumber);
        await find.SendButton.ClickAsync();
        await Expect(find.Sent).ToBeVisibleAsync();
        await audit.CheckAsync(page, "find my order, sent");

        await page.GotoAsync(Shop.OrdersLink(email).TrimStart('/'));
        await Expect(find.OrderLink(order.OrderNumber)).ToBeVisibleAsync();
        await audit.CheckAsync(page, "your orders");
        await page.GotoAsync("orders/mine?token=not-a-token");
        await Expect(page.GetByTestId("lookup-refused")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "your orders, link refused");

        await page.GotoAsync((await Shop.OfferedClaimLinkAsync("GEAR-MUG", $"a11y-claim-{scheme}@example.com".ToLowerInvariant())).TrimStart('/'));
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Claim and check out" })).ToBeVisibleAsync();
        await audit.CheckAsync(page, "waitlist claim");

        audit.AssertNoSeriousViolations();
    }, $"{nameof(Storefront_FindMyOrderYourOrdersAndAWaitlistClaim_HaveNoSeriousViolations)}.{scheme}");

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public Task Admin_SignInDashboardOrdersOrderPromosEditorsAndInventory_HaveNoSeriousViolations(ColorScheme scheme) => JourneyAsync(async journey =>
    {
        var audit = new AccessibilityAudit(Output, scheme);
        // An order today and a code with a use: every chart of the dashboard and the code's usage chart have data.
        var placed = await Shop.PlaceOrderAsync($"a11y-admin-{scheme}@example.com".ToLowerInvariant(), "GEAR-TOTE", promoCode: "WELCOME10");
        var page = await journey.NewPageAsync("admin", new() { ColorScheme = scheme });

        var signIn = new SignInPage(page);
        await signIn.OpenAsync();
        await audit.CheckAsync(page, "admin: sign-in");

        await signIn.SignInAsync(Shop.AdminEmail, Shop.AdminPassword);
        var dashboard = new DashboardPage(page);
        await dashboard.WaitForCircuitAsync();
        await dashboard.ExpectAllInvariantsHoldAsync();
        await Expect(dashboard.Chart("Orders per hour")).ToBeVisibleAsync();
        await Expect(dashboard.Chart("Revenue per hour")).ToBeVisibleAsync();
        await Expect(dashboard.Chart("Holds closed today")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: dashboard");

        var orders = new OrdersPage(page);
        await orders.OpenAsync();
        await Expect(orders.OrderLink(placed.OrderNumber)).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: orders");

        await orders.OrderLink(placed.OrderNumber).ClickAsync();
        var detail = new OrderDetailPage(page);
        await Expect(detail.Heading(placed.OrderNumber)).ToBeVisibleAsync();
        await Expect(detail.Action("Ship")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: order detail");

        var promos = new PromosPage(page);
        await promos.OpenAsync();
        await Expect(promos.Row("WELCOME10")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: promo codes");

        await promos.CodeLink("WELCOME10").ClickAsync();
        await Expect(promos.CodeHeading("WELCOME10")).ToBeVisibleAsync();
        await Expect(promos.UsageChart("WELCOME10")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: promo code editor");

        await promos.OpenAsync();
        await promos.NewCodeLink.ClickAsync();
        await Expect(promos.EditorHeading).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: new promo code");

        var products = new ProductsPage(page);
        await products.OpenAsync();
        await Expect(products.ProductLink("GEAR-TOTE")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: products");

        var tote = await products.FindAndOpenAsync("tote", "GEAR-TOTE");
        await Expect(tote.Heading("Canvas Tote")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: product");

        await products.OpenAsync();
        await products.NewProductLink.ClickAsync();
        await Expect(tote.Heading("New product")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: new product");

        var inventory = new InventoryPage(page);
        await inventory.OpenAsync();
        await Expect(inventory.Row("GEAR-TOTE")).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: inventory");

        var delivery = new DeliveryPage(page);
        await delivery.OpenAsync();
        await Expect(page.GetByText("United Kingdom and Europe").First).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: delivery");

        var tax = new TaxRatesPage(page);
        await tax.OpenAsync();
        await Expect(page.GetByText("Sales tax").First).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: tax rates");

        var operations = new OperationsPage(page);
        await operations.OpenAsync();
        await Expect(operations.Figure("shoppers-online")).Not.ToBeEmptyAsync();
        await audit.CheckAsync(page, "admin: operations");

        // The demo catalog's pictures are entries of the log from the start, each with the fields it set.
        var log = new AuditLogPage(page);
        await log.OpenAsync();
        await Expect(log.Entry("product.image.set").First).ToBeVisibleAsync();
        await audit.CheckAsync(page, "admin: audit log");

        audit.AssertNoSeriousViolations();
    }, $"{nameof(Admin_SignInDashboardOrdersOrderPromosEditorsAndInventory_HaveNoSeriousViolations)}.{scheme}");
}
