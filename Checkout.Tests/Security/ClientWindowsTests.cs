using Checkout.Web.Security;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Security;

/// <summary>The per-client fixed windows behind every rate limit, on a fake clock.</summary>
public class ClientWindowsTests
{
    private static readonly WindowLimit ThreeAMinute = new() { PermitLimit = 3, Window = TimeSpan.FromMinutes(1) };

    [Fact]
    public void AClient_GetsItsPermits_ThenWaitsForItsWindowToEnd()
    {
        var clock = new FakeTimeProvider();
        var windows = new ClientWindows(ThreeAMinute, clock);

        var taken = Enumerable.Range(0, 3).Select(_ => windows.TryAcquire("a")).ToList();
        clock.Advance(TimeSpan.FromSeconds(20));
        var refused = windows.TryAcquire("a");

        Assert.All(taken, p => Assert.True(p.IsAcquired));
        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.FromSeconds(40), refused.RetryAfter);

        clock.Advance(TimeSpan.FromSeconds(40));
        var again = Enumerable.Range(0, 4).Select(_ => windows.TryAcquire("a").IsAcquired).ToList();

        Assert.Equal([true, true, true, false], again);
    }

    [Fact]
    public void Clients_AreCountedApart()
    {
        var windows = new ClientWindows(ThreeAMinute, new FakeTimeProvider());

        for (var i = 0; i < 3; i++)
        {
            windows.TryAcquire("a");
        }

        Assert.False(windows.TryAcquire("a").IsAcquired);
        Assert.True(windows.TryAcquire("b").IsAcquired);
    }

    [Fact]
    public void EndedWindows_AreDropped_AtTheNextAcquisitionAfterAWindow()
    {
        var clock = new FakeTimeProvider();
        var windows = new ClientWindows(ThreeAMinute, clock);
        foreach (var client in Enumerable.Range(0, 50).Select(i => $"client{i}"))
        {
            windows.TryAcquire(client);
        }
        clock.Advance(TimeSpan.FromSeconds(30));
        windows.TryAcquire("late");

        Assert.Equal(51, windows.Clients);

        clock.Advance(TimeSpan.FromSeconds(31));
        windows.TryAcquire("later");

        // The fifty ended; "late" still has 29 s of its window.
        Assert.Equal(2, windows.Clients);
    }

    [Fact]
    public async Task RacingAcquisitions_NeverTakeMoreThanTheLimit()
    {
        var windows = new ClientWindows(new WindowLimit { PermitLimit = 25, Window = TimeSpan.FromMinutes(1) }, new FakeTimeProvider());
        using var start = new Barrier(8);

        var taken = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return Enumerable.Range(0, 100).Count(_ => windows.TryAcquire("a").IsAcquired);
        })));

        Assert.Equal(25, taken.Sum());
    }
}
