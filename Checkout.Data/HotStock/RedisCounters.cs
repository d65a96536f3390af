using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Checkout.Data.HotStock;

public enum HotTake
{
    /// <summary>Redis is not configured, not reachable, or the SKU's counter is not seeded: use the database alone.</summary>
    Unavailable,
    /// <summary>Too few units left: answer out of stock without touching the database.</summary>
    SoldOut,
    Taken,
}

/// <summary>
/// The Redis counters of hot SKUs and of promo codes with a usage limit (<c>stock:{sku}</c>, <c>promo:{code}</c>):
/// one hash per counter holding what is left (<c>n</c>: available units, or uses remaining) and the epoch of the
/// seed it was counted from (<c>e</c>). The database stays the record and its conditional update the guard; Redis
/// answers the crowd first, so that a sold-out SKU or a used-up code costs no database write at all.
/// <para>
/// Staying equal to the database under races rests on three rules. (1) A seed copies the database's count while the
/// inventory row is locked (<see cref="HotStockReconciler"/>) and starts a new epoch. (2) Every database move of a
/// hot SKU's available units is copied to Redis at commit, while the transaction still holds the row
/// (<see cref="HotStockInterceptor"/>) — or, for a unit of the SQLite writer, right after its commit, with every seed
/// waiting for such copies before it counts (<see cref="MovesCommitting"/>); a rollback or failed commit gives back
/// what was copied or taken, but only within the same epoch. (3) Units taken from Redis before the row was locked are
/// counted again if a seed came in between, since that seed could not see them.
/// </para>
/// </summary>
public sealed partial class RedisCounters : IDisposable
{
    // Returns {status, epoch, left}: status 1 taken, -2 too few (left: how many there are), -1 no counter.
    private const string TakeScript = """
        local n = redis.call('HGET', KEYS[1], 'n')
        if not n then return {-1, ''} end
        local e = redis.call('HGET', KEYS[1], 'e')
        if tonumber(n) < tonumber(ARGV[1]) then return {-2, e, tonumber(n)} end
        redis.call('HINCRBY', KEYS[1], 'n', -tonumber(ARGV[1]))
        return {1, e}
        """;

    // Adds ARGV[1] when the counter exists and its epoch is (mode 'same') or is not (mode 'other') ARGV[3], or always
    // (mode 'any'). Returns the counter's epoch, or false when there is no counter.
    private const string ApplyScript = """
        local e = redis.call('HGET', KEYS[1], 'e')
        if not e then return false end
        if (ARGV[2] == 'same' and e ~= ARGV[3]) or (ARGV[2] == 'other' and e == ARGV[3]) then return e end
        redis.call('HINCRBY', KEYS[1], 'n', tonumber(ARGV[1]))
        return e
        """;

    private readonly IConnectionMultiplexer? _redis;
    private readonly string _prefix;
    private readonly ILogger<RedisCounters> _logger;
    private TaskCompletionSource _reseedWanted = NewSignal();
    private FrozenSet<string> _hot = FrozenSet<string>.Empty;
    private volatile bool _ready;
    private long _taken;
    private readonly Lock _copyGate = new();
    private int _uncopied;
    private TaskCompletionSource _copied = Done();

    public RedisCounters(IOptions<RedisOptions> options, ILogger<RedisCounters> logger)
    {
        _prefix = options.Value.KeyPrefix;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(options.Value.ConnectionString))
        {
            return;
        }
        var configuration = ConfigurationOptions.Parse(options.Value.ConnectionString);
        // Never queue or wait long for a Redis that is away: the database path is right there.
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = Math.Min(configuration.ConnectTimeout, 2_000);
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, (int)options.Value.CommandTimeout.TotalMilliseconds);
        _redis = ConnectionMultiplexer.Connect(configuration);
        _redis.ConnectionFailed += (_, _) => Lost();
        _redis.ConnectionRestored += (_, _) => WantReseed();
    }

    public bool Enabled => _redis is not null;

    /// <summary>The shop's Redis connection, shared with what else needs Redis (the Data Protection key ring).</summary>
    public IConnectionMultiplexer? Connection => _redis;

    /// <summary>True when <paramref name="sku"/> is hot and its counter is seeded and trusted: take from Redis first.</summary>
    public bool IsHot(string sku) => _ready && _hot.Contains(StockName(sku));

    /// <summary>True when the uses left of <paramref name="code"/> are counted in Redis and trusted.</summary>
    public bool TracksPromo(string code) => _ready && _hot.Contains(PromoName(code));

    public static string StockName(string sku) => $"stock:{sku}";

    public static string PromoName(string code) => $"promo:{code}";

    /// <summary>How many takes Redis has answered with units since start.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    /// <summary>
    /// Takes <paramref name="quantity"/> units ahead of the database, recording them on the work; when there are too few,
    /// also says how many there are.
    /// </summary>
    internal Task<(HotTake Outcome, int Left)> TryTakeAsync(HotStockWork work, string sku, int quantity) => TakeAsync(work, StockName(sku), quantity);

    /// <summary>Takes one use of the code ahead of the database, recording it on the transaction's work.</summary>
    internal async Task<HotTake> TryTakePromoAsync(HotStockWork work, string code) => (await TakeAsync(work, PromoName(code), 1)).Outcome;

    private async Task<(HotTake Outcome, int Left)> TakeAsync(HotStockWork work, string counter, int quantity)
    {
        var reply = await EvaluateAsync(TakeScript, counter, quantity);
        if (reply is null)
        {
            return (HotTake.Unavailable, 0);
        }
        var parts = (RedisResult[])reply!;
        switch ((int)parts[0])
        {
            case 1:
                work.Taken.Add((counter, quantity, (string)parts[1]!));
                Interlocked.Increment(ref _taken);
                return (HotTake.Taken, 0);
            case -2:
                return (HotTake.SoldOut, Math.Max(0, (int)parts[2]));
            default:
                return (HotTake.Unavailable, 0);
        }
    }

    /// <summary>At commit, with the rows still locked: settles the takes and copies the other moves of hot SKUs.</summary>
    internal async Task CommitAsync(HotStockWork work)
    {
        foreach (var (counter, quantity, epoch) in work.Taken)
        {
            var move = work.Moves.FindIndex(m => m.Counter == counter && m.Delta == -quantity);
            if (move < 0)
            {
                // The database did not take these units (the caller commits without them): give them back.
                await ApplyAsync(counter, quantity, "same", epoch);
                continue;
            }
            work.Moves.RemoveAt(move);
            // Counted again only when a seed came between the take and the row lock.
            if (await ApplyAsync(counter, -quantity, "other", epoch) is { } counted)
            {
                work.Applied.Add((counter, quantity, counted));
            }
        }
        work.Taken.Clear();
        foreach (var (counter, delta) in work.Moves)
        {
            if (_hot.Contains(counter) && await ApplyAsync(counter, delta, "any", "") is { } counted)
            {
                work.Applied.Add((counter, -delta, counted));
            }
        }
        work.Moves.Clear();
    }

    /// <summary>
    /// A write unit of the SQLite writer is about to commit moves that its caller copies here only after the commit (no
    /// Redis call runs inside the writer). Counted until <see cref="MovesCopied"/>, so that a seed, which holds the
    /// write lock and so stops further commits, first waits for the copies of those already made
    /// (<see cref="CommittedMovesCopiedAsync"/>): a seed can then never count a move that is copied after it.
    /// </summary>
    internal void MovesCommitting()
    {
        lock (_copyGate)
        {
            if (_uncopied++ == 0)
            {
                _copied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>The caller of a counted unit copied its moves (or gave up: the commit failed, or Redis did and a seed follows).</summary>
    internal void MovesCopied()
    {
        lock (_copyGate)
        {
            if (--_uncopied == 0)
            {
                _copied.TrySetResult();
            }
        }
    }

    /// <summary>Completes once every committed move counted by <see cref="MovesCommitting"/> has been copied.</summary>
    internal Task CommittedMovesCopiedAsync(CancellationToken ct)
    {
        lock (_copyGate)
        {
            return _copied.Task.WaitAsync(ct);
        }
    }

    /// <summary>After a rollback or a failed commit: gives back what was taken or copied, within the epoch it was counted in.</summary>
    internal async Task UndoAsync(HotStockWork work)
    {
        foreach (var (counter, quantity, epoch) in work.Taken)
        {
            await ApplyAsync(counter, quantity, "same", epoch);
        }
        foreach (var (counter, delta, epoch) in work.Applied)
        {
            await ApplyAsync(counter, delta, "same", epoch);
        }
        work.Clear();
    }

    /// <summary>
    /// Throws when Redis does not answer. A seed asks first, before it takes its lock: a Redis still away (or still
    /// reconnecting) then never keeps the stock row — on SQLite, every writer — locked for a command's timeout.
    /// </summary>
    internal async Task AnswersAsync() => await _redis!.GetDatabase().PingAsync();

    /// <summary>Sets the counter to the database's count under a new epoch; the caller holds the counted row.</summary>
    internal async Task SeedAsync(string counter, int left)
    {
        var database = _redis!.GetDatabase();
        await database.HashSetAsync(Key(counter), [new("n", left), new("e", Guid.NewGuid().ToString("N"))]);
    }

    /// <summary>Drops a counter (a code that lost its limit): every instance then finds none and asks the database.</summary>
    internal async Task DropAsync(string counter) => await _redis!.GetDatabase().KeyDeleteAsync(Key(counter));

    /// <summary>After every counter was seeded: trust exactly these.</summary>
    internal void Seeded(IEnumerable<string> counters)
    {
        _hot = counters.ToFrozenSet(StringComparer.Ordinal);
        _ready = true;
    }

    /// <summary>Waits until a lost connection or a failed command asks for a re-seed, or <paramref name="timeout"/> passes.</summary>
    internal async Task ReseedWantedAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        var wanted = Volatile.Read(ref _reseedWanted).Task;
        if (!wanted.IsCompleted && timeout > TimeSpan.Zero)
        {
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(ct);
            await Task.WhenAny(wanted, Task.Delay(timeout, clock, delay.Token));
            await delay.CancelAsync();
        }
        // A request from here on asks for the next pass; one before is served by the pass about to run.
        Interlocked.Exchange(ref _reseedWanted, NewSignal());
    }

    /// <summary>The SKU's available units as Redis has them (null without a counter); for operators and tests.</summary>
    public Task<long?> ReadAsync(string sku) => ReadCounterAsync(StockName(sku));

    /// <summary>The code's uses left as Redis has them (null without a counter).</summary>
    public Task<long?> ReadPromoAsync(string code) => ReadCounterAsync(PromoName(code));

    private async Task<long?> ReadCounterAsync(string counter) =>
        _redis is null ? null : (long?)await _redis.GetDatabase().HashGetAsync(Key(counter), "n");

    public void Dispose() => _redis?.Dispose();

    private async Task<string?> ApplyAsync(string counter, int delta, string mode, string epoch)
    {
        var reply = await EvaluateAsync(ApplyScript, counter, delta, mode, epoch);
        return reply is null || reply.IsNull ? null : (string?)reply;
    }

    /// <summary>Runs a script on a counter; null when Redis is not configured or failed (which asks for a re-seed).</summary>
    private async Task<RedisResult?> EvaluateAsync(string script, string counter, params RedisValue[] args)
    {
        if (_redis is null)
        {
            return null;
        }
        try
        {
            return await _redis.GetDatabase().ScriptEvaluateAsync(script, [Key(counter)], args);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogFailed(e, counter);
            Lost();
            return null;
        }
    }

    private RedisKey Key(string counter) => _prefix + counter;

    /// <summary>Stops taking from Redis until the counters are seeded again: while it was away they may have missed moves.</summary>
    private void Lost()
    {
        _ready = false;
        WantReseed();
    }

    private void WantReseed() => Volatile.Read(ref _reseedWanted).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource Done()
    {
        var done = NewSignal();
        done.SetResult();
        return done;
    }

    [LoggerMessage(LogLevel.Warning, "Redis failed for the counter {Counter}; using the database until the counters are seeded again")]
    private partial void LogFailed(Exception exception, string counter);
}
