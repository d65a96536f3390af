using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Inventory;
using Checkout.Data.Realtime;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Shared;
using Checkout.Web.State;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Checkout.Data.CheckoutSessions;

namespace Checkout.Tests.Components;

/// <summary>
/// A shopper joins the line for an all-held product, sees their place, is offered the next freed unit live with a
/// countdown on the shop's clock, and claims it or leaves.
/// </summary>
public class WaitlistPanelTests : ComponentTestContext
{
    private const string Sku = "DROP";

    [Fact]
    public async Task Joining_AsksForALabelledEmail_ThenShowsThePlaceInLine()
    {
        await HeldOutAsync();
        await Shop.Get<WaitlistService>().JoinAsync(Sku, "early@example.com");
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var cut = RenderPanel();

        await JoinButton(cut).ClickAsync(new MouseEventArgs());
        var email = cut.Find("input[type=email]");
        Assert.Equal("Email for the waitlist", cut.Find($"label[for='{email.Id}']").TextContent.Trim());
        await email.InputAsync(new ChangeEventArgs { Value = "me@example.com" });
        await cut.Find("form").SubmitAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("You're number 2 in line.", Status(cut)));
        var entry = Assert.IsType<WaitlistView>(Waitlist.EntryFor(Sku));
        Assert.Equal((WaitlistStatus.Waiting, 2), (entry.Status, entry.Position));
        Assert.Single(cut.FindAll("button[aria-label='Leave the waitlist for Product DROP']"));
        Assert.Empty(cut.FindAll("input[type=email]"));
    }

    [Fact]
    public async Task Joining_WhenNothingIsHeld_ShowsWhyAndKeepsTheForm()
    {
        await Shop.AddProductAsync(Sku, stock: 0);
        var cut = RenderPanel();

        await JoinButton(cut).ClickAsync(new MouseEventArgs());
        await cut.Find("input[type=email]").InputAsync(new ChangeEventArgs { Value = "me@example.com" });
        await cut.Find("form").SubmitAsync();

        await cut.WaitForAssertionAsync(() =>
            Assert.Contains("nobody is holding any", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Null(Waitlist.EntryFor(Sku));
        Assert.Single(cut.FindAll("input[type=email]"));
    }

    [Fact]
    public async Task AnOfferArrivingLive_ShowsItWithAClaimCountdownOnTheShopsClock_TickedByTheBrowser()
    {
        var countdownJs = JSInterop.SetupModule("./countdown.js");
        await HeldOutAsync();
        var cut = await JoinedPanelAsync("me@example.com");

        // The holder's checkout times out; the sweeper offers the freed unit to the first in line.
        Shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await Shop.Get<HoldSweeper>().SweepOnceAsync();

        await cut.WaitForAssertionAsync(() =>
        {
            Assert.StartsWith("One is held for you.", Status(cut), StringComparison.Ordinal);
            Assert.Equal("5:00 left to claim", Countdown(cut));
        });
        Assert.Single(cut.FindAll("button[aria-label='Claim Product DROP']"));

        // The browser counts the five minutes down and writes "Claim window closed" at zero; the server renders only then.
        var start = Assert.Single(countdownJs.Invocations["start"]);
        Assert.Equal([300_000d, "{m}:{ss} left to claim", "Claim window closed"], start.Arguments.Skip(1).Take(3));
        var renders = cut.RenderCount;
        Shop.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(renders, cut.RenderCount);
    }

    [Fact]
    public async Task AnOfferForSomeoneElse_MovesTheShopperUpTheLine()
    {
        await HeldOutAsync();
        await Shop.Get<WaitlistService>().JoinAsync(Sku, "early@example.com");
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var cut = await JoinedPanelAsync("me@example.com");
        Assert.Equal("You're number 2 in line.", Status(cut));

        Shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await Shop.Get<HoldSweeper>().SweepOnceAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("You're number 1 in line.", Status(cut)));
        Assert.Empty(cut.FindAll("[role=timer]"));
    }

    [Fact]
    public async Task AnOfferLeftUnclaimed_ClosesWhenItsWindowPasses()
    {
        await HeldOutAsync();
        var cut = await JoinedPanelAsync("me@example.com");
        var entryId = Waitlist.EntryFor(Sku)!.EntryId;
        await Shop.Get<CheckoutEvents>().PublishAsync(new WaitlistOffered(entryId, Sku, 1, Shop.Clock.GetUtcNow().AddSeconds(90)));
        await cut.WaitForAssertionAsync(() => Assert.Equal("1:30 left to claim", Countdown(cut)));

        Shop.Clock.Advance(TimeSpan.FromSeconds(90));

        await cut.WaitForAssertionAsync(() =>
            Assert.Equal("The claim window has passed; the unit went to the next shopper.", Status(cut)));
        Assert.Empty(cut.FindAll("button[aria-label='Claim Product DROP']"));
        Assert.Null(Waitlist.EntryFor(Sku));
        Assert.Single(cut.FindAll("button[aria-label='Join the waitlist for Product DROP']"));
    }

    [Fact]
    public async Task Claiming_OpensTheCheckoutForTheEntry()
    {
        await HeldOutAsync();
        var cut = await JoinedPanelAsync("me@example.com");
        var entryId = Waitlist.EntryFor(Sku)!.EntryId;
        Shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await Shop.Get<HoldSweeper>().SweepOnceAsync();
        var claim = await cut.WaitForElementAsync("button[aria-label='Claim Product DROP']");

        await claim.ClickAsync(new MouseEventArgs());

        Assert.Equal($"http://localhost/checkout?claim={entryId}", Services.GetRequiredService<NavigationManager>().Uri);
        // What the checkout reads to claim it: the unit's SKU and the email the line was joined with.
        var ticket = Assert.IsType<WaitlistClaim>(Waitlist.ClaimFor(entryId));
        Assert.Equal((Sku, "me@example.com", Shop.Clock.GetUtcNow().AddMinutes(5)), (ticket.Sku, ticket.Email, ticket.OfferExpiresAt));
    }

    [Fact]
    public async Task Leaving_CancelsTheEntry_AndOffersToJoinAgain()
    {
        await HeldOutAsync();
        var cut = await JoinedPanelAsync("me@example.com");
        var entryId = Waitlist.EntryFor(Sku)!.EntryId;

        await cut.Find("button[aria-label='Leave the waitlist for Product DROP']").ClickAsync(new MouseEventArgs());

        await cut.WaitForAssertionAsync(() => Assert.Equal("You left the waitlist.", Status(cut)));
        Assert.Equal(WaitlistStatus.Cancelled, ResultAssert.Success(await Shop.Get<WaitlistService>().GetAsync(entryId)).Status);
        Assert.Null(Waitlist.EntryFor(Sku));
        Assert.Single(cut.FindAll("button[aria-label='Join the waitlist for Product DROP']"));
    }

    [Fact]
    public async Task ARenderedAgainPanel_RemembersTheEntryOfTheCircuit()
    {
        await HeldOutAsync();
        await JoinedPanelAsync("me@example.com");
        await DisposeComponentsAsync();

        var again = RenderPanel();

        await again.WaitForAssertionAsync(() => Assert.Equal("You're number 1 in line.", Status(again)));
    }

    /// <summary>One unit of <see cref="Sku"/>, held by another shopper's open checkout.</summary>
    private async Task HeldOutAsync()
    {
        await Shop.AddProductAsync(Sku, stock: 1);
        await Shop.OpenCheckoutAsync("holder@example.com", null, (Sku, 1));
    }

    private IRenderedComponent<WaitlistPanel> RenderPanel() =>
        Render<WaitlistPanel>(p => p.Add(c => c.Sku, Sku).Add(c => c.ProductName, "Product DROP"));

    private async Task<IRenderedComponent<WaitlistPanel>> JoinedPanelAsync(string email)
    {
        var cut = RenderPanel();
        await JoinButton(cut).ClickAsync(new MouseEventArgs());
        await cut.Find("input[type=email]").InputAsync(new ChangeEventArgs { Value = email });
        await cut.Find("form").SubmitAsync();
        await cut.WaitForAssertionAsync(() => Assert.StartsWith("You're number", Status(cut), StringComparison.Ordinal));
        return cut;
    }

    private static IElement JoinButton(IRenderedComponent<WaitlistPanel> cut) =>
        cut.Find("button[aria-label='Join the waitlist for Product DROP']");

    private static string Status(IRenderedComponent<WaitlistPanel> cut) => Normalize(cut.Find("[role=status]").TextContent);

    private static string Countdown(IRenderedComponent<WaitlistPanel> cut) => Normalize(cut.Find("[role=timer]").TextContent);

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
