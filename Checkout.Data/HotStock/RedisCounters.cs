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
/// The Redis counters of hot SKUs: one hash per SKU holding the available units (<c>n</c>) and the epoch of the seed
/// they were counted from (<c>e</c>). The database stays the record and its conditional update the guard; Redis
/// answers the crowd of a hot SKU first, so that a sold-out SKU costs no database write at all.
/// <para>
/// Staying equal to the database under races rests on three rules. (1) A seed copies the database's count while the
/// inventory row is locked (<see cref="HotStockReconciler"/>) and starts a new epoch. (2) Every database move of a
/// hot SKU's available units is copied to Redis at commit, while the transaction still holds the row
/// (<see cref="HotStockInterceptor"/>); a rollback or failed commit gives back what was copied or taken, but only within
/// the same epoch. (3) Units taken from Redis before the row was locked are counted again if a seed came in between,
/// since that seed could not see them.
/// </para>
/// </summary>
public sealed partial class RedisCounters : IDisposable
{
    // Returns {status, epoch}: status 1 taken, -2 too few, -1 no counter.
    private const string TakeScript = """
        local n = redis.call('HGET', KEYS[1], 'n')
        if not n then return {-1, ''} end
        local e = redis.call('HGET', KEYS[1], 'e')
        if tonumber(n) < tonumber(ARGV[1]) then return {-2, e} end
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
        configuration.AsyncTimeout = Math.Min(configuration.AsyncTimeout, 1_000);
        _redis = ConnectionMultiplexer.Connect(configuration);
        _redis.ConnectionFailed += (_, _) => Lost();
        _redis.ConnectionRestored += (_, _) => WantReseed();
    }

    public bool Enabled => _redis is not null;

    /// <summary>The shop's Redis connection, shared with what else needs Redis (the Data Protection key ring).</summary>
    public IConnectionMultiplexer? Connection => _redis;

    /// <summary>True when <paramref name="sku"/> is hot and its counter is seeded and trusted: take from Redis first.</summary>
    public bool IsHot(string sku) => _ready && _hot.Contains(sku);

    /// <summary>How many takes Redis has answered with units since start.</summary>
    public long Taken => Interlocked.Read(ref _taken);

    internal IReadOnlySet<string> HotSkus => _hot;

    /// <summary>Takes <paramref name="quantity"/> units ahead of the database, recording them on the transaction's work.</summary>
    internal async Task<HotTake> TryTakeAsync(HotStockWork work, string sku, int quantity)
    {
        var reply = await EvaluateAsync(TakeScript, sku, quantity);
        if (reply is null)
        {
            return HotTake.Unavailable;
        }
        var parts = (RedisResult[])reply!;
        switch ((int)parts[0])
        {
            case 1:
                work.Taken.Add((sku, quantity, (string)parts[1]!));
                Interlocked.Increment(ref _taken);
                return HotTake.Taken;
            case -2:
                return HotTake.SoldOut;
            default:
                return HotTake.Unavailable;
        }
    }

    /// <summary>At commit, with the rows still locked: settles the takes and copies the other moves of hot SKUs.</summary>
    internal async Task CommitAsync(HotStockWork work)
    {
        foreach (var (sku, quantity, epoch) in work.Taken)
        {
            var move = work.Moves.FindIndex(m => m.Sku == sku && m.Delta == -quantity);
            if (move < 0)
            {
                // The database did not take these units (the caller commits without them): give them back.
                await ApplyAsync(sku, quantity, "same", epoch);
                continue;
            }
            work.Moves.RemoveAt(move);
            // Counted again only when a seed came between the take and the row lock.
            if (await ApplyAsync(sku, -quantity, "other", epoch) is { } counted)
            {
                work.Applied.Add((sku, quantity, counted));
            }
        }
        work.Taken.Clear();
        foreach (var (sku, delta) in work.Moves)
        {
            if (_hot.Contains(sku) && await ApplyAsync(sku, delta, "any", "") is { } counted)
            {
                work.Applied.Add((sku, -delta, counted));
            }
        }
        work.Moves.Clear();
    }

    /// <summary>After a rollback or a failed commit: gives back what was taken or copied, within the epoch it was counted in.</summary>
    internal async Task UndoAsync(HotStockWork work)
    {
        foreach (var (sku, quantity, epoch) in work.Taken)
        {
            await ApplyAsync(sku, quantity, "same", epoch);
        }
        foreach (var (sku, delta, epoch) in work.Applied)
        {
            await ApplyAsync(sku, delta, "same", epoch);
        }
        work.Clear();
    }

    /// <summary>Sets the counter to the database's count under a new epoch; the caller holds the inventory row.</summary>
    internal async Task SeedAsync(string sku, int available)
    {
        var database = _redis!.GetDatabase();
        await database.HashSetAsync(Key(sku), [new("n", available), new("e", Guid.NewGuid().ToString("N"))]);
    }

    /// <summary>After every hot SKU was seeded: trust the counters of exactly these SKUs.</summary>
    internal void Seeded(IEnumerable<string> hotSkus)
    {
        _hot = hotSkus.ToFrozenSet(StringComparer.Ordinal);
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

    /// <summary>The counter as Redis has it (null without one); for operators and tests.</summary>
    public async Task<long?> ReadAsync(string sku) =>
        _redis is null ? null : (long?)await _redis.GetDatabase().HashGetAsync(Key(sku), "n");

    public void Dispose() => _redis?.Dispose();

    private async Task<string?> ApplyAsync(string sku, int delta, string mode, string epoch)
    {
        var reply = await EvaluateAsync(ApplyScript, sku, delta, mode, epoch);
        return reply is null || reply.IsNull ? null : (string?)reply;
    }

    /// <summary>Runs a script on the SKU's counter; null when Redis is not configured or failed (which asks for a re-seed).</summary>
    private async Task<RedisResult?> EvaluateAsync(string script, string sku, params RedisValue[] args)
    {
        if (_redis is null)
        {
            return null;
        }
        try
        {
            return await _redis.GetDatabase().ScriptEvaluateAsync(script, [Key(sku)], args);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogFailed(e, sku);
            Lost();
            return null;
        }
    }

    private RedisKey Key(string sku) => $"{_prefix}stock:{sku}";

    /// <summary>Stops taking from Redis until the counters are seeded again: while it was away they may have missed moves.</summary>
    private void Lost()
    {
        _ready = false;
        WantReseed();
    }

    private void WantReseed() => Volatile.Read(ref _reseedWanted).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(LogLevel.Warning, "Redis failed for the counter of {Sku}; using the database until the counters are seeded again")]
    private partial void LogFailed(Exception exception, string sku);
}
