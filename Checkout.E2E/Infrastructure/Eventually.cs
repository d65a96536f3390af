namespace Checkout.E2E.Infrastructure;

/// <summary>
/// Waits for a condition on the server side (a payment reaching the gateway, an order being confirmed), polling it,
/// and fails with <c>because</c> after a bound. Pages have Playwright's own retrying assertions instead.
/// </summary>
public static class Eventually
{
    public static async Task<T> MatchesAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string because, int timeoutMs = 15_000)
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
            await Task.Delay(25);
        }
    }

    public static Task TrueAsync(Func<bool> condition, string because, int timeoutMs = 15_000) =>
        MatchesAsync(() => Task.FromResult(condition()), ok => ok, because, timeoutMs);
}
