using Bunit;
using Checkout.Data.Persistence;
using Checkout.Web.Components.Pages.Admin;
using Checkout.Web.Operations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The operations page over a real shop and this test's own ASP.NET Core meters: its four figures, read again every
/// second of the shop's fake clock, and what it says they cover.
/// </summary>
public sealed class OperationsPageTests : AdminTestContext
{
    private TimerCountingClock? _clock;
    private bool _databaseDown;

    /// <summary>This test's ASP.NET Core instruments, disposed with the test's services.</summary>
    private AspNetMeters Meters => Services.GetRequiredService<AspNetMeters>();

    /// <summary>The service the page reads, listening from now on (as the app's is from startup).</summary>
    private LiveOperations Live => Services.GetRequiredService<LiveOperations>();

    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(_ => new AspNetMeters());
        services.AddSingleton(sp => new LiveOperations(
            sp.GetRequiredService<AspNetMeters>().Factory, Shop.Clock,
            _databaseDown ? new DownDatabase() : Shop.Get<IDbContextFactory<CheckoutDbContext>>(), NullLogger<LiveOperations>.Instance));
        // The page's clock is the shop's, with its timers counted.
        _clock = new TimerCountingClock(Shop.Clock);
        services.AddSingleton<TimeProvider>(_clock);
    }

    [Fact]
    public async Task ThePage_ShowsShoppersOnline_CheckoutsInProgress_RequestsPerSecond_AndP99()
    {
        _ = Live;
        await Shop.AddProductAsync("OPS", stock: 10);
        await Shop.OpenCheckoutAsync("one@example.com", null, ("OPS", 1));
        await Shop.OpenCheckoutAsync("two@example.com", null, ("OPS", 1));
        Meters.CircuitOpened();
        Meters.CircuitOpened();
        Meters.CircuitOpened();
        Meters.CircuitDisconnected();
        Shop.Clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds));
        // The 248th of 250 requests is the 99th percentile's: the two slowest are not.
        Meters.Requests(248, milliseconds: 20);
        Meters.Requests(2, milliseconds: 480);
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));

        var cut = RenderAdmin<Operations>();

        await cut.WaitForAssertionAsync(() => Assert.Equal("3", Figure(cut, "shoppers-online")));
        Assert.Contains("2 connected now", Note(cut, "shoppers-online"), StringComparison.Ordinal);
        Assert.Equal("2", Figure(cut, "checkouts-in-progress"));
        Assert.Equal("25.0", Figure(cut, "requests-per-second"));
        Assert.Equal("20 ms", Figure(cut, "p99"));
        Assert.Equal("Updated 12:00:11 UTC", Normalize(cut.Find("[data-testid=updated]").TextContent));
        Assert.Equal("P", cut.Find("[data-testid=p99] [data-testid=value]").TagName);
    }

    [Fact]
    public async Task EverySecond_TheFiguresAreReadAgain()
    {
        _ = Live;
        await Shop.AddProductAsync("OPS", stock: 10);
        Meters.CircuitOpened();
        var cut = RenderAdmin<Operations>();
        await cut.WaitForAssertionAsync(() => Assert.Equal("1", Figure(cut, "shoppers-online")));
        Assert.Equal("0", Figure(cut, "checkouts-in-progress"));
        Assert.Equal("0.0", Figure(cut, "requests-per-second"));
        Assert.Equal("—", Figure(cut, "p99"));

        Meters.CircuitOpened();
        Meters.Requests(30, milliseconds: 40);
        await Shop.OpenCheckoutAsync("live@example.com", null, ("OPS", 1));
        Shop.Clock.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal("1", Figure(cut, "shoppers-online"));

        Shop.Clock.Advance(TimeSpan.FromMilliseconds(100));
        await cut.WaitForAssertionAsync(() => Assert.Equal("2", Figure(cut, "shoppers-online")));
        Assert.Equal("1", Figure(cut, "checkouts-in-progress"));
        Assert.Equal("30.0", Figure(cut, "requests-per-second"));
        Assert.Equal("40 ms", Figure(cut, "p99"));
        Assert.Equal("Updated 12:00:01 UTC", Normalize(cut.Find("[data-testid=updated]").TextContent));

        Meters.CircuitClosed();
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        await cut.WaitForAssertionAsync(() => Assert.Equal("1", Figure(cut, "shoppers-online")));
        Assert.Equal("15.0", Figure(cut, "requests-per-second"));
    }

    [Fact]
    public async Task ClosingThePage_DisposesItsTimer()
    {
        var cut = RenderAdmin<Operations>();
        await cut.WaitForElementAsync("[data-testid=shoppers-online]");
        Assert.Equal(1, _clock!.OpenTimers(TimeSpan.FromSeconds(1)));

        await DisposeComponentsAsync();

        Assert.Equal(0, _clock.OpenTimers(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task ThePage_SaysWhoseFiguresTheyAre_WhatIsCounted_AndWhereTheRestIs()
    {
        var cut = RenderAdmin<Operations>();

        await cut.WaitForElementAsync("[data-testid=metrics]");
        Assert.Equal("Operations", cut.Find("h1").TextContent.Trim());
        Assert.Contains("The figures of this instance", Normalize(cut.Find("[data-testid=scope]").TextContent), StringComparison.Ordinal);
        Assert.Contains("except the Prometheus scrapes of /metrics and the Blazor connections themselves",
            Normalize(cut.Find("[data-testid=counted]").TextContent), StringComparison.Ordinal);
        Assert.Equal("All instruments: /metrics (Prometheus text; the README's \"Metrics, traces and logs\" says what each instrument means)",
            Normalize(cut.Find("[data-testid=metrics]").TextContent));
        Assert.Equal("/metrics", cut.Find("[data-testid=metrics] a").GetAttribute("href"));
    }

    [Fact]
    public async Task ADatabaseThatDoesNotAnswer_LeavesTheCheckoutsUnknown_AndThePageLive()
    {
        _databaseDown = true;
        _ = Live;
        Meters.CircuitOpened();

        var cut = RenderAdmin<Operations>();

        await cut.WaitForAssertionAsync(() => Assert.Equal("—", Figure(cut, "checkouts-in-progress")));
        Assert.Contains("the database did not answer", Note(cut, "checkouts-in-progress"), StringComparison.Ordinal);
        Assert.Equal("1", Figure(cut, "shoppers-online"));
        Meters.CircuitOpened();
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        await cut.WaitForAssertionAsync(() => Assert.Equal("2", Figure(cut, "shoppers-online")));
    }

    private static string Figure(IRenderedComponent<AdminHost> cut, string testId) =>
        cut.Find($"[data-testid={testId}] [data-testid=value]").TextContent.Trim();

    private static string Note(IRenderedComponent<AdminHost> cut, string testId) =>
        cut.Find($"[data-testid={testId}] [data-testid=note]").TextContent.Trim();

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The shop's fake clock, counting the periodic timers made on it that are not disposed yet.</summary>
    private sealed class TimerCountingClock(TimeProvider inner) : TimeProvider
    {
        private readonly List<(TimeSpan Period, CountedTimer Timer)> _timers = [];

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new CountedTimer(inner.CreateTimer(callback, state, dueTime, period));
            lock (_timers)
            {
                _timers.Add((period, timer));
            }
            return timer;
        }

        public int OpenTimers(TimeSpan period)
        {
            lock (_timers)
            {
                return _timers.Count(t => t.Period == period && !t.Timer.Disposed);
            }
        }

        private sealed class CountedTimer(ITimer inner) : ITimer
        {
            public bool Disposed { get; private set; }

            public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

            public void Dispose()
            {
                Disposed = true;
                inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Disposed = true;
                return inner.DisposeAsync();
            }
        }
    }

    private sealed class DownDatabase : IDbContextFactory<CheckoutDbContext>
    {
        public CheckoutDbContext CreateDbContext() => throw new InvalidOperationException("The database is down.");
    }
}
