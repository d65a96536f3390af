namespace Checkout.Web.Security;

/// <summary>
/// At most <see cref="WindowLimit.PermitLimit"/> acquisitions per client per <see cref="WindowLimit.Window"/>: a
/// client's window starts at its first acquisition and a new one at its first acquisition after that window ended.
/// Nothing runs between acquisitions: ended windows are dropped while acquiring, at most once a window, so an idle app
/// keeps no timer for its limits (ADR 17).
/// </summary>
public sealed class ClientWindows(WindowLimit limit, TimeProvider clock)
{
    private readonly Dictionary<string, Window> _clients = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    /// <summary>Takes one of <paramref name="client"/>'s permits, or answers how long until its window ends.</summary>
    public WindowPermit TryAcquire(string client)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (now >= _nextPrune)
            {
                foreach (var ended in _clients.Where(c => c.Value.End <= now).Select(c => c.Key).ToList())
                {
                    _clients.Remove(ended);
                }
                _nextPrune = now + limit.Window;
            }
            if (!_clients.TryGetValue(client, out var window) || window.End <= now)
            {
                _clients[client] = new Window(now + limit.Window, 1);
                return WindowPermit.Acquired;
            }
            if (window.Used >= limit.PermitLimit)
            {
                return new WindowPermit(false, window.End - now);
            }
            _clients[client] = window with { Used = window.Used + 1 };
            return WindowPermit.Acquired;
        }
    }

    /// <summary>How many clients have a window that has not been dropped yet.</summary>
    public int Clients
    {
        get
        {
            lock (_lock)
            {
                return _clients.Count;
            }
        }
    }

    private readonly record struct Window(DateTimeOffset End, int Used);
}

/// <summary>A permit taken, or refused with the time left until the client's window ends.</summary>
public readonly record struct WindowPermit(bool IsAcquired, TimeSpan RetryAfter)
{
    public static readonly WindowPermit Acquired = new(true, TimeSpan.Zero);
}
