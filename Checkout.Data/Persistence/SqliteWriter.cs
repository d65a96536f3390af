using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Checkout.Data.HotStock;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace Checkout.Data.Persistence;

/// <summary>
/// The one writer of the shop's SQLite file in this process. SQLite lets one transaction write at a time; instead of
/// every request taking that lock in turn (each with its own connection, a cold page cache, statements parsed anew and
/// a commit of its own), callers hand their write units to this writer, which owns one connection that stays open
/// with its statements prepared (<see cref="KeptStatements"/>) and runs the units waiting at that moment as one batch:
/// <c>BEGIN IMMEDIATE</c>, a <c>SAVEPOINT</c> per unit, one <c>COMMIT</c>. A unit that throws or asks to be undone
/// rolls back to its savepoint alone; the others commit. Every caller of the batch is answered after that commit — so
/// a caller never acts on writes that could still be lost — and the commit is <c>synchronous = FULL</c> when any unit
/// of the batch asked to be durable: one disk flush then covers every order the batch confirms.
/// <para>
/// There is no writer thread. The caller that finds no batch running takes the turn and runs the batches itself, on
/// its own thread (SQLite's calls are synchronous), until its own unit is answered; then it hands the turn to the
/// first caller still waiting. A caller resumes on another thread only when someone else ran its unit, instead of
/// twice per unit (over to a writer thread and back), and the thread-pool wake-ups that cost go with it.
/// </para>
/// <para>
/// Units run strictly one after the other on the writer's context. They contain only statements: reads the use case
/// needs before deciding, the gateway, Redis and events stay with the caller. Other writes of the process (the admin
/// side, the sweeper) still begin their own transactions; <see cref="SqliteWriteGate"/> queues them and the writer's
/// batches alike. The writer's commits never checkpoint the write-ahead log: <see cref="SqliteCheckpoints"/> does,
/// beside it.
/// </para>
/// </summary>
internal sealed partial class SqliteWriter : WriteUnits, IAsyncDisposable
{
    /// <summary>Enough units that a burst of callers shares one commit, few enough that none waits long behind the batch.</summary>
    internal const int MaxBatch = 64;

    // A unit's savepoint, as statements kept prepared on the writer's connection (see Statements).
    private const string CreateSavepoint = "SAVEPOINT \"unit\"";
    private const string ReleaseSavepoint = "RELEASE SAVEPOINT \"unit\"";
    private const string RollbackToSavepoint = "ROLLBACK TO SAVEPOINT \"unit\"";

    private readonly IDbContextFactory<CheckoutDbContext> _dbFactory;
    private readonly ILogger<SqliteWriter> _logger;
    private readonly ConcurrentQueue<Pending> _queue = new();
    /// <summary>1 while a caller runs batches: the one who may touch <see cref="_db"/> and take from the queue.</summary>
    private int _leading;
    private volatile bool _disposed;
    private CheckoutDbContext? _db;
    private SqliteCheckpoints? _checkpoints;

    public SqliteWriter(IDbContextFactory<CheckoutDbContext> dbFactory, ILogger<SqliteWriter> logger)
    {
        _dbFactory = dbFactory;
        _logger = logger;
    }

    /// <summary>How many batches have committed and how many units were in them: the batching, for tests and the benchmark.</summary>
    public (long Batches, long Units) Committed => (Interlocked.Read(ref _batches), Interlocked.Read(ref _units));

    private long _batches;
    private long _units;

    /// <summary>Checkpoints of the write-ahead log run beside the writer so far.</summary>
    public long Checkpoints => _checkpoints?.Done ?? 0;

    public override async Task<T> RunAsync<T>(CheckoutDbContext caller, WriteUnit<T> unit, CancellationToken ct, bool durable = false)
    {
        ct.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        var pending = new Pending<T>(caller.Effects, unit, durable, ct);
        _queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _leading, 1, 0) == 0)
        {
            pending.Lead();
        }
        if (await pending.Turn)
        {
            await LeadAsync(pending);
        }
        try
        {
            return pending.Result();
        }
        finally
        {
            await CopyHotMovesAsync(caller.Counters, pending);
        }
    }

    /// <summary>
    /// With Redis counters, after the unit's batch ended and outside the writer: copies the moves of hot SKUs and promo
    /// codes a committed unit made to their counters, or gives back what was taken ahead of a unit that did not stand.
    /// </summary>
    private static async Task CopyHotMovesAsync(RedisCounters? counters, Pending pending)
    {
        if (counters is null)
        {
            return;
        }
        var work = pending.Effects.HotWork;
        try
        {
            if (!work.IsEmpty)
            {
                await (pending.Stood ? counters.CommitAsync(work) : counters.UndoAsync(work));
                work.Clear();
            }
        }
        finally
        {
            if (pending.MovesCounted)
            {
                counters.MovesCopied();
            }
        }
    }

    /// <summary>
    /// Runs batches until <paramref name="own"/>'s unit is answered, then hands the turn to the first caller still
    /// waiting, or gives it up when none is.
    /// </summary>
    private async Task LeadAsync(Pending own)
    {
        var batch = new List<Pending>(MaxBatch);
        while (!own.Answered)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var pending))
            {
                batch.Add(pending);
            }
            try
            {
                await RunBatchAsync(batch);
            }
            catch (Exception e)
            {
                // The batch could not commit (or its transaction broke): none of its writes stand, and every caller hears why.
                LogBatchFailed(e, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Fail(e);
                }
                await ResetAsync();
            }
        }
        HandOver();
    }

    /// <summary>
    /// The turn goes to the first caller waiting; with none, it is given up — and taken back at once when a caller
    /// arrived between the look and the release, since that caller saw the turn taken and waits to be handed it.
    /// </summary>
    private void HandOver()
    {
        while (true)
        {
            if (_queue.TryPeek(out var next))
            {
                next.Lead();
                return;
            }
            Volatile.Write(ref _leading, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _leading, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        var db = _db ??= await OpenAsync();
        db.NextCommitDurable = batch.Exists(p => p.Durable);
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var pending in batch)
        {
            if (pending.Cancelled)
            {
                continue;
            }
            await RunUnitAsync(db, pending);
        }
        if (db.Counters is { } counters)
        {
            // Their callers copy these moves to Redis once answered; a seed waits for that (see RedisCounters).
            foreach (var pending in batch.Where(p => p.Kept && !p.Effects.HotWork.IsEmpty))
            {
                counters.MovesCommitting();
                pending.MovesCounted = true;
            }
        }
        await tx.CommitAsync();
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _units, batch.Count);
        _checkpoints?.Committed();
        foreach (var pending in batch)
        {
            pending.Complete();
        }
    }

    /// <summary>Runs one unit inside its savepoint; keeps or undoes its writes and what it raised.</summary>
    private static async Task RunUnitAsync(CheckoutDbContext db, Pending pending)
    {
        // The unit's statements belong to its caller's trace, whichever caller's thread runs the batch.
        Activity.Current = pending.Caller;
        await db.ExecuteAsync(CreateSavepoint, CancellationToken.None);
        db.Effects = pending.Effects;
        var raised = pending.Effects.Raised.Count;
        var moves = pending.Effects.HotWork.Moves.Count;
        try
        {
            pending.Kept = await pending.RunAsync(db);
        }
        catch (Exception e)
        {
            pending.Failed(e);
        }
        finally
        {
            db.Effects = db.OwnEffects;
            db.ChangeTracker.Clear();
        }
        if (pending.Kept)
        {
            await db.ExecuteAsync(ReleaseSavepoint, CancellationToken.None);
            return;
        }
        await db.ExecuteAsync(RollbackToSavepoint, CancellationToken.None);
        await db.ExecuteAsync(ReleaseSavepoint, CancellationToken.None);
        pending.Effects.Raised.RemoveRange(raised, pending.Effects.Raised.Count - raised);
        pending.Effects.HotWork.Moves.RemoveRange(moves, pending.Effects.HotWork.Moves.Count - moves);
    }

    private async Task<CheckoutDbContext> OpenAsync()
    {
        var db = await _dbFactory.CreateDbContextAsync();
        db.KeepsStatements = true;
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync(SqliteCheckpoints.WriterSettings);
        _checkpoints ??= new SqliteCheckpoints(db.Database.GetConnectionString()!, _logger);
        return db;
    }

    /// <summary>
    /// After a failed batch the connection's state is not trusted: the next batch starts on a fresh one. The native
    /// connection goes back to SQLite's pool, so it first gets back the checkpoints every other connection has.
    /// </summary>
    private async Task ResetAsync()
    {
        if (_db is { } db)
        {
            _db = null;
            try
            {
                try
                {
                    await db.Database.ExecuteSqlRawAsync(SqliteCheckpoints.PooledSettings);
                }
                finally
                {
                    await db.DisposeAsync();
                }
            }
            catch (Exception e)
            {
                LogBatchFailed(e, 0);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        // Units already handed in still run: wait until their last batch gave up the turn.
        while (Volatile.Read(ref _leading) == 1 || !_queue.IsEmpty)
        {
            await Task.Yield();
        }
        await ResetAsync();
        if (_checkpoints is not null)
        {
            await _checkpoints.DisposeAsync();
        }
    }

    [LoggerMessage(LogLevel.Error, "A batch of {Units} write units failed as a whole; none of its writes stand and its callers were told")]
    private partial void LogBatchFailed(Exception exception, int units);

    /// <summary>A unit waiting for its batch, and its caller waiting for the answer or for the turn to run batches.</summary>
    private abstract class Pending(UnitEffects effects, bool durable, CancellationToken ct)
    {
        private readonly TaskCompletionSource<bool> _turn = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _answered;

        public UnitEffects Effects { get; } = effects;
        public bool Durable { get; } = durable;

        /// <summary>The span the caller was in when it queued the unit.</summary>
        public Activity? Caller { get; } = Activity.Current;

        /// <summary>The caller gave up before the unit ran: it does not run.</summary>
        public bool Cancelled => ct.IsCancellationRequested;

        protected CancellationToken Token => ct;

        /// <summary>True when the caller is to run batches itself; false once its answer is there.</summary>
        public Task<bool> Turn => _turn.Task;

        /// <summary>The unit's outcome is settled (committed, undone, failed or cancelled).</summary>
        public bool Answered => _answered;

        /// <summary>The unit ran and asked for its writes to stand.</summary>
        public bool Kept { get; set; }

        /// <summary>Its writes stand: it was kept and its batch committed.</summary>
        public bool Stood => Kept && !Errored;

        /// <summary>Its moves of Redis counters were counted as committed and not yet copied (<see cref="RedisCounters.MovesCommitting"/>).</summary>
        public bool MovesCounted { get; set; }

        protected abstract bool Errored { get; }

        /// <summary>The caller takes the turn: it runs the batches from here.</summary>
        public void Lead() => _turn.TrySetResult(true);

        /// <summary>Runs the unit; true when its writes stand.</summary>
        public abstract Task<bool> RunAsync(CheckoutDbContext db);

        /// <summary>The unit threw: its caller gets the exception once the batch has committed.</summary>
        public abstract void Failed(Exception error);

        /// <summary>After the batch committed: the caller gets its answer (or its unit's exception, or its cancellation).</summary>
        public void Complete()
        {
            Settle(batchError: null);
            Answer();
        }

        /// <summary>The batch failed: the caller gets the batch's exception.</summary>
        public void Fail(Exception error)
        {
            Settle(error);
            Answer();
        }

        protected abstract void Settle(Exception? batchError);

        private void Answer()
        {
            _answered = true;
            _turn.TrySetResult(false);
        }
    }

    private sealed class Pending<T>(UnitEffects effects, WriteUnit<T> unit, bool durable, CancellationToken ct) : Pending(effects, durable, ct)
    {
        private bool _ran;
        private T? _value;
        private Exception? _error;

        public override async Task<bool> RunAsync(CheckoutDbContext db)
        {
            _ran = true;
            var result = await unit(db, Token);
            _value = result.Value;
            return result.Keep;
        }

        public override void Failed(Exception error) => _error = error;

        protected override bool Errored => _error is not null;

        protected override void Settle(Exception? batchError)
        {
            if (batchError is not null)
            {
                _error = batchError;
            }
            else if (_error is null && !_ran)
            {
                _error = new TaskCanceledException(null, null, Token);
            }
        }

        /// <summary>The unit's answer, or its exception (the unit's, the batch's, or its cancellation).</summary>
        public T Result()
        {
            if (_error is not null)
            {
                ExceptionDispatchInfo.Throw(_error);
            }
            return _value!;
        }
    }
}
