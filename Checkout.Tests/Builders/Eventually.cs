namespace Checkout.Tests.Builders;

/// <summary>Waits for a condition that another thread (a background worker) makes true, failing after a bound.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, string because, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!await condition())
        {
            Assert.True(Environment.TickCount64 < deadline, $"Timed out waiting until {because}.");
            await Task.Yield();
            await Task.Delay(10);
        }
    }
}
