using Checkout.Web.Admin;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Admin;

public class RefreshThrottleTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task ABurstOfSignals_RefreshesOnceAtTheEndOfTheInterval()
    {
        var clock = new FakeTimeProvider();
        var refreshes = new Refreshes();
        using var throttle = new RefreshThrottle(clock, Second, refreshes.RunAsync);

        for (var i = 0; i < 100; i++)
        {
            throttle.Signal();
            clock.Advance(TimeSpan.FromMilliseconds(5));
        }
        Assert.Equal(0, refreshes.Count);

        clock.Advance(Second);
        await refreshes.WaitForAsync(1);
        clock.Advance(Second * 5);
        Assert.Equal(1, refreshes.Count);
    }

    [Fact]
    public async Task ASignalAfterAQuietInterval_RefreshesAtOnce_AndTheNextOneWaitsForTheInterval()
    {
        var clock = new FakeTimeProvider();
        var refreshes = new Refreshes();
        using var throttle = new RefreshThrottle(clock, Second, refreshes.RunAsync);
        clock.Advance(Second * 3);

        throttle.Signal();
        await refreshes.WaitForAsync(1);
        throttle.Signal();
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, refreshes.Count);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await refreshes.WaitForAsync(2);
    }

    [Fact]
    public void AfterDispose_ASignalNeverRefreshes()
    {
        var clock = new FakeTimeProvider();
        var refreshes = new Refreshes();
        var throttle = new RefreshThrottle(clock, Second, refreshes.RunAsync);
        throttle.Signal();

        throttle.Dispose();
        throttle.Signal();
        clock.Advance(Second * 5);

        Assert.Equal(0, refreshes.Count);
    }

    private sealed class Refreshes
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task RunAsync()
        {
            Interlocked.Increment(ref _count);
            return Task.CompletedTask;
        }

        public Task WaitForAsync(int count) =>
            Checkout.Testing.Eventually.TrueAsync(() => Task.FromResult(Count >= count), $"{count} refreshes ran");
    }
}
