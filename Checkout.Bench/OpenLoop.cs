using System.Collections.Concurrent;
using System.Diagnostics;

namespace Checkout.Bench;

/// <summary>
/// How an open loop went: its phase (latencies from the scheduled arrivals), how many arrived, whether arrivals stopped
/// at the limit (else at an answer that nothing was left), and how many were still running at the end and were cancelled.
/// </summary>
public sealed record OpenLoopResult(PhaseResult Phase, long Arrivals, bool HitLimit, long Cancelled);

/// <summary>
/// An open loop: arrivals at a fixed rate on a schedule of their own — arrival <c>n</c> is due at start + n ÷ rate,
/// whether or not the earlier ones have finished — each running the operation once. A dedicated thread keeps the
/// schedule and hands each arrival to the thread pool when it is due. Latency is taken from the arrival's scheduled
/// time, not from when it got to run, so a system that falls behind is charged for the waiting it causes (no
/// coordinated omission). Arrivals stop at the first <see cref="Outcome.Exhausted"/> answer (nothing left) or at the
/// limit; arrivals still running a grace period after that are cancelled and counted as such.
/// </summary>
public static class OpenLoop
{
    public delegate ValueTask<Outcome> Arrival(long n, CancellationToken ct);

    /// <summary>Runs the loop; with <paramref name="servers"/>, also takes what they spent meanwhile.</summary>
    public static async Task<OpenLoopResult> RunAsync(double perSecond, TimeSpan limit, TimeSpan grace, Arrival arrival, int capacityHint = 4096, RunServers? servers = null)
    {
        using var cancel = new CancellationTokenSource();
        var samples = new ConcurrentQueue<long>();
        var running = new List<Task>(capacityHint);
        long failed = 0, cancelled = 0;
        var exhausted = 0;
        var meter = PhaseMeter.Start(servers);
        var started = Stopwatch.GetTimestamp();
        var period = Stopwatch.Frequency / perSecond;
        var deadline = started + (long)(limit.TotalSeconds * Stopwatch.Frequency);

        async Task ArriveAsync(long n, long due)
        {
            try
            {
                var outcome = await arrival(n, cancel.Token);
                var done = Stopwatch.GetTimestamp();
                switch (outcome)
                {
                    case Outcome.Ok:
                        samples.Enqueue(done - due);
                        break;
                    case Outcome.Failed:
                        Interlocked.Increment(ref failed);
                        break;
                    default:
                        Volatile.Write(ref exhausted, 1);
                        break;
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Interlocked.Increment(ref cancelled);
            }
        }

        // The schedule: every arrival that is due by now is started; then a millisecond's sleep.
        var schedule = Task.Factory.StartNew(() =>
        {
            for (var n = 0L; ; Thread.Sleep(1))
            {
                var now = Stopwatch.GetTimestamp();
                if (Volatile.Read(ref exhausted) == 1)
                {
                    return (n, false);
                }
                if (now >= deadline)
                {
                    return (n, true);
                }
                for (var due = started + (long)(n * period); due <= now; due = started + (long)(n * period))
                {
                    var (next, at) = (n++, due);
                    running.Add(Task.Run(() => ArriveAsync(next, at)));
                }
            }
        }, TaskCreationOptions.LongRunning);
        var (arrivals, hitLimit) = await schedule;

        var all = Task.WhenAll(running);
        if (await Task.WhenAny(all, Task.Delay(grace)) != all)
        {
            await cancel.CancelAsync();
        }
        await all;
        var elapsed = Stopwatch.GetElapsedTime(started);
        return new OpenLoopResult(meter.Stop(samples, failed, elapsed), arrivals, hitLimit, cancelled);
    }
}
