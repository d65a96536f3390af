using Bunit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Realtime;
using Checkout.Web.Components.Shared;
using Microsoft.AspNetCore.Components.Web;

namespace Checkout.Tests.Components;

/// <summary>
/// The hold countdown shows the time left on a checkout's reservation from the server's expiry and the clock and hands
/// the ticking to the browser (countdown.js); the server renders again only at the warning, at zero (the reservation
/// ended: nothing can be paid) and on the server's extend and release events.
/// </summary>
public class HoldCountdownTests : CheckoutTestContext
{
    private readonly BunitJSModuleInterop _countdownJs;

    public HoldCountdownTests() => _countdownJs = JSInterop.SetupModule("./countdown.js");

    [Fact]
    public void Countdown_ShowsTheTimeLeftFromTheClock_AndTheBrowserTicks_NotTheServer()
    {
        var cut = RenderCountdown(Guid.NewGuid(), Shop.Clock.GetUtcNow().AddMinutes(5));

        Assert.Equal("05:00", Time(cut));
        var start = Assert.Single(BrowserStarts());
        Assert.Equal((300_000d, "{mm}:{ss}", "[data-needs-hold]"), start);

        var renders = cut.RenderCount;
        Shop.Clock.Advance(TimeSpan.FromSeconds(61));

        // A minute of ticking costs the server no render: the seconds change in the browser.
        Assert.Equal(renders, cut.RenderCount);
        Assert.Single(BrowserStarts());
        Assert.DoesNotContain("hold-countdown--warning", Section(cut).ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Countdown_AtTwoMinutesOrLess_ShowsTheWarning()
    {
        var cut = RenderCountdown(Guid.NewGuid(), Shop.Clock.GetUtcNow().AddMinutes(2).AddSeconds(1));
        Assert.DoesNotContain("less than 2 minutes", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("", Announcement(cut));

        Shop.Clock.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("02:00", Time(cut));
            Assert.Contains("hold-countdown--warning", Section(cut).ClassName, StringComparison.Ordinal);
            Assert.Contains("less than 2 minutes left", Section(cut).TextContent, StringComparison.Ordinal);
            Assert.Equal("Less than 2 minutes left to complete your order.", Announcement(cut));
        });
    }

    [Fact]
    public void Countdown_AtZeroBeforeTheServerReleases_SaysTheReservationEnded_AndTellsThePageOnce()
    {
        var ended = 0;
        var cut = Render<HoldCountdown>(p => p
            .Add(c => c.CheckoutSessionId, Guid.NewGuid())
            .Add(c => c.ExpiresAt, Shop.Clock.GetUtcNow().AddSeconds(30))
            .Add(c => c.OnEnded, () => ended++));

        Shop.Clock.Advance(TimeSpan.FromSeconds(30));

        cut.WaitForAssertion(() => Assert.Contains("Time is up: your reservation ended.", Section(cut).TextContent, StringComparison.Ordinal));
        Assert.Equal("Time is up; your reservation ended.", Announcement(cut));
        Assert.Empty(cut.FindAll("[role=timer]"));
        Assert.DoesNotContain("Your items were released", cut.Markup, StringComparison.Ordinal);
        Assert.Equal(1, ended);

        Shop.Clock.Advance(TimeSpan.FromMinutes(1));
        cut.Render();
        Assert.Equal(1, ended);
    }

    [Fact]
    public async Task Countdown_WhenTheSweeperReleasesTheHold_SaysSoAndOffersToStartAgain()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var checkout = await Shop.OpenCheckoutAsync(lines: ("MUG", 2));
        HoldReleased? released = null;
        var startAgainClicks = 0;
        var cut = Render<HoldCountdown>(p => p
            .Add(c => c.CheckoutSessionId, checkout.CheckoutSessionId)
            .Add(c => c.ExpiresAt, checkout.HoldExpiresAt)
            .Add(c => c.OnReleased, (HoldReleased e) => released = e)
            .Add(c => c.OnStartAgain, () => startAgainClicks++));
        Assert.Equal("15:00", Time(cut));

        Shop.Clock.Advance(checkout.HoldExpiresAt - Shop.Clock.GetUtcNow());
        cut.WaitForAssertion(() => Assert.Contains("your reservation ended", Section(cut).TextContent, StringComparison.Ordinal));
        Assert.Equal(1, await Shop.Get<HoldSweeper>().SweepOnceAsync());

        cut.WaitForAssertion(() => Assert.Contains("Your items were released.", Section(cut).TextContent, StringComparison.Ordinal));
        Assert.Contains("ran out of time", Section(cut).TextContent, StringComparison.Ordinal);
        Assert.Equal("Your items were released.", Announcement(cut));
        Assert.Equal(new HoldReleased(checkout.CheckoutSessionId, CheckoutSessionStatus.Expired), released);

        await ButtonNamed(cut, "Start again with what's in stock").ClickAsync(new MouseEventArgs());
        Assert.Equal(1, startAgainClicks);
    }

    [Fact]
    public async Task Countdown_WhenTheHoldIsExtended_CountsDownToTheNewExpiry()
    {
        var sessionId = Guid.NewGuid();
        var cut = RenderCountdown(sessionId, Shop.Clock.GetUtcNow().AddMinutes(1));
        Assert.Contains("hold-countdown--warning", Section(cut).ClassName, StringComparison.Ordinal);

        await Shop.Get<CheckoutEvents>().PublishAsync(new HoldExtended(sessionId, Shop.Clock.GetUtcNow().AddMinutes(5)));

        cut.WaitForAssertion(() => Assert.Equal("05:00", Time(cut)));
        Assert.DoesNotContain("hold-countdown--warning", Section(cut).ClassName, StringComparison.Ordinal);
        // The browser counts again, from the new time left.
        Assert.Equal([60_000d, 300_000d], BrowserStarts().Select(s => s.LeftMs));
    }

    [Fact]
    public async Task Countdown_IgnoresTheEventsOfOtherCheckouts()
    {
        var cut = RenderCountdown(Guid.NewGuid(), Shop.Clock.GetUtcNow().AddMinutes(5));
        var events = Shop.Get<CheckoutEvents>();

        // Publishing awaits each subscriber, and this one renders through the dispatcher before returning.
        await events.PublishAsync(new HoldExtended(Guid.NewGuid(), Shop.Clock.GetUtcNow().AddMinutes(30)));
        await events.PublishAsync(new HoldReleased(Guid.NewGuid(), CheckoutSessionStatus.Expired));

        Assert.Equal("05:00", Time(cut));
        Assert.DoesNotContain("released", Section(cut).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoTabsOnOneCheckout_ShowTheSameTime_AndBothFollowTheServer()
    {
        var sessionId = Guid.NewGuid();
        var expiresAt = Shop.Clock.GetUtcNow().AddMinutes(4);
        var first = RenderCountdown(sessionId, expiresAt);
        Shop.Clock.Advance(TimeSpan.FromSeconds(70));
        // The second tab opens later, from the same stored expiry.
        var second = RenderCountdown(sessionId, expiresAt);

        // Each browser counts from the time left when its tab rendered: both reach zero at the hold's expiry.
        Assert.Equal("02:50", Time(second));
        Assert.Equal([240_000d, 170_000d], BrowserStarts().Select(s => s.LeftMs));

        await Shop.Get<CheckoutEvents>().PublishAsync(new HoldReleased(sessionId, CheckoutSessionStatus.Cancelled));

        Assert.Contains("Your items were released.", Section(first).TextContent, StringComparison.Ordinal);
        Assert.Contains("Your items were released.", Section(second).TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Countdown_ForANewCheckout_StartsAgainAfterARelease()
    {
        var oldSession = Guid.NewGuid();
        var cut = RenderCountdown(oldSession, Shop.Clock.GetUtcNow().AddMinutes(3));
        await Shop.Get<CheckoutEvents>().PublishAsync(new HoldReleased(oldSession, CheckoutSessionStatus.Failed));
        Assert.Contains("The payment did not go through", Section(cut).TextContent, StringComparison.Ordinal);

        cut.Render(p => p
            .Add(c => c.CheckoutSessionId, Guid.NewGuid())
            .Add(c => c.ExpiresAt, Shop.Clock.GetUtcNow().AddMinutes(15)));

        Assert.Equal("15:00", Time(cut));
        Assert.DoesNotContain("released", Section(cut).TextContent, StringComparison.Ordinal);
    }

    private IRenderedComponent<HoldCountdown> RenderCountdown(Guid sessionId, DateTimeOffset expiresAt) =>
        Render<HoldCountdown>(p => p
            .Add(c => c.CheckoutSessionId, sessionId)
            .Add(c => c.ExpiresAt, expiresAt));

    /// <summary>The countdowns started in the browser: the time left they count down, the text template and what they disable at zero.</summary>
    private List<(double LeftMs, string Template, string? DisableAtZero)> BrowserStarts() =>
        _countdownJs.Invocations["start"].Select(i => ((double)i.Arguments[1]!, (string)i.Arguments[2]!, (string?)i.Arguments[4])).ToList();

    private static string Time(IRenderedComponent<HoldCountdown> cut) => cut.Find("[role=timer]").TextContent.Trim();

    private static AngleSharp.Dom.IElement Section(IRenderedComponent<HoldCountdown> cut) => cut.Find("[data-testid=hold-countdown]");

    private static string Announcement(IRenderedComponent<HoldCountdown> cut) => cut.Find("[role=status]").TextContent.Trim();
}
