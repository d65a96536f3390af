using System.Diagnostics.Metrics;
using System.Net;
using Checkout.Data.Persistence;
using Checkout.Tests.Admin;
using Checkout.Tests.Builders;
using Checkout.Web.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The operations figures from ASP.NET Core's own instruments, recorded here into meters of the same names on a fake
/// clock: requests per second and p99 over the last ten whole seconds, what is left out, the circuits, and the
/// checkouts read from the shop's database once a second at most.
/// </summary>
public sealed class LiveOperationsTests : IDisposable
{
    private readonly AspNetMeters _meters = new();
    private readonly FakeTimeProvider _clock = new(TestShop.Start);
    private readonly LiveOperations _live;

    public LiveOperationsTests()
    {
        _live = Live(_meters.Factory, _clock, new UnusedDatabase());
    }

    public void Dispose()
    {
        _live.Dispose();
        _meters.Dispose();
    }

    [Theory]
    [InlineData(99, 20.0)] // the 99th request of 100 is a fast one
    [InlineData(98, 900.0)] // the 99th is the first slow one
    public void RequestsPerSecondAndP99_AreThoseOfTheWindow(int fast, double p99)
    {
        _clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds));
        _meters.Requests(fast, milliseconds: 20);
        _meters.Requests(100 - fast, milliseconds: 900);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var requests = _live.Requests();

        Assert.Equal(100, requests.Count);
        Assert.Equal(10.0, requests.PerSecond, precision: 6);
        Assert.InRange(requests.P99Milliseconds!.Value, p99 * 0.97, p99 * 1.03);
    }

    [Fact]
    public void P99_IsWithinThreePercent_AcrossTheRange()
    {
        foreach (var milliseconds in new[] { 0.05, 0.7, 3.3, 12.5, 87.0, 450.0, 2_600.0, 31_000.0 })
        {
            using var meters = new AspNetMeters();
            using var live = Live(meters.Factory, _clock, new UnusedDatabase());
            meters.Requests(10, milliseconds);
            _clock.Advance(TimeSpan.FromSeconds(1));

            Assert.InRange(live.Requests().P99Milliseconds!.Value, milliseconds * 0.97, milliseconds * 1.03);
        }
    }

    [Fact]
    public void TheSecondUnderWay_IsCountedOnceItIsOver()
    {
        _clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds));
        _meters.Requests(5, milliseconds: 10);

        Assert.Equal(0, _live.Requests().Count);
        Assert.Null(_live.Requests().P99Milliseconds);

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, _live.Requests().Count);
    }

    [Fact]
    public void TheWindow_ForgetsRequestsOlderThanItsTenSeconds()
    {
        _clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds));
        _meters.Requests(10, milliseconds: 10);
        _clock.Advance(TimeSpan.FromSeconds(1));
        _meters.Requests(20, milliseconds: 10);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(30, _live.Requests().Count);

        _clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds - 2));
        Assert.Equal(30, _live.Requests().Count);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(20, _live.Requests().Count);
        Assert.Equal(2.0, _live.Requests().PerSecond, precision: 6);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, _live.Requests().Count);
        Assert.Equal(0.0, _live.Requests().PerSecond);
        Assert.Null(_live.Requests().P99Milliseconds);
    }

    [Fact]
    public void ASecondsSlot_IsEmptiedBeforeItIsUsedAgain()
    {
        _meters.Requests(7, milliseconds: 900);
        // Eleven slots: the one of this second comes round again eleven seconds later.
        _clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds + 1));
        _meters.Requests(3, milliseconds: 5);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var requests = _live.Requests();

        Assert.Equal(3, requests.Count);
        Assert.InRange(requests.P99Milliseconds!.Value, 5 * 0.97, 5 * 1.03);
    }

    [Fact]
    public void AnInstanceUpForLessThanTheWindow_DividesBySecondsItHasBeenUp()
    {
        _meters.Requests(6, milliseconds: 10);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(6.0, _live.Requests().PerSecond, precision: 6);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(2.0, _live.Requests().PerSecond, precision: 6);
    }

    [Fact]
    public void ScrapesAndTheBlazorConnections_AreLeftOut_TheHubsOtherRequestsCount()
    {
        _clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds));
        _meters.Request(3, route: "/metrics");
        _meters.Request(3, route: "metrics");
        // A visit long: the hub's WebSocket over HTTP/1.1 and HTTP/2, a server-sent events stream, a long poll.
        _meters.Request(600_000, route: "/_blazor", status: StatusCodes.Status101SwitchingProtocols);
        _meters.Request(600_000, route: "/_blazor", method: "CONNECT");
        _meters.Request(600_000, route: "/_blazor");
        _meters.Request(90_000, route: "_blazor");
        // A WebSocket elsewhere, on no route.
        _meters.Request(600_000, route: null, status: StatusCodes.Status101SwitchingProtocols);
        // Counted: the negotiation, a message posted to the hub, a page, a request that matched no endpoint.
        _meters.Request(4, route: "/_blazor/negotiate", method: "POST");
        _meters.Request(4, route: "/_blazor", method: "POST");
        _meters.Request(4, route: "/");
        _meters.Request(4, route: null, status: 404);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var requests = _live.Requests();

        Assert.Equal(4, requests.Count);
        Assert.InRange(requests.P99Milliseconds!.Value, 4 * 0.97, 4 * 1.03);
    }

    [Fact]
    public void CircuitsOpeningAndClosing_MoveTheCounts()
    {
        _meters.CircuitOpened();
        _meters.CircuitOpened();
        _meters.CircuitOpened();
        Assert.Equal(3, _live.CircuitsOpen);
        Assert.Equal(3, _live.CircuitsConnected);

        _meters.CircuitDisconnected();
        Assert.Equal(3, _live.CircuitsOpen);
        Assert.Equal(2, _live.CircuitsConnected);

        _meters.CircuitClosed();
        Assert.Equal(2, _live.CircuitsOpen);
        Assert.Equal(2, _live.CircuitsConnected);
    }

    [Fact]
    public void ACircuitOpenedBeforeTheListeningBegan_ClosingDoesNotMakeTheCountNegative()
    {
        _meters.CircuitClosed();
        _meters.CircuitDisconnected();

        Assert.Equal(0, _live.CircuitsOpen);
        Assert.Equal(0, _live.CircuitsConnected);
    }

    [Fact]
    public void MetersOfAnotherApp_AreNotHeard_EvenWithTheSameNames()
    {
        using var otherApp = new AspNetMeters();
        using var unscoped = new Meter(LiveOperations.HostingMeter);
        var unscopedDuration = unscoped.CreateHistogram<double>(LiveOperations.RequestDurationInstrument);
        _clock.Advance(TimeSpan.FromSeconds(LiveOperations.WindowSeconds));

        otherApp.Requests(5, milliseconds: 10);
        otherApp.CircuitOpened();
        unscopedDuration.Record(0.01, new KeyValuePair<string, object?>("http.route", "/"));
        _meters.Request(10);
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1, _live.Requests().Count);
        Assert.Equal(0, _live.CircuitsOpen);
    }

    [Fact]
    public async Task CheckoutsInProgress_AreTheOpenCheckoutsWhoseHoldStillRuns()
    {
        await using var shop = await TestShop.CreateAsync();
        using var live = Live(_meters.Factory, shop.Clock, shop.Get<IDbContextFactory<CheckoutDbContext>>());
        await shop.AddProductAsync("OPS", stock: 10);
        var open = await shop.OpenCheckoutAsync("open@example.com", null, ("OPS", 1));
        await shop.PlaceConfirmedOrderAsync("PAID", quantity: 1);
        shop.Clock.Advance(TimeSpan.FromMinutes(1));
        await shop.OpenCheckoutAsync("later@example.com", null, ("OPS", 1));

        Assert.Equal(2, (await live.SnapshotAsync()).CheckoutsInProgress);

        // The first hold has run out, not yet swept: its session is still Open, and no longer in progress.
        shop.Clock.Advance(open.HoldExpiresAt - shop.Clock.GetUtcNow());
        Assert.Equal(1, (await live.SnapshotAsync()).CheckoutsInProgress);
    }

    [Fact]
    public async Task TheDatabase_IsReadOnceASecond_HoweverManyPagesAsk()
    {
        await using var shop = await TestShop.CreateAsync();
        var database = new CountingDatabase(shop.Get<IDbContextFactory<CheckoutDbContext>>());
        using var live = Live(_meters.Factory, shop.Clock, database);
        await shop.AddProductAsync("OPS", stock: 10);
        await shop.OpenCheckoutAsync("open@example.com", null, ("OPS", 1));

        var pages = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => live.SnapshotAsync()));
        await live.SnapshotAsync();

        Assert.All(pages, page => Assert.Equal(1, page.CheckoutsInProgress));
        Assert.Equal(1, database.Reads);
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        await live.SnapshotAsync();
        Assert.Equal(2, database.Reads);
    }

    [Fact]
    public async Task ADatabaseThatFails_MakesTheCheckoutsUnknown_AndLeavesTheOtherFigures()
    {
        using var live = Live(_meters.Factory, _clock, new FailingDatabase());
        _meters.CircuitOpened();
        _meters.Requests(4, milliseconds: 10);
        _clock.Advance(TimeSpan.FromSeconds(1));

        var snapshot = await live.SnapshotAsync();

        Assert.Null(snapshot.CheckoutsInProgress);
        Assert.Equal(1, snapshot.CircuitsOpen);
        Assert.Equal(4.0, snapshot.RequestsPerSecond, precision: 6);
        Assert.Equal(_clock.GetUtcNow(), snapshot.At);
    }

    /// <summary>
    /// In the real app: the service is registered and listening from startup, on the app's own meter factory and the
    /// real tags, so a scrape and a hub connection attempt are left out and pages and the negotiation count.
    /// </summary>
    [Fact]
    public async Task InTheApp_ItHearsTheAppsRequests_WithoutTheScrapes()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new AdminFactory(web => web.ConfigureTestServices(services => services.AddSingleton(sp =>
            Live(sp.GetRequiredService<IMeterFactory>(), clock, sp.GetRequiredService<IDbContextFactory<CheckoutDbContext>>()))));
        var live = app.Get<LiveOperations>();
        using var finished = new FinishedRequests(app.Get<IMeterFactory>());
        using var browser = app.Browser();
        using var script = app.Script();

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/metrics")).StatusCode);
        await browser.GetAsync("/_blazor");
        await browser.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        // The duration is recorded as the request ends, which may be just after the client has its response.
        await Eventually.TrueAsync(() => finished.Count >= 5, "the app has recorded the five requests");
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Same(live, app.Services.GetServices<IHostedService>().OfType<LiveOperations>().Single());
        Assert.Equal(3, live.Requests().Count);
    }

    private static LiveOperations Live(IMeterFactory meters, TimeProvider clock, IDbContextFactory<CheckoutDbContext> database) =>
        new(meters, clock, database, NullLogger<LiveOperations>.Instance);

    /// <summary>For the tests of requests and circuits, which must not touch the database.</summary>
    private sealed class UnusedDatabase : IDbContextFactory<CheckoutDbContext>
    {
        public CheckoutDbContext CreateDbContext() => throw new InvalidOperationException("This test reads no checkouts.");
    }

    private sealed class FailingDatabase : IDbContextFactory<CheckoutDbContext>
    {
        public CheckoutDbContext CreateDbContext() => throw new InvalidOperationException("The database is down.");
    }

    private sealed class CountingDatabase(IDbContextFactory<CheckoutDbContext> inner) : IDbContextFactory<CheckoutDbContext>
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public CheckoutDbContext CreateDbContext()
        {
            Interlocked.Increment(ref _reads);
            return inner.CreateDbContext();
        }
    }

    /// <summary>Every request duration the app records, whatever its route: tells the test when the app is done recording.</summary>
    private sealed class FinishedRequests : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public FinishedRequests(IMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == LiveOperations.RequestDurationInstrument)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
