using System.Diagnostics;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Persistence;
using Checkout.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Bench;

/// <summary>
/// <c>--profile</c>: runs each use case alone (one at a time, after a warm-up) and counts the SQL commands, connection
/// opens, transactions and commits per operation, the time spent inside commands, and how long each write transaction
/// was open (on SQLite, how long it held the single write lock; on PostgreSQL, its row locks), the bytes allocated per
/// operation and the methods the JIT compiled meanwhile (tiered compilation still promoting hot code, whose CPU the
/// column beside it includes). Then prints the command
/// timeline of one full checkout, on the provider (and with the Redis hot path) of the run. This is the "where does
/// the time go" view behind the table.
/// <para>
/// Opens and transactions come from EF Core's diagnostic events. Commands come from the driver where it reports
/// them — Npgsql's "Npgsql" ActivitySource, which sees every command on the connection, EF Core's or plain ADO.NET's —
/// and otherwise from EF Core's events, which see the commands EF Core issues, plus the product's own statements
/// (<see cref="Statements.SourceName"/>): Microsoft.Data.Sqlite has no ActivitySource or DiagnosticSource. A commit is a transaction committed (one rolled back is none), or a write
/// command run outside any transaction (autocommit).
/// </para>
/// </summary>
public sealed class Profiler : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    /// <summary>The ActivitySource Npgsql reports its commands on.</summary>
    private const string NpgsqlSource = "Npgsql";

    private readonly IDisposable _allListeners;
    private readonly ActivityListener _driver;
    private readonly bool _npgsql;
    private readonly List<IDisposable> _subscriptions = [];
    private long _commands, _writes, _opens, _transactions, _commits, _commandTicks, _lockTicks;
    private long _transactionStartedAt;
    private int _inTransaction;
    private List<(long At, string What)>? _timeline;

    private Profiler(DatabaseProvider provider)
    {
        _allListeners = DiagnosticListener.AllListeners.Subscribe(this);
        _npgsql = provider == DatabaseProvider.PostgreSQL;
        _driver = new ActivityListener
        {
            // Npgsql sees every command; elsewhere EF Core's events see its own and the product's statements report theirs.
            ShouldListenTo = source => source.Name == (_npgsql ? NpgsqlSource : Statements.SourceName),
            // Npgsql tags a command with its SQL only when all data is requested.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = DriverCommand,
        };
        ActivitySource.AddActivityListener(_driver);
    }

    /// <summary>Whose commands the counts are, for the output.</summary>
    private string CommandSource => _npgsql
        ? "Commands are every command Npgsql ran (its \"Npgsql\" ActivitySource): EF Core's and plain ADO.NET's on its connections alike."
        : "Commands are those EF Core issued and the product's own statements (their ActivitySource, Savepoints included): Microsoft.Data.Sqlite " +
          "has no ActivitySource or DiagnosticSource, so other plain ADO.NET (the gateway's ledger) is not counted, nor its autocommit.";

    public static async Task RunAsync(BenchOptions options, int operations = 300)
    {
        using var profiler = new Profiler(options.Provider);
        await using var shop = await BenchShop.CreateAsync(options);
        var skus = await shop.AddProductsAsync("PRF", 4, 1_000_000_000);
        var failures = new Failures();
        var n = 0;

        // Full checkouts from several workers first, until the JIT has promoted the hot code: the cases' CPU is then
        // the code's own, not tiered compilation's (the JIT'd column shows what is left of it).
        var warmedFor = options.Warmup > TimeSpan.FromSeconds(15) ? options.Warmup : TimeSpan.FromSeconds(15);
        await ClosedLoop.RunAsync(options.Concurrency, warmedFor, async (_, ct) =>
            await Rows.BuyOneAsync(shop, skus[Interlocked.Increment(ref n) % skus.Length], $"warm{n}@example.com", failures, ct));

        Console.WriteLine($"Per operation, one at a time ({operations} operations after a warm-up of {warmedFor.TotalSeconds:N0} s of full checkouts).");
        Console.WriteLine(profiler.CommandSource);
        Console.WriteLine($"{"use case",-26}{"µs/op",10}{"CPU µs",10}{"commands",10}{"writes",8}{"opens",7}{"tx",5}{"commits",9}{"in SQL µs",11}{"write lock µs",15}{"p50 µs",10}{"max µs",10}{"alloc KB",10}{"JIT'd",7}");

        // Each case prepares its inputs outside the counted part.
        await profiler.CaseAsync("EF open+close connection", operations, _ => Task.FromResult(0), async _ =>
        {
            await using var db = await shop.DbAsync();
            await db.Database.OpenConnectionAsync();
            await db.Database.CloseConnectionAsync();
        });
        await profiler.CaseAsync("cart create", operations, _ => Task.FromResult(0), async _ => await shop.Carts.CreateAsync());
        await profiler.CaseAsync("cart set quantity", operations, _ => shop.Carts.CreateAsync(), async cartId => await shop.Carts.SetQuantityAsync(cartId, skus[n++ % skus.Length], 1));
        var prepared = new Queue<Guid>(await shop.PrepareCartsAsync(skus, (operations * 2) + 200));
        var sessions = new Queue<Guid>();
        await profiler.CaseAsync("checkout start (reserve)", operations, _ => Task.FromResult(prepared.Dequeue()), async cartId =>
        {
            var started = await shop.Checkouts.StartAsync(new StartCheckout(cartId, $"p{n++}@example.com", "Profile Buyer", ShippingAddress: TestAddresses.Portland));
            sessions.Enqueue(started.IsSuccess ? started.Value!.CheckoutSessionId : throw new InvalidOperationException(started.Error!.Message));
        });
        await profiler.CaseAsync("place order", Math.Min(operations, sessions.Count - 100), _ => Task.FromResult(sessions.Dequeue()), async sessionId =>
        {
            var placed = await shop.PlaceOrders.PlaceAsync(sessionId, Rows.GoodCard);
            _ = placed.IsSuccess ? placed : throw new InvalidOperationException(placed.Error!.Message);
        });
        await profiler.CaseAsync("full checkout", operations, _ => Task.FromResult(0), async _ =>
        {
            if (await Rows.BuyOneAsync(shop, skus[0], $"p{n++}@example.com", failures, CancellationToken.None) != Outcome.Ok)
            {
                throw new InvalidOperationException(failures.Summary);
            }
        });

        // The timeline of one checkout: every command, when it started (from the operation's start) and how long it ran.
        profiler._timeline = [];
        var t0 = Stopwatch.GetTimestamp();
        profiler._timeline.Add((t0, "start"));
        await Rows.BuyOneAsync(shop, skus[1], "timeline@example.com", failures, CancellationToken.None);
        var t1 = Stopwatch.GetTimestamp();
        var timeline = profiler._timeline;
        profiler._timeline = null;
        Console.WriteLine();
        Console.WriteLine($"One full checkout, {Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds:N0} µs, as {(profiler._npgsql ? "Npgsql" : "EF Core and the product's statements")} ran it (offset µs, event):");
        foreach (var (at, what) in timeline.Skip(1))
        {
            Console.WriteLine($"  {Stopwatch.GetElapsedTime(t0, at).TotalMicroseconds,8:N0}  {what}");
        }
        Console.WriteLine();
    }

    private async Task CaseAsync<T>(string name, int operations, Func<int, Task<T>> prepare, Func<T, Task> operation)
    {
        for (var i = 0; i < 50; i++)
        {
            await operation(await prepare(i));
        }
        var inputs = new List<T>(operations);
        for (var i = 0; i < operations; i++)
        {
            inputs.Add(await prepare(i));
        }
        Reset();
        var latencies = new List<double>(operations);
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        // Methods compiled while the case ran: tiered compilation still at work (its CPU counts too), not the case's own cost.
        var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
        var started = Stopwatch.GetTimestamp();
        foreach (var input in inputs)
        {
            var t0 = Stopwatch.GetTimestamp();
            await operation(input);
            latencies.Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        latencies.Sort();
        double Per(long count) => (double)count / operations;
        double Micros(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency / operations;
        Console.WriteLine(
            $"{name,-26}{elapsed.TotalMicroseconds / operations,10:N0}{cpu.TotalMicroseconds / operations,10:N0}{Per(_commands),10:N1}{Per(_writes),8:N1}{Per(_opens),7:N1}{Per(_transactions),5:N1}{Per(_commits),9:N1}" +
            $"{Micros(_commandTicks),11:N0}{Micros(_lockTicks),15:N0}{latencies[latencies.Count / 2],10:N0}{latencies[^1],10:N0}{allocated / 1024.0 / operations,10:N1}{System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore,7:N0}");
    }

    private void Reset()
    {
        _commands = _writes = _opens = _transactions = _commits = _commandTicks = _lockTicks = 0;
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (_subscriptions)
            {
                _subscriptions.Add(listener.Subscribe(this, name =>
                    name == RelationalEventId.CommandExecuted.Name || name == RelationalEventId.ConnectionOpened.Name
                    || name == RelationalEventId.TransactionStarted.Name || name == RelationalEventId.TransactionCommitted.Name
                    || name == RelationalEventId.TransactionRolledBack.Name));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        var now = Stopwatch.GetTimestamp();
        switch (value.Value)
        {
            case CommandExecutedEventData executed when !_npgsql:
                Command(executed.Command.CommandText, executed.Duration, now);
                break;
            case ConnectionEndEventData when value.Key == RelationalEventId.ConnectionOpened.Name:
                Interlocked.Increment(ref _opens);
                _timeline?.Add((now, "           open connection"));
                break;
            case TransactionEndEventData when value.Key == RelationalEventId.TransactionStarted.Name:
                Interlocked.Increment(ref _transactions);
                _transactionStartedAt = now;
                Volatile.Write(ref _inTransaction, 1);
                _timeline?.Add((now, "           BEGIN (IMMEDIATE)"));
                break;
            case TransactionEndEventData:
                // Cases run one operation at a time, so the last BEGIN is this transaction's: from it to here the
                // connection held SQLite's write lock (BEGIN IMMEDIATE takes it at once).
                var committed = value.Key == RelationalEventId.TransactionCommitted.Name;
                if (committed)
                {
                    Interlocked.Increment(ref _commits);
                }
                Volatile.Write(ref _inTransaction, 0);
                Interlocked.Add(ref _lockTicks, now - _transactionStartedAt);
                _timeline?.Add((now, $"           {(committed ? "COMMIT" : "ROLLBACK")} (write lock held {Stopwatch.GetElapsedTime(_transactionStartedAt, now).TotalMicroseconds:N0} µs)"));
                break;
        }
    }

    /// <summary>A command Npgsql or the product's statements ran (Npgsql's physical connection opens, which carry no SQL, are left out).</summary>
    private void DriverCommand(Activity activity)
    {
        if ((activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) is string sql)
        {
            Command(sql, activity.Duration, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>
    /// Counts one command that ended at <paramref name="endedAt"/>. Cases run one operation at a time, so a transaction
    /// open now is this command's; a write outside any is its own commit.
    /// </summary>
    private void Command(string sql, TimeSpan duration, long endedAt)
    {
        Interlocked.Increment(ref _commands);
        if (IsWrite(sql))
        {
            Interlocked.Increment(ref _writes);
            if (Volatile.Read(ref _inTransaction) == 0)
            {
                Interlocked.Increment(ref _commits);
            }
        }
        var ticks = (long)(duration.TotalSeconds * Stopwatch.Frequency);
        Interlocked.Add(ref _commandTicks, ticks);
        _timeline?.Add((endedAt - ticks, $"{duration.TotalMicroseconds,5:N0} µs  {OneLine(sql)}"));
    }

    private static bool IsWrite(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        return text.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase) || text.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || sql.Contains("RETURNING", StringComparison.OrdinalIgnoreCase);
    }

    private static string OneLine(string sql)
    {
        var line = string.Join(' ', sql.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 110 ? line : line[..107] + "...";
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    public void Dispose()
    {
        _driver.Dispose();
        _allListeners.Dispose();
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
        }
    }
}
