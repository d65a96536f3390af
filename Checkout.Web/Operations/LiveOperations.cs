using System.Diagnostics.Metrics;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Persistence;
using Checkout.Web.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Operations;

/// <summary>What the operations page shows at one moment.</summary>
/// <param name="CircuitsOpen">Blazor circuits open on this instance: shoppers and admins with a page open, those waiting to reconnect included.</param>
/// <param name="CircuitsConnected">Of those, the circuits whose browser is connected now.</param>
/// <param name="CheckoutsInProgress">
/// Open checkouts whose hold still runs, in the shop's database (so every instance's); null when the database did not answer.
/// </param>
/// <param name="RequestsPerSecond">Requests this instance finished per second over the window (see <see cref="LiveOperations"/>).</param>
/// <param name="P99Milliseconds">99 % of those requests took at most this long; null when none was counted.</param>
public sealed record OperationsSnapshot(
    int CircuitsOpen, int CircuitsConnected, int? CheckoutsInProgress, double RequestsPerSecond, double? P99Milliseconds, DateTimeOffset At);

/// <summary>The requests of the window: how many a second, and their 99th percentile.</summary>
public readonly record struct RequestRate(int Count, double PerSecond, double? P99Milliseconds);

/// <summary>
/// This instance, live, from the meters ASP.NET Core already publishes (the ones <see cref="TelemetrySetup"/> exports),
/// listened to in-process:
/// <list type="bullet">
/// <item>circuits: <c>aspnetcore.components.circuit.active</c> and <c>.connected</c>, counted from the moment this service
/// started listening, which is at startup (it is a hosted service for that reason alone);</item>
/// <item>requests: <c>http.server.request.duration</c> over the last <see cref="WindowSeconds"/> whole seconds, in
/// one-second slots of a log-scale histogram (a bucket every 1/16 of a doubling, so a percentile is within 3 %).
/// A request costs one clock read and one interlocked increment, and no allocation; a lock is taken only by the
/// first request of a second, to clear its slot.</item>
/// </list>
/// Counted are the requests this instance finished, except the Prometheus scrape of <see cref="TelemetrySetup.MetricsPath"/>
/// and the Blazor hub's transport requests (a WebSocket, a server-sent events stream or a long poll), which last as
/// long as a shopper's visit and would make the p99 the length of a visit; the hub's negotiation and the messages
/// posted to it are ordinary requests and count. Only meters made by this app's <see cref="IMeterFactory"/> are heard,
/// so two apps in one process (tests) do not add up.
/// </summary>
public sealed partial class LiveOperations : IHostedService, IDisposable
{
    public const string CircuitsMeter = "Microsoft.AspNetCore.Components.Server.Circuits";
    public const string CircuitsActiveInstrument = "aspnetcore.components.circuit.active";
    public const string CircuitsConnectedInstrument = "aspnetcore.components.circuit.connected";
    public const string HostingMeter = "Microsoft.AspNetCore.Hosting";
    public const string RequestDurationInstrument = "http.server.request.duration";

    /// <summary>The window of the request figures, in whole seconds; the second under way is not in it yet.</summary>
    public const int WindowSeconds = 10;

    /// <summary>The route of the Blazor hub's transport requests, as the <c>http.route</c> tag names it.</summary>
    public const string BlazorHubRoute = "/_blazor";

    /// <summary>How long the operations page waits for the database before it shows the checkouts as unknown.</summary>
    public static readonly TimeSpan DatabaseTimeout = TimeSpan.FromSeconds(2);

    private const double SmallestMilliseconds = 0.01;
    private const int StepsPerDoubling = 16;
    private const int Doublings = 24;

    /// <summary>Below the smallest, one bucket per step up to about 168 s, and one beyond.</summary>
    private const int BucketCount = Doublings * StepsPerDoubling + 2;

    private static readonly object ActiveCircuits = new();
    private static readonly object ConnectedCircuits = new();
    private static readonly object RequestDurations = new();

    private readonly TimeProvider _clock;
    private readonly IDbContextFactory<CheckoutDbContext> _db;
    private readonly ILogger<LiveOperations> _logger;
    private readonly MeterListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Slot[] _slots = [.. Enumerable.Range(0, WindowSeconds + 1).Select(_ => new Slot())];
    private readonly long _startSecond;
    private readonly Lock _gate = new();
    private long _circuitsOpen;
    private long _circuitsConnected;
    private long _checkoutsReadSecond = long.MinValue;
    private Task<int?>? _checkouts;

    public LiveOperations(IMeterFactory meters, TimeProvider clock, IDbContextFactory<CheckoutDbContext> db, ILogger<LiveOperations> logger)
    {
        _clock = clock;
        _db = db;
        _logger = logger;
        _startSecond = Second();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    return;
                }
                var state = (instrument.Meter.Name, instrument.Name) switch
                {
                    (CircuitsMeter, CircuitsActiveInstrument) => ActiveCircuits,
                    (CircuitsMeter, CircuitsConnectedInstrument) => ConnectedCircuits,
                    (HostingMeter, RequestDurationInstrument) => RequestDurations,
                    _ => null,
                };
                if (state is not null)
                {
                    listener.EnableMeasurementEvents(instrument, state);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnCount);
        _listener.SetMeasurementEventCallback<double>(OnDuration);
        _listener.Start();
    }

    /// <summary>Circuits open on this instance now (never below zero: one opened before the listening began may close).</summary>
    public int CircuitsOpen => (int)Math.Max(0, Interlocked.Read(ref _circuitsOpen));

    /// <summary>Circuits open on this instance whose browser is connected now.</summary>
    public int CircuitsConnected => (int)Math.Max(0, Interlocked.Read(ref _circuitsConnected));

    /// <summary>
    /// The requests of the last <see cref="WindowSeconds"/> whole seconds; per second over fewer seconds while this instance
    /// has been up for less than the window.
    /// </summary>
    public RequestRate Requests()
    {
        var now = Second();
        Span<long> merged = stackalloc long[BucketCount];
        long total = 0;
        foreach (var slot in _slots)
        {
            var second = Volatile.Read(ref slot.Second);
            if (second < now - WindowSeconds || second >= now)
            {
                continue;
            }
            for (var i = 0; i < BucketCount; i++)
            {
                var count = Volatile.Read(ref slot.Counts[i]);
                merged[i] += count;
                total += count;
            }
        }
        var seconds = Math.Clamp(now - _startSecond, 1, WindowSeconds);
        return new RequestRate((int)Math.Min(total, int.MaxValue), (double)total / seconds, total == 0 ? null : Percentile(merged, total, 0.99));
    }

    /// <summary>
    /// The figures now. Circuits and requests are this instance's memory; the checkouts are read from the database at most
    /// once a second and one read at a time, however many pages ask, and null when it does not answer within
    /// <see cref="DatabaseTimeout"/>.
    /// </summary>
    public async Task<OperationsSnapshot> SnapshotAsync(CancellationToken ct = default)
    {
        var checkouts = await CheckoutsInProgressAsync().WaitAsync(ct);
        var requests = Requests();
        return new OperationsSnapshot(CircuitsOpen, CircuitsConnected, checkouts, requests.PerSecond, requests.P99Milliseconds, _clock.GetUtcNow());
    }

    /// <summary>Nothing to start: the listening began when the service was built, which this registration makes happen at startup.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Idempotent: the container disposes the service once as itself and once as the hosted service. The token source is
    /// not disposed: a read under way still holds its token.
    /// </summary>
    public void Dispose()
    {
        _listener.Dispose();
        _stopping.Cancel();
    }

    /// <summary>Whether a finished request counts (see the class summary); reads the tags without allocating.</summary>
    private static bool Counts(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? route = null;
        string? method = null;
        var status = 0;
        foreach (var (key, value) in tags)
        {
            switch (key)
            {
                case "http.route":
                    route = value as string;
                    break;
                case "http.request.method":
                    method = value as string;
                    break;
                case "http.response.status_code":
                    status = value is int code ? code : 0;
                    break;
            }
        }
        // A WebSocket accepted over HTTP/1.1 answers 101 and lasts as long as the socket, whatever its route.
        if (status == StatusCodes.Status101SwitchingProtocols)
        {
            return false;
        }
        if (route is null)
        {
            return true;
        }
        if (IsRoute(route, TelemetrySetup.MetricsPath))
        {
            return false;
        }
        // The hub's transport: a WebSocket (GET, or CONNECT over HTTP/2), a server-sent events stream or a long poll.
        return !(IsRoute(route, BlazorHubRoute) && method is "GET" or "CONNECT");
    }

    /// <summary>Route templates are tagged with or without their leading slash, depending on how they were mapped.</summary>
    private static bool IsRoute(string route, string path) => route.AsSpan().TrimStart('/').SequenceEqual(path.AsSpan().TrimStart('/'));

    private void OnCount(Instrument instrument, long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (ReferenceEquals(state, ActiveCircuits))
        {
            Interlocked.Add(ref _circuitsOpen, measurement);
        }
        else if (ReferenceEquals(state, ConnectedCircuits))
        {
            Interlocked.Add(ref _circuitsConnected, measurement);
        }
    }

    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!ReferenceEquals(state, RequestDurations) || !Counts(tags) || SlotOf(Second()) is not { } slot)
        {
            return;
        }
        Interlocked.Increment(ref slot.Counts[Bucket(seconds * 1000)]);
    }

    /// <summary>The slot of <paramref name="second"/>, cleared first if it still holds an older second; null for a second already gone.</summary>
    private Slot? SlotOf(long second)
    {
        var slot = _slots[(int)(second % _slots.Length)];
        if (Volatile.Read(ref slot.Second) == second)
        {
            return slot;
        }
        lock (slot.Gate)
        {
            if (slot.Second > second)
            {
                return null;
            }
            if (slot.Second < second)
            {
                Array.Clear(slot.Counts);
                // Published after the clearing: a request that sees this second counts in a clean slot.
                Volatile.Write(ref slot.Second, second);
            }
            return slot;
        }
    }

    private long Second() => _clock.GetTimestamp() / _clock.TimestampFrequency;

    private static int Bucket(double milliseconds)
    {
        if (!(milliseconds >= SmallestMilliseconds))
        {
            return 0;
        }
        var steps = Math.Log2(milliseconds / SmallestMilliseconds) * StepsPerDoubling;
        return steps >= BucketCount - 2 ? BucketCount - 1 : (int)steps + 1;
    }

    /// <summary>The middle (on the log scale) of the bucket holding the <paramref name="quantile"/>'s request.</summary>
    private static double Percentile(ReadOnlySpan<long> buckets, long total, double quantile)
    {
        var rank = (long)Math.Ceiling(total * quantile);
        long seen = 0;
        var bucket = 0;
        for (; bucket < buckets.Length - 1; bucket++)
        {
            seen += buckets[bucket];
            if (seen >= rank)
            {
                break;
            }
        }
        return bucket switch
        {
            0 => SmallestMilliseconds,
            BucketCount - 1 => SmallestMilliseconds * Math.Pow(2, Doublings),
            _ => SmallestMilliseconds * Math.Pow(2, (bucket - 0.5) / StepsPerDoubling),
        };
    }

    private Task<int?> CheckoutsInProgressAsync()
    {
        var second = Second();
        lock (_gate)
        {
            if (_checkouts is null || (_checkouts.IsCompleted && _checkoutsReadSecond != second))
            {
                _checkoutsReadSecond = second;
                // Off the lock and off the caller: SQLite's "async" reads run synchronously.
                _checkouts = Task.Run(CountCheckoutsAsync);
            }
            return _checkouts;
        }
    }

    /// <summary>Never throws: a database that fails or is slow makes the figure unknown, not the page broken.</summary>
    private async Task<int?> CountCheckoutsAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(DatabaseTimeout, _clock);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
            await using var db = await _db.CreateDbContextAsync(either.Token);
            var now = _clock.GetUtcNow();
            return await db.CheckoutSessions.CountAsync(s => s.Status == CheckoutSessionStatus.Open && s.HoldExpiresAt > now, either.Token);
        }
        catch (Exception e) when (!_stopping.IsCancellationRequested)
        {
            LogCheckoutsUnread(e);
            return null;
        }
        catch (Exception)
        {
            // Shutting down.
            return null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "The operations view could not count the checkouts in progress; it shows them as unknown")]
    private partial void LogCheckoutsUnread(Exception exception);

    /// <summary>One second's requests, as counts per latency bucket.</summary>
    private sealed class Slot
    {
        public readonly Lock Gate = new();
        public readonly int[] Counts = new int[BucketCount];
        public long Second = long.MinValue;
    }
}
