using System.Text.RegularExpressions;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Checkout.E2E.Pages.Admin;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>Journey 6: several shoppers, each in their own browser, check out the last unit at the same moment.</summary>
public sealed class LastUnitRaceTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Theory]
    [InlineData(2, "GEAR-FLASK", "Insulated Flask")]
    [InlineData(5, "TEA-MATCHA", "Ceremonial Matcha")]
    public Task J06_LastUnitRace_ExactlyOneConfirmation_OthersToldItIsSoldOut(int shoppers, string sku, string product) =>
        JourneyAsync(async journey =>
        {
            await Shop.SetAvailableAsync(sku, 1);
            // Everyone has the last unit in the cart and the contact details filled in, one after another (only the
            // reservation is the race, and five page loads at once on a busy machine would only test its load)…
            var checkouts = new List<CheckoutPage>();
            for (var i = 1; i <= shoppers; i++)
            {
                var checkout = new CheckoutPage(await journey.NewPageAsync($"shopper-{i}"));
                await Journeys.GoToCheckoutWithAsync(checkout.Page, product);
                await checkout.FillContactAsync($"race{shoppers}-{i}@example.com", $"Racer {i}");
                checkouts.Add(checkout);
            }

            // …and presses Continue, which reserves the items, at the same moment.
            await Task.WhenAll(checkouts.Select(checkout => checkout.ContinueButton.ClickAsync()));
            var reserved = await Task.WhenAll(checkouts.Select(async checkout =>
            {
                await Expect(checkout.Countdown.Or(checkout.ProblemHeading)).ToBeVisibleAsync();
                return await checkout.Countdown.IsVisibleAsync();
            }));

            var winner = Assert.Single(checkouts.Where((_, i) => reserved[i]));
            foreach (var loser in checkouts.Where((_, i) => !reserved[i]))
            {
                await Expect(loser.ProblemHeading).ToHaveTextAsync("Not enough stock for your order");
                await Expect(loser.ProblemItems).ToHaveTextAsync(new Regex($@"^{product}:\s+sold out\s+\(you asked for 1\)$"));
                await Expect(loser.Reservation).ToBeHiddenAsync();
            }

            await winner.ShipToPortlandAsync();
            await winner.PaymentAndReviewAsync();
            await winner.PayButton.ClickAsync();
            await new ConfirmationPage(winner.Page).WaitForOrderNumberAsync();
            foreach (var loser in checkouts.Where(c => c != winner))
            {
                // Still told, and never sent to a confirmation.
                await Expect(loser.ProblemHeading).ToHaveTextAsync("Not enough stock for your order");
                Assert.DoesNotContain("/checkout/confirmation/", loser.Page.Url, StringComparison.Ordinal);
            }

            var stock = await Shop.StockAsync(sku);
            Assert.Equal((0, 0, 1), (stock.Available, stock.Reserved, stock.Sold));
            var broken = (await Shop.InvariantsAsync()).Where(c => !c.Holds).ToList();
            Assert.True(broken.Count == 0, "Invariants broken: " + string.Join("; ",
                broken.Select(c => $"{c.Name} = {c.Violations} ({string.Join(", ", c.Offenders)})")));

            // The admin dashboard shows the same: every invariant at zero.
            var adminPage = await journey.NewPageAsync("admin");
            journey.FinalPage = adminPage;
            var dashboard = await SignInPage.SignInAsAdminAsync(adminPage, Shop.AdminEmail, Shop.AdminPassword);
            await dashboard.ExpectAllInvariantsHoldAsync();
        }, $"{nameof(J06_LastUnitRace_ExactlyOneConfirmation_OthersToldItIsSoldOut)}.{shoppers}Shoppers");
}
