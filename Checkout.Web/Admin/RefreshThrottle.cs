namespace Checkout.Web.Admin;

/// <summary>
/// Turns a stream of "something changed" signals into at most one refresh per interval. A signal after a quiet
/// interval refreshes at once; the signals of a burst share one refresh at the end of the interval, so the last change
/// is always shown. Time comes from the <see cref="TimeProvider"/>, so tests move it by hand.
/// </summary>
public sealed class RefreshThrottle : IDisposable
{
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly Func<Task> _refresh;
    private readonly Lock _gate = new();
    private long _lastStarted;
    private bool _pending;
    private bool _disposed;
    private ITimer? _timer;

    /// <param name="refresh">Must handle its own errors: it runs detached from the caller of <see cref="Signal"/>.</param>
    public RefreshThrottle(TimeProvider clock, TimeSpan interval, Func<Task> refresh)
    {
        _clock = clock;
        _interval = interval;
        _refresh = refresh;
        // The owner has just loaded what it shows.
        _lastStarted = clock.GetTimestamp();
    }

    /// <summary>Asks for a refresh; cheap and never blocks, so an event publisher can call it inline.</summary>
    public void Signal()
    {
        lock (_gate)
        {
            if (_pending || _disposed)
            {
                return;
            }
            _pending = true;
            var wait = _interval - _clock.GetElapsedTime(_lastStarted);
            if (wait > TimeSpan.Zero)
            {
                _timer = _clock.CreateTimer(_ => _ = RunAsync(), null, wait, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            // Signals from here on are changes this refresh may not see: they schedule the next one.
            _pending = false;
            _lastStarted = _clock.GetTimestamp();
            _timer?.Dispose();
            _timer = null;
        }
        await _refresh();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
        }
    }
}
