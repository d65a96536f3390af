using System.Text.RegularExpressions;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// Journeys 5 and 8, in a shop whose holds last <see cref="ShortHoldFixture.HoldTtl"/> and are swept every second:
/// a reservation that runs out while the shopper waits, and the waitlisted shopper who gets the freed unit.
/// </summary>
public sealed class HoldExpiryTests(ShortHoldFixture fixture, ITestOutputHelper output)
    : BrowserTest<ShortHoldFixture>(fixture, output)
{
    /// <summary>The hold's lifetime plus the sweep and a loaded machine's slack.</summary>
    private static readonly float UntilReleasedMs = (float)(ShortHoldFixture.HoldTtl + TimeSpan.FromSeconds(15)).TotalMilliseconds;

    [Fact]
    public Task J05_TheHoldExpires_TheItemsAreReleased_AndTheStockIsBackForOthersLive() => JourneyAsync(async journey =>
    {
        const string product = "Burr Grinder";
        var watcherPage = await journey.NewPageAsync("other-shopper");
        var watcher = new CatalogPage(watcherPage);
        await watcher.OpenAsync();
        await Expect(watcher.Product(product)).ToContainTextAsync("Only 3 left");

        var shopperPage = await journey.NewPageAsync("shopper");
        journey.FinalPage = shopperPage;
        var checkout = await Journeys.ReserveAsync(shopperPage, product, "j05@example.com", "Edsger Dijkstra");
        await checkout.RecordCountdownAsync();
        await Expect(watcher.Product(product)).ToContainTextAsync("Only 2 left");

        // The shopper waits. The countdown runs out, the server releases the hold, and the page says so.
        await Expect(checkout.Reservation).ToContainTextAsync("Your items were released.", new() { Timeout = UntilReleasedMs });
        await Expect(checkout.Reservation).ToContainTextAsync("The reservation ran out of time, so the items went back on sale.");
        await Expect(checkout.Countdown).ToBeHiddenAsync();
        await Expect(checkout.StartAgainButton).ToBeVisibleAsync();

        var seen = await checkout.CountdownSeenAsync();
        Output.WriteLine($"Countdown shown: {string.Join(", ", seen)}");
        var seconds = seen.Where(s => s != "Time is up").Select(CheckoutPage.ToSeconds).ToList();
        Assert.True(seconds.Count >= 3, $"Too few countdown values seen: {string.Join(", ", seen)}");
        Assert.True(seconds.Zip(seconds.Skip(1)).All(p => p.Second < p.First), $"The countdown did not only go down: {string.Join(", ", seen)}");
        // Values are whole seconds rounded up, ticked in the browser as each second passes: the last one shown is 00:00
        // (00:01 or 00:02 when the page was busy), after which the page says "Time is up: your reservation ended." until
        // the release arrives (if the sweep is not first).
        Assert.True(seen[^1] == "Time is up" || seconds[^1] <= 2, $"The countdown stopped before reaching zero: {string.Join(", ", seen)}");

        // The other shopper's catalog got the unit back, without a reload.
        await Expect(watcher.Product(product)).ToContainTextAsync("Only 3 left");
        Assert.Equal((3, 0, 0), ToTuple(await Shop.StockAsync("COF-GRINDER")));
    });

    [Fact]
    public Task J08_Waitlist_TheFreedUnitIsOfferedLive_AndTheWaitingShopperBuysIt() => JourneyAsync(async journey =>
    {
        const string product = "Insulated Flask";
        const string waiterEmail = "j08-waiter@example.com";

        // The waiter's catalog is open first: once the hold is taken, joining the line takes only a few clicks, well
        // within the hold's lifetime even on a loaded machine (a hold that ran out first would put the unit back on sale).
        var waiterPage = await journey.NewPageAsync("waiter");
        journey.FinalPage = waiterPage;
        var catalog = new CatalogPage(waiterPage);
        await catalog.OpenAsync();
        await Expect(catalog.Product(product)).ToContainTextAsync("Only 1 left");

        // The flask's one unit is held by a shopper who will never pay; the waiter's page sees it go, without a reload.
        var holderPage = await journey.NewPageAsync("holder");
        var holder = await Journeys.ReserveAsync(holderPage, product, "j08-holder@example.com", "Holding Shopper");
        await Expect(catalog.Product(product)).ToContainTextAsync("Out of stock");
        await Expect(catalog.AddToCartButton(product)).ToBeDisabledAsync();
        await catalog.JoinWaitlistAsync(product, waiterEmail);
        await Expect(catalog.WaitlistStatus(product)).ToHaveTextAsync("You're number 1 in line.");

        // The hold runs out; the unit goes to the first in line, and the waiter's page offers it without a reload.
        await Expect(catalog.WaitlistStatus(product)).ToHaveTextAsync("One is held for you. Claim it before the window closes.",
            new() { Timeout = UntilReleasedMs });
        await Expect(holder.Reservation).ToContainTextAsync("Your items were released.");
        await catalog.ClaimButton(product).ClickAsync();

        var checkout = new CheckoutPage(waiterPage);
        await checkout.ExpectStepAsync("Contact details");
        await Expect(checkout.Email).ToHaveValueAsync(waiterEmail);
        await checkout.FullName.FillAsync("Waiting Shopper");
        // From here the claimed unit is held for HoldTtl: the payment has to start within it.
        var reserving = System.Diagnostics.Stopwatch.StartNew();
        await checkout.ReserveAsync();
        await checkout.ShipToPortlandAsync();
        await checkout.PaymentAndReviewAsync();
        await Expect(checkout.ReviewLines).ToHaveTextAsync(new Regex($@"^{product} × 1\b"));
        await checkout.PayButton.ClickAsync();
        var number = await new ConfirmationPage(waiterPage).WaitForOrderNumberAsync();
        Output.WriteLine($"Reserved to confirmed in {reserving.Elapsed.TotalSeconds:0.0} s (the hold lasts {ShortHoldFixture.HoldTtl.TotalSeconds:0} s).");

        var order = Assert.Single(await Shop.OrdersAsync(waiterEmail));
        Assert.Equal((number, "CONFIRMED"), (order.OrderNumber, order.Status));
        Assert.Equal((0, 0, 1), ToTuple(await Shop.StockAsync("GEAR-FLASK")));
    });

    private static (int Available, int Reserved, int Sold) ToTuple(Checkout.Data.Inventory.StockView stock) =>
        (stock.Available, stock.Reserved, stock.Sold);
}
