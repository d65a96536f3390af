using System.Text.RegularExpressions;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Checkout.E2E.Pages.Admin;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>Journeys 9, 10, 11 and 17: the back office at work, and kept away from shoppers.</summary>
public sealed partial class AdminJourneyTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task J09_AdminShipsAndDelivers_ShopperFollowsLive_ReturnsIt_AdminAcceptsAndRefunds() => JourneyAsync(async journey =>
    {
        const string email = "j09@example.com";
        var placed = await Shop.PlaceOrderAsync(email, "COF-KETTLE");
        var number = placed.OrderNumber;

        var shopperPage = await journey.NewPageAsync("shopper");
        journey.FinalPage = shopperPage;
        var order = new OrderPage(shopperPage);
        await order.OpenAsync(Shop.OrderLink(placed), number);
        await Expect(order.Status).ToContainTextAsync("CONFIRMED");

        var adminPage = await journey.NewPageAsync("admin");
        var dashboard = await SignInPage.SignInAsAdminAsync(adminPage, Shop.AdminEmail, Shop.AdminPassword);
        await dashboard.NavLink("Orders").ClickAsync();
        var orders = new OrdersPage(adminPage);
        await Expect(orders.Heading).ToBeVisibleAsync();
        var detail = await orders.FindAndOpenAsync(number);
        await Expect(detail.Status).ToHaveTextAsync("CONFIRMED");

        await detail.ShipAsync("TRACK-J09");
        await Expect(order.Status).ToContainTextAsync("SHIPPED");
        await Expect(shopperPage.GetByText("Tracking number TRACK-J09")).ToBeVisibleAsync();

        await detail.DeliverAsync();
        await Expect(order.Status).ToContainTextAsync("DELIVERED");

        await order.StartReturnAsync("It does not fit the counter.");
        await Expect(order.Status).ToContainTextAsync("Your return is started.");
        // The admin's page follows the shopper's return without a reload.
        await Expect(detail.Status).ToHaveTextAsync("RETURN_INITIATED");

        await detail.AcceptReturnAsync();
        await Expect(detail.PaymentRow("State")).ToContainTextAsync("REFUNDED");
        await Expect(detail.PaymentRow("Refunded")).ToContainTextAsync(Usd(placed.TotalMinor));
        await Expect(detail.Timeline.Last).ToHaveTextAsync(OrderPage.Change("RETURN_INITIATED", "RETURNED"));

        await Expect(order.Status).ToContainTextAsync("RETURNED");
        await Expect(order.PaymentSummary).ToHaveTextAsync($"{Usd(placed.TotalMinor)} charged, {Usd(placed.TotalMinor)} refunded.");
        await Expect(order.Timeline).ToHaveTextAsync([
            new Regex(@"^Placed as PENDING\b"),
            OrderPage.Change("PENDING", "PAYMENT_AUTHORIZED"),
            OrderPage.Change("PAYMENT_AUTHORIZED", "CONFIRMED"),
            OrderPage.Change("CONFIRMED", "SHIPPED"),
            OrderPage.Change("SHIPPED", "DELIVERED"),
            OrderPage.Change("DELIVERED", "RETURN_INITIATED"),
            OrderPage.Change("RETURN_INITIATED", "RETURNED"),
        ]);

        var final = await Shop.OrderAsync(placed.OrderId);
        Assert.Equal(("RETURNED", "REFUNDED"), (final.Status, final.Payment!.Status));
        Assert.Equal(final.TotalMinor, final.Payment.RefundedMinor);
    });

    [Fact]
    public Task J17_AdminRepricesAProductOnItsPage_AnOpenCartShowsWasAndNow_ANewCartPaysTheNewPrice() => JourneyAsync(async journey =>
    {
        // A shopper's cart holds the scale at 39.90.
        var shopperPage = await journey.NewPageAsync("shopper");
        var catalog = new CatalogPage(shopperPage);
        await catalog.OpenAsync();
        await catalog.AddToCartAsync("Brewing Scale");

        var adminPage = await journey.NewPageAsync("admin");
        var dashboard = await SignInPage.SignInAsAdminAsync(adminPage, Shop.AdminEmail, Shop.AdminPassword);
        await dashboard.NavLink("Products").ClickAsync();
        var products = new ProductsPage(adminPage);
        await Expect(products.Heading).ToBeVisibleAsync();
        var scale = await products.FindAndOpenAsync("scale", "GEAR-SCALE");
        await Expect(scale.Heading("Brewing Scale")).ToBeVisibleAsync();
        await Expect(scale.Price).ToHaveValueAsync("39.90");

        await scale.RepriceAsync("44.90");

        await Expect(scale.Message).ToContainTextAsync("New carts pay USD 44.90");
        journey.FinalPage = shopperPage;
        await catalog.CartLink.ClickAsync();
        var cart = new CartPage(shopperPage);
        await Expect(cart.Line("Brewing Scale")).ToContainTextAsync("was USD 39.90, now USD 44.90");

        // Someone arriving now pays the new price, with nothing to accept.
        var newcomerPage = await journey.NewPageAsync("newcomer");
        var newcomer = new CatalogPage(newcomerPage);
        await newcomer.OpenAsync();
        await Expect(newcomer.Product("Brewing Scale")).ToContainTextAsync("44.90");
        await newcomer.AddToCartAsync("Brewing Scale");
        await newcomer.CartLink.ClickAsync();
        var newcomerCart = new CartPage(newcomerPage);
        await Expect(newcomerCart.Subtotal).ToHaveTextAsync("USD 44.90");
        await Expect(newcomerCart.Line("Brewing Scale")).Not.ToContainTextAsync("was USD");
        Assert.Equal(4_490, (await Shop.ProductAsync("GEAR-SCALE")).PriceMinor);
    });

    [Fact]
    public Task J10_PromoWithUsageLimitOne_TwoShoppersRace_OneGetsIt_TheOtherIsToldTheLimitIsReached() => JourneyAsync(async journey =>
    {
        const string code = "RACE-ONE";
        var adminPage = await journey.NewPageAsync("admin");
        var dashboard = await SignInPage.SignInAsAdminAsync(adminPage, Shop.AdminEmail, Shop.AdminPassword);
        await dashboard.NavLink("Promo codes").ClickAsync();
        var promos = new PromosPage(adminPage);
        await Expect(promos.Heading).ToBeVisibleAsync();
        await promos.CreatePercentageCodeAsync(code, percent: 30, usageLimit: 1);
        await Expect(promos.Usage(code)).ToHaveTextAsync("0 / 1");

        // Two shoppers get to the promo field one after another: only applying the code is the race.
        var shoppers = new List<CheckoutPage>();
        foreach (var (name, i) in new[] { ("first", 1), ("second", 2) })
        {
            var checkout = new CheckoutPage(await journey.NewPageAsync($"shopper-{name}"));
            await Journeys.GoToCheckoutWithAsync(checkout.Page, "Filter Roast 500 g");
            await checkout.FillContactAsync($"j10-{i}@example.com", $"Promo Racer {i}");
            await checkout.ReserveAsync();
            await checkout.ShipToPortlandAsync();
            await checkout.PromoCode.FillAsync(code);
            shoppers.Add(checkout);
        }

        // Both apply the code at the same moment.
        await Task.WhenAll(shoppers.Select(checkout => checkout.ApplyPromoButton.ClickAsync()));
        var applied = await Task.WhenAll(shoppers.Select(async checkout =>
        {
            await Expect(checkout.PromoStatus).ToHaveTextAsync(PromoOutcome());
            return (await checkout.PromoStatus.InnerTextAsync()).Contains("applied", StringComparison.Ordinal);
        }));
        var winner = Assert.Single(shoppers.Where((_, i) => applied[i]));
        var loser = Assert.Single(shoppers.Where((_, i) => !applied[i]));
        await Expect(winner.PromoStatus).ToHaveTextAsync("RACE-ONE applied: you save USD 3.87.");
        await Expect(loser.PromoStatus).ToHaveTextAsync("The code RACE-ONE has been fully redeemed; it can't be used any more.");
        await Expect(loser.OrderSummary).Not.ToContainTextAsync(code);

        await promos.OpenAsync();
        await Expect(promos.Usage(code)).ToHaveTextAsync("1 / 1");

        // The winner pays with the discount; the limit still holds.
        await winner.PaymentAndReviewAsync();
        await winner.PayButton.ClickAsync();
        await new ConfirmationPage(winner.Page).WaitForOrderNumberAsync();
        await promos.OpenAsync();
        await Expect(promos.Usage(code)).ToHaveTextAsync("1 / 1");
        Assert.Contains(await Shop.InvariantsAsync(), c => c.Name == "promo-over-limit" && c.Holds);
        journey.FinalPage = loser.Page;
    });

    [Fact]
    public Task J11_AnonymousVisitorsAndShoppers_AreSentToSignIn_AndNeverSeeAdminPages() => JourneyAsync(async journey =>
    {
        var page = await journey.NewPageAsync("shopper");
        var signIn = new SignInPage(page);
        foreach (var path in new[] { "/admin", "/admin/orders", "/admin/promos", "/admin/promos/new", "/admin/inventory" })
        {
            await page.GotoAsync(path);
            await Expect(signIn.Heading).ToBeVisibleAsync();
            await Expect(page).ToHaveURLAsync(new Regex($"/admin/sign-in\\?ReturnUrl={Regex.Escape(Uri.EscapeDataString(path))}$"));
            await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" })).ToHaveCountAsync(0);
        }

        // A shopper with a cart, following a link inside the storefront's circuit, gets no further.
        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        await catalog.AddToCartAsync("Steel Infuser");
        await page.EvaluateAsync("path => Blazor.navigateTo(path)", "/admin/inventory");
        await Expect(signIn.Heading).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in\\?ReturnUrl=%2Fadmin%2Finventory$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inventory" })).ToHaveCountAsync(0);

        // Guessing the password does not help.
        await signIn.WaitForCircuitAsync();
        await signIn.SignInAsync(Shop.AdminEmail, "not-the-password");
        await Expect(signIn.Error).ToHaveTextAsync("The email or password is not right.");
        await Expect(signIn.Heading).ToBeVisibleAsync();

        // Nor does the admin API without its key.
        var api = await page.APIRequest.GetAsync("/api/admin/orders");
        Assert.Equal(401, api.Status);
    });

    private static string Usd(long minor) => $"USD {(minor / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}";

    [GeneratedRegex("(applied|fully redeemed)")]
    private static partial Regex PromoOutcome();
}
