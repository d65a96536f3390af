namespace Checkout.Testing;

/// <summary>
/// Waits for a condition that another thread makes true (a background worker, a request in flight, a payment reaching
/// the gateway), polling it, and fails with <c>because</c> after a bound. Browser pages have Playwright's own
/// retrying assertions instead.
/// </summary>
public static class Eventually
{
    /// <summary>Generous: two cores run the app, its workers and, in the browser tests, a browser.</summary>
    public const int DefaultTimeoutMs = 15_000;

    private const int PollMs = 10;

    /// <summary>Reads until the value meets <paramref name="condition"/>, and returns it; the failure shows the last value read.</summary>
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string because, int timeoutMs = DefaultTimeoutMs)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }
            Assert.True(Environment.TickCount64 < deadline, $"Timed out waiting until {because}; last seen: {value}.");
            await Task.Delay(PollMs);
        }
    }

    public static async Task TrueAsync(Func<Task<bool>> condition, string because, int timeoutMs = DefaultTimeoutMs)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            Assert.True(Environment.TickCount64 < deadline, $"Timed out waiting until {because}.");
            await Task.Delay(PollMs);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string because, int timeoutMs = DefaultTimeoutMs) =>
        TrueAsync(() => Task.FromResult(condition()), because, timeoutMs);
}
