using Bunit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Orders;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Checkout.Tests.Notifications;
using Checkout.Web.Components.Pages.Storefront;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components;

/// <summary>
/// The page a waitlist offer's claim link opens: in a browser that never joined the line, the key alone shows the held
/// unit with its deadline and carries it into the checkout under the email the shopper waited with. A closed offer
/// says why; a wrong key and an unknown entry read the same and open nothing.
/// </summary>
public class WaitlistClaimPageTests : CheckoutTestContext
{
    private const string Waiter = "waiter@example.com";
    private const string NotFound = "This link does not open a waitlist offer. Open it from the email we sent you, with the whole link.";

    [Fact]
    public async Task TheOffersEmailLink_LetsAShopperWithNothingInThisBrowserClaimTheUnitAndPay()
    {
        var smtp = SmtpTestServer.Shared();
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        var message = await WaitlistOfferEmailTests.OfferMessageAsync(Shop, entryId);
        Assert.Equal(1, await Shop.DispatcherFor(WaitlistOfferEmailTests.OfferEmails(Shop, smtp, ClaimLinks)).DispatchOnceAsync());
        var mail = Assert.Single(await smtp.ArrivedAsync($"{message.Id:N}.waitlist-offer@checkout.local"));
        var link = WaitlistOfferEmailTests.ClaimLinkIn(mail);
        // This circuit never joined the line and has nothing in its cart.
        Assert.Null(Waitlist.EntryFor("LAST"));
        Assert.Null(Cart.CartId);

        Navigation.NavigateTo(link.PathAndQuery);
        var claim = Render<WaitlistClaim>(p => p.Add(c => c.EntryId, entryId));
        claim.WaitForAssertion(() => Assert.Equal("Product LAST is held for you", claim.Find("h1").TextContent.Trim()));
        await ClickAsync(claim, "Claim and check out");

        Assert.Equal(1, Cart.QuantityOf("LAST"));
        Assert.StartsWith($"http://localhost/checkout?claim={entryId}&key=", Navigation.Uri, StringComparison.Ordinal);
        var cut = Render<CheckoutPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your checkout", StringComparison.Ordinal));
        Assert.Equal(Waiter, InputLabelled(cut, "Email").GetAttribute("value"));
        await ChangeAsync(cut, "Full name", "Wanda Waiter");
        await ClickAsync(cut, "Continue");
        await ShippingForm.ShipAsync(cut);
        cut.WaitForAssertion(() => Assert.Equal("Promo code", StepHeading(cut)));
        await ClickAsync(cut, "Continue to payment");
        await EnterCardAsync(cut, "4242 4242 4242 4242");
        await ClickAsync(cut, "Review order");
        cut.WaitForAssertion(() => Assert.Equal("Review and pay", StepHeading(cut)));
        await PayButton(cut).ClickAsync(new MouseEventArgs());

        var order = await SingleOrderAsync();
        Assert.Equal((OrderStatus.Confirmed, Waiter), (order.Status, order.Email));
        Assert.Equal([("LAST", 1)], order.Lines.Select(l => (l.Sku, l.Quantity)));
        Assert.Equal(WaitlistStatus.Claimed, await StatusAsync(entryId));
        Assert.Equal((0, 0, 1), await Shop.StockAsync("LAST"));
    }

    [Fact]
    public async Task Checkout_OpenedWithTheClaimKey_InANewConnection_ClaimsTheOfferUnderTheWaitersEmail()
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        Navigation.NavigateTo($"checkout?claim={entryId}&key={Uri.EscapeDataString(ClaimLinks.Issue(entryId))}");

        var cut = Render<CheckoutPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your checkout", StringComparison.Ordinal));
        Assert.Equal(1, Cart.QuantityOf("LAST"));
        Assert.Equal(Waiter, InputLabelled(cut, "Email").GetAttribute("value"));
        await ChangeAsync(cut, "Full name", "Wanda Waiter");
        await ClickAsync(cut, "Continue");

        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
        Assert.Equal(WaitlistStatus.Claimed, await StatusAsync(entryId));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    public async Task Checkout_WithTheClaimButNoValidKey_InANewConnection_ClaimsNothing(string? key)
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        Navigation.NavigateTo(key is null ? $"checkout?claim={entryId}" : $"checkout?claim={entryId}&key={key}");

        var cut = Render<CheckoutPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your checkout", StringComparison.Ordinal));

        Assert.Contains("That waitlist offer is no longer open", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(0, Cart.QuantityOf("LAST"));
        Assert.Equal(WaitlistStatus.Offered, await StatusAsync(entryId));
    }

    [Fact]
    public async Task OpenOffer_ShowsTheProductItsPriceAndDeadline_AndTheClaimButton()
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);

        var cut = RenderClaim(entryId, ClaimLinks.Issue(entryId));

        cut.WaitForAssertion(() => Assert.Equal("Product LAST is held for you", cut.Find("h1").TextContent.Trim()));
        Assert.Equal("USD 10.00", cut.Find(".mud-typography-subtitle1").TextContent.Trim());
        Assert.Equal("Claim it by 2026-03-01 12:05 UTC; after that it goes to the next shopper waiting.", Squash(cut.Find("[data-testid=claim-deadline]").TextContent));
        Assert.Equal("5:00 left to claim", cut.Find("[role=timer]").TextContent.Trim());
        Assert.Contains($"under the email you waited with, {Waiter}", cut.Markup, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("button"), b => b.TextContent.Trim() == "Claim and check out");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OfferPastItsWindow_SaysTheWindowClosed_SweptOrNot(bool swept)
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        Shop.Clock.Advance(TimeSpan.FromMinutes(5));
        if (swept)
        {
            await Shop.Get<HoldSweeper>().SweepOnceAsync();
        }

        var cut = RenderClaim(entryId, ClaimLinks.Issue(entryId));

        AssertClosed(cut, "The claim window has closed",
            "The Product LAST held for you was to be claimed by 2026-03-01 12:05 UTC; it went to the next shopper waiting.");
    }

    [Fact]
    public async Task OpenOffer_WhenItsCountdownRunsOut_ClosesOnThePage()
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        var cut = RenderClaim(entryId, ClaimLinks.Issue(entryId));
        cut.WaitForAssertion(() => Assert.Equal("5:00 left to claim", cut.Find("[role=timer]").TextContent.Trim()));

        Shop.Clock.Advance(TimeSpan.FromMinutes(5));

        cut.WaitForAssertion(() => Assert.Equal("The claim window has closed", cut.Find("h1").TextContent.Trim()));
        Assert.Empty(cut.FindAll("button"));
    }

    [Fact]
    public async Task ClaimedOffer_SaysItWasClaimed()
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        var cart = await Shop.Carts.CreateAsync();
        ResultAssert.Success(await Shop.Carts.AddOfferedAsync(cart, entryId));
        ResultAssert.Success(await Shop.Checkouts.StartAsync(new StartCheckout(cart, Waiter, "Wanda Waiter", WaitlistEntryId: entryId)));

        var cut = RenderClaim(entryId, ClaimLinks.Issue(entryId));

        AssertClosed(cut, "You have claimed this offer",
            "The Product LAST held for you went into a checkout under your email. If that checkout was not paid, its reservation ended and the unit went back on sale.");
    }

    [Fact]
    public async Task LeftOffer_SaysTheShopperLeft()
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        ResultAssert.Success(await Shop.Get<WaitlistService>().LeaveAsync(entryId));

        var cut = RenderClaim(entryId, ClaimLinks.Issue(entryId));

        AssertClosed(cut, "You left the waitlist", "You left the waitlist for Product LAST, so the unit went to the next shopper waiting.");
    }

    [Fact]
    public async Task WrongKeyMissingKeyAnotherEntrysKeyAndAnUnknownEntry_AllReadNotFound_AndOpenNothing()
    {
        var entryId = await WaitlistOfferEmailTests.OfferedAsync(Shop);
        var key = ClaimLinks.Issue(entryId);
        var unknown = Guid.CreateVersion7();
        (Guid Entry, string? Key)[] attempts =
        [
            (entryId, key[..20] + (key[20] == 'A' ? 'B' : 'A') + key[21..]),
            (entryId, null),
            (entryId, "not-a-key"),
            (entryId, ClaimLinks.Issue(unknown)),
            (unknown, ClaimLinks.Issue(unknown)),
            (entryId, Links.Issue(entryId)), // an order key for the same id: another purpose
        ];

        foreach (var (entry, attempt) in attempts)
        {
            var cut = RenderClaim(entry, attempt);

            cut.WaitForAssertion(() => Assert.Equal("Offer not found", cut.Find("h1").TextContent.Trim()));
            Assert.Equal(NotFound, Squash(cut.Find("[data-testid=claim-outcome]").TextContent));
            Assert.Empty(cut.FindAll("button"));
        }
        Assert.Null(Waitlist.EntryFor("LAST"));
        Assert.Null(Waitlist.ClaimFor(entryId));
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private IRenderedComponent<WaitlistClaim> RenderClaim(Guid entryId, string? key)
    {
        Navigation.NavigateTo(key is null ? $"waitlist/claim/{entryId}" : $"waitlist/claim/{entryId}?key={Uri.EscapeDataString(key)}");
        return Render<WaitlistClaim>(p => p.Add(c => c.EntryId, entryId));
    }

    private static void AssertClosed(IRenderedComponent<WaitlistClaim> cut, string title, string text)
    {
        cut.WaitForAssertion(() => Assert.Equal(title, cut.Find("h1").TextContent.Trim()));
        Assert.Equal(text, Squash(cut.Find("[data-testid=claim-outcome]").TextContent));
        Assert.Empty(cut.FindAll("button"));
    }

    private async Task<WaitlistStatus> StatusAsync(Guid entryId) =>
        ResultAssert.Success(await Shop.Get<WaitlistService>().GetAsync(entryId)).Status;

    private static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
