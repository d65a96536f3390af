using Checkout.Data.Persistence;

namespace Checkout.Tests.Data;

/// <summary>The turns at a crowded row: at most two writers of one row at once, rows apart independent, no deadlock.</summary>
public sealed class RowTurnsTests
{
    [Fact]
    public async Task ACrowdOnOneRow_IsLetThroughTwoAtATime()
    {
        var turns = new RowTurns();
        var (inside, most) = (0, 0);

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            using (await turns.EnterAsync(["inventory:HOT"], CancellationToken.None))
            {
                var now = Interlocked.Increment(ref inside);
                InterlockedMax(ref most, now);
                await Task.Delay(5);
                Interlocked.Decrement(ref inside);
            }
        })));

        Assert.Equal(RowTurns.PerRow, most);
    }

    [Fact]
    public async Task OtherRows_DoNotWait()
    {
        var turns = new RowTurns();
        using var first = await turns.EnterAsync(["inventory:A"], CancellationToken.None);
        using var second = await turns.EnterAsync(["inventory:A"], CancellationToken.None);

        var other = turns.EnterAsync(["inventory:B"], CancellationToken.None);
        var third = turns.EnterAsync(["inventory:A"], CancellationToken.None).AsTask();

        Assert.True(other.IsCompleted);
        Assert.False(third.IsCompleted);
        first.Dispose();
        (await third.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        (await other).Dispose();
    }

    [Fact]
    public async Task UnitsNamingTheSameRowsInEitherOrder_AllGetThrough()
    {
        var turns = new RowTurns();

        var all = Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            using (await turns.EnterAsync(i % 2 == 0 ? ["inventory:A", "inventory:B"] : ["inventory:B", "inventory:A"], CancellationToken.None))
            {
                await Task.Yield();
            }
        })));

        await all.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AWaitGivenUp_GivesBackTheTurnsItHadTaken()
    {
        var turns = new RowTurns();
        using var b1 = await turns.EnterAsync(["inventory:B"], CancellationToken.None);
        using var b2 = await turns.EnterAsync(["inventory:B"], CancellationToken.None);
        using var cancel = new CancellationTokenSource();

        var waiting = turns.EnterAsync(["inventory:A", "inventory:B"], cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        // Both of A's turns are free again.
        var a1 = turns.EnterAsync(["inventory:A"], CancellationToken.None);
        var a2 = turns.EnterAsync(["inventory:A"], CancellationToken.None);
        Assert.True(a1.IsCompleted && a2.IsCompleted);
        (await a1).Dispose();
        (await a2).Dispose();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen)
            {
                return;
            }
        }
    }
}
