using Bunit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Realtime;
using Checkout.Web.Components.Shared;
using Microsoft.AspNetCore.Components.Web;

namespace Checkout.Tests.Components;

/// <summary>
/// The hold countdown shows the time left on a checkout's reservation from the server's expiry and the clock, warns
/// near the end, waits for the server at zero and follows the server's extend and release events.
/// </summary>
public class HoldCountdownTests : CheckoutTestContext
{
    [Fact]
    public void Countdown_ShowsTheTimeLeftFromTheClock_AndTicksAsTimePasses()
    {
        var cut = RenderCountdown(Guid.NewGuid(), Shop.Clock.GetUtcNow().AddMinutes(5));

        Assert.Equal("05:00", Time(cut));

        Shop.Clock.Advance(TimeSpan.FromSeconds(61));

        cut.WaitForAssertion(() => Assert.Equal("03:59", Time(cut)));
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
    public void Countdown_AtZeroBeforeTheServerReleases_SaysTimeIsUpAndWaits()
    {
        var cut = RenderCountdown(Guid.NewGuid(), Shop.Clock.GetUtcNow().AddSeconds(30));

        Shop.Clock.Advance(TimeSpan.FromSeconds(30));

        cut.WaitForAssertion(() => Assert.Contains("Time is up — releasing your items…", Section(cut).TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[role=timer]"));
        Assert.DoesNotContain("Your items were released", cut.Markup, StringComparison.Ordinal);
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
        cut.WaitForAssertion(() => Assert.Contains("Time is up", Section(cut).TextContent, StringComparison.Ordinal));
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

        first.WaitForAssertion(() => Assert.Equal("02:50", Time(first)));
        Assert.Equal("02:50", Time(second));

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

    private static string Time(IRenderedComponent<HoldCountdown> cut) => cut.Find("[role=timer]").TextContent.Trim();

    private static AngleSharp.Dom.IElement Section(IRenderedComponent<HoldCountdown> cut) => cut.Find("[data-testid=hold-countdown]");

    private static string Announcement(IRenderedComponent<HoldCountdown> cut) => cut.Find("[role=status]").TextContent.Trim();
}
