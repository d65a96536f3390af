using System.Diagnostics;
using System.Runtime;

namespace Checkout.Bench;

/// <summary>What one operation of a worker came to.</summary>
public enum Outcome
{
    /// <summary>Done as the row expects; its latency counts.</summary>
    Ok,

    /// <summary>The operation answered with something the row does not expect (counted, not timed).</summary>
    Failed,

    /// <summary>Nothing left for this worker to do (carts used up, sold out): it stops.</summary>
    Exhausted,
}

/// <summary>One timed phase: how many operations finished, their latencies, and the wall time they took.</summary>
/// <param name="CpuTime">Processor time the whole process used during the phase (all threads, user + kernel).</param>
/// <param name="Collections">Garbage collections during the phase, by generation (0, 1, 2).</param>
/// <param name="JitTime">Time the JIT spent compiling during the phase (tiered compilation still promoting hot code): part of <paramref name="CpuTime"/>.</param>
public sealed record PhaseResult(long Ops, long Failed, long[] LatencyTicks, TimeSpan Elapsed, TimeSpan CpuTime, int[] Collections, TimeSpan JitTime)
{
    /// <summary>
    /// Processor time per operation: unlike ops/s it hardly moves when other programs compete for the cores, so it
    /// is the figure to compare a change by on a shared machine. Cores ÷ this is the rate the CPU would allow.
    /// </summary>
    public double CpuMicrosPerOp => Ops > 0 ? CpuTime.TotalMicroseconds / Ops : 0;

    /// <summary>A closed loop's counted operations by worker (empty for an open loop).</summary>
    public long[] OpsByWorker { get; init; } = [];

    /// <summary>What the run's database and Redis servers spent during the phase; null when the phase did not measure them.</summary>
    public ServerCpu? Servers { get; init; }

    /// <summary><paramref name="time"/> per operation; null when there is no time or no operation.</summary>
    public double? PerOp(TimeSpan? time) => time is { } t && Ops > 0 ? t.TotalMicroseconds / Ops : null;

    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Ops / Elapsed.TotalSeconds : 0;

    public double PercentileMs(double p)
    {
        if (LatencyTicks.Length == 0)
        {
            return 0;
        }
        // Nearest rank on the samples, which RunAsync sorts.
        var rank = (int)Math.Ceiling(p / 100 * LatencyTicks.Length) - 1;
        return LatencyTicks[Math.Clamp(rank, 0, LatencyTicks.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}

/// <summary>
/// A closed loop: <c>workers</c> tasks each run the operation back to back until the phase ends or the operation
/// says there is nothing left. Latency is taken around each call with <see cref="Stopwatch"/>; an operation that
/// throws is a bug in the product or the bench and ends the run.
/// </summary>
public static class ClosedLoop
{
    public delegate ValueTask<Outcome> Operation(int worker, CancellationToken ct);

    /// <summary>Runs the phase; with <paramref name="servers"/>, also takes what they spent meanwhile.</summary>
    public static async Task<PhaseResult> RunAsync(int workers, TimeSpan length, Operation operation, int capacityHint = 4096, RunServers? servers = null)
    {
        using var stop = new CancellationTokenSource();
        var samples = new List<long>[workers];
        var failed = new long[workers];
        var meter = PhaseMeter.Start(servers);
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(length.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            var worker = w;
            samples[worker] = new List<long>(capacityHint);
            tasks[worker] = Task.Run(async () =>
            {
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var outcome = await operation(worker, stop.Token);
                    var t1 = Stopwatch.GetTimestamp();
                    if (outcome == Outcome.Exhausted)
                    {
                        return;
                    }
                    if (outcome == Outcome.Failed)
                    {
                        failed[worker]++;
                        continue;
                    }
                    // An operation that ends after the deadline is not counted: the phase's wall time ends there.
                    if (t1 <= deadline)
                    {
                        samples[worker].Add(t1 - t0);
                    }
                }
            });
        }
        try
        {
            await Task.WhenAll(tasks);
        }
        finally
        {
            await stop.CancelAsync();
        }
        var ended = Math.Min(Stopwatch.GetTimestamp(), deadline);
        return meter.Stop(samples.SelectMany(s => s), failed.Sum(), Stopwatch.GetElapsedTime(started, ended)) with
        {
            OpsByWorker = [.. samples.Select(s => (long)s.Count)],
        };
    }

    /// <summary>
    /// Runs a warm-up phase (not reported), then <paramref name="between"/> with its result, then
    /// <paramref name="measuring"/> (awaited) just as the measured phase starts, and then the measured phase, with the
    /// processor time of the run's servers (<see cref="RunServers"/>) taken around it.
    /// </summary>
    public static async Task<PhaseResult> WarmThenMeasureAsync(
        BenchOptions options, int workers, Operation operation, Func<PhaseResult, Task>? between = null, Func<Task>? measuring = null)
    {
        if (options.Warmup > TimeSpan.Zero)
        {
            var warm = await RunAsync(workers, options.Warmup, operation);
            if (between is not null)
            {
                await between(warm);
            }
        }
        var servers = RunServers.Find(options);
        if (measuring is not null)
        {
            await measuring();
        }
        return await RunAsync(workers, options.Duration, operation, capacityHint: 16_384, servers);
    }
}

/// <summary>The process's processor time and garbage collections over a phase, and the servers' processor time when given, taken around it.</summary>
public readonly struct PhaseMeter
{
    private readonly TimeSpan _cpu;
    private readonly int[] _collections;
    private readonly TimeSpan _jit;
    private readonly RunServers? _servers;
    private readonly (TimeSpan? Db, TimeSpan? Redis) _serversCpu;

    private PhaseMeter(RunServers? servers, (TimeSpan? Db, TimeSpan? Redis) serversCpu, TimeSpan cpu, int[] collections, TimeSpan jit)
    {
        _servers = servers;
        _serversCpu = serversCpu;
        _cpu = cpu;
        _collections = collections;
        _jit = jit;
    }

    /// <summary>Starts the meter; the servers are read first, so that reading them is not the phase's processor time.</summary>
    public static PhaseMeter Start(RunServers? servers = null) =>
        new(servers, servers?.CpuTime() ?? default, Environment.CpuUsage.TotalTime, Collections(), JitInfo.GetCompilationTime());

    /// <summary>The phase's result from its latency samples (sorted here), failures and wall time.</summary>
    public PhaseResult Stop(IEnumerable<long> latencyTicks, long failed, TimeSpan elapsed)
    {
        var cpu = Environment.CpuUsage.TotalTime - _cpu;
        var now = Collections();
        var all = latencyTicks.ToArray();
        Array.Sort(all);
        return new PhaseResult(
            all.Length, failed, all, elapsed, cpu, [now[0] - _collections[0], now[1] - _collections[1], now[2] - _collections[2]],
            JitInfo.GetCompilationTime() - _jit)
        {
            Servers = _servers?.Since(_serversCpu),
        };
    }

    private static int[] Collections() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
}

/// <summary>Keeps the first few unexpected answers of a row so that the report can say what went wrong.</summary>
public sealed class Failures
{
    private readonly List<string> _first = [];
    private readonly Lock _gate = new();

    public Outcome Record(string message)
    {
        lock (_gate)
        {
            if (_first.Count < 3 && !_first.Contains(message))
            {
                _first.Add(message);
            }
        }
        return Outcome.Failed;
    }

    public string? Summary
    {
        get
        {
            lock (_gate)
            {
                return _first.Count == 0 ? null : string.Join(" | ", _first);
            }
        }
    }
}
