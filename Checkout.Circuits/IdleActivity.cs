using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Checkout.Circuits;

/// <summary>
/// What the app does while the pages idle, heard in-process over one window: the server's renders (Blazor's
/// <c>render_diff</c> histogram), the hub methods the browsers call (SignalR's server activities: a render's
/// acknowledgement, a JS interop call's answer, a browser event), the database commands (EF Core's diagnostics), and
/// from the runtime the thread pool's work items, the bytes allocated and the timers that exist at the end.
/// </summary>
internal sealed class IdleActivity : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private const string LifecycleMeter = "Microsoft.AspNetCore.Components.Lifecycle";
    private const string SignalRSource = "Microsoft.AspNetCore.SignalR.Server";
    private const string EfListener = "Microsoft.EntityFrameworkCore";
    private const string CommandExecuted = "Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted";

    private readonly MeterListener _meters;
    private readonly ActivityListener _hub;
    private readonly IDisposable _diagnostics;
    private readonly List<IDisposable> _efSubscriptions = [];
    private readonly ConcurrentDictionary<string, int> _hubCalls = new();
    private long _renders;
    private long _dbCommands;
    private volatile bool _counting;

    public IdleActivity()
    {
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LifecycleMeter && instrument.Name.StartsWith("aspnetcore.components.render_diff", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((_, _, _, _) =>
        {
            if (_counting)
            {
                Interlocked.Increment(ref _renders);
            }
        });
        _meters.Start();
        _hub = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SignalRSource,
            Sample = (ref _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = activity =>
            {
                if (_counting)
                {
                    // "Hub/Method": the method is what tells the calls apart.
                    _hubCalls.AddOrUpdate(activity.DisplayName[(activity.DisplayName.LastIndexOf('/') + 1)..], 1, (_, n) => n + 1);
                }
            },
        };
        ActivitySource.AddActivityListener(_hub);
        _diagnostics = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>Counts from now until the returned window is read.</summary>
    public Window Start()
    {
        Interlocked.Exchange(ref _renders, 0);
        Interlocked.Exchange(ref _dbCommands, 0);
        _hubCalls.Clear();
        _counting = true;
        return new Window(this, Stopwatch.StartNew(), ThreadPool.CompletedWorkItemCount, GC.GetTotalAllocatedBytes());
    }

    public void Dispose()
    {
        _meters.Dispose();
        _hub.Dispose();
        _diagnostics.Dispose();
        lock (_efSubscriptions)
        {
            _efSubscriptions.ForEach(s => s.Dispose());
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == EfListener)
        {
            lock (_efSubscriptions)
            {
                _efSubscriptions.Add(listener.Subscribe(this, name => name == CommandExecuted));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (_counting)
        {
            Interlocked.Increment(ref _dbCommands);
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }

    void IObserver<DiagnosticListener>.OnError(Exception error) { }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    internal sealed class Window(IdleActivity owner, Stopwatch elapsed, long workItems, long allocated)
    {
        /// <summary>Stops counting and states the window's rates.</summary>
        public IdleRates Read()
        {
            owner._counting = false;
            var seconds = elapsed.Elapsed.TotalSeconds;
            var hubCalls = owner._hubCalls.OrderByDescending(c => c.Value).ToList();
            return new IdleRates(
                Interlocked.Read(ref owner._renders) / seconds,
                hubCalls.Sum(c => c.Value) / seconds,
                string.Join(", ", hubCalls.Take(3).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value / seconds:0.0}"))),
                Interlocked.Read(ref owner._dbCommands) / seconds,
                (ThreadPool.CompletedWorkItemCount - workItems) / seconds,
                (GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / seconds,
                Timer.ActiveCount);
        }
    }
}

/// <summary>Per second over an idle window, and the timers at its end.</summary>
internal sealed record IdleRates(
    double Renders, double HubCalls, string TopHubCalls, double DbCommands, double WorkItems, double AllocatedKb, long Timers)
{
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"          per second: {Renders:0.0} renders, {HubCalls:0.0} hub calls ({(TopHubCalls.Length == 0 ? "none" : TopHubCalls)}), {DbCommands:0.0} database commands, {WorkItems:0} thread-pool items, {AllocatedKb:N0} KB allocated; {Timers:N0} timers");
}
