using System.Collections.Concurrent;

namespace Checkout.Bench;

/// <summary>
/// raw-checkout's commits on SQLite, shared as the product's writer shares them: the units waiting at a moment (up to
/// <see cref="MaxBatch"/>, the product's batch) run one after the other on one connection, with its statements
/// prepared once, as one transaction — <c>BEGIN IMMEDIATE</c>, a <c>SAVEPOINT</c> per unit, one <c>COMMIT</c>, with
/// <c>synchronous = FULL</c> when one of them confirms an order — and each caller is answered after that commit. A unit
/// that answers a problem, or throws, rolls back to its savepoint alone. Without it each worker would take SQLite's
/// write lock for each of its units and wait for it in SQLite's busy handler: a ceiling for CPU, not for batching.
/// <para>
/// No writer thread, as in the product: callers take turns (a semaphore), and the caller whose turn it is runs the
/// batches waiting — its own unit among them — on its own thread; a caller whose unit an earlier turn ran finds it
/// answered when its turn comes and passes the turn on.
/// </para>
/// </summary>
internal sealed class RawWriter : IAsyncDisposable
{
    private const int MaxBatch = 64;

    private readonly RawCheckout _checkout;
    private readonly RawConnection _db;
    private readonly ConcurrentQueue<Unit> _units = new();
    private readonly SemaphoreSlim _turn = new(1, 1);

    /// <param name="checkout">The writer's own statements, on <paramref name="db"/>: every unit runs on them.</param>
    public RawWriter(RawCheckout checkout, RawConnection db)
    {
        _checkout = checkout;
        _db = db;
    }

    /// <summary>Runs <paramref name="work"/> in a batch; its answer (null: keep its writes) once the batch committed.</summary>
    public async Task<string?> RunAsync(Func<RawCheckout, Task<string?>> work, bool durable)
    {
        var unit = new Unit(work, durable);
        _units.Enqueue(unit);
        await _turn.WaitAsync();
        try
        {
            var batch = new List<Unit>(MaxBatch);
            while (!unit.Answer.Task.IsCompleted)
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _units.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
                try
                {
                    await RunBatchAsync(batch);
                }
                catch (Exception e)
                {
                    // The batch could not commit: none of its writes stand, and each caller hears why.
                    batch.ForEach(u => u.Answer.TrySetException(e));
                    await RollBackAsync();
                }
            }
        }
        finally
        {
            _turn.Release();
        }
        return await unit.Answer.Task;
    }

    private async Task RunBatchAsync(List<Unit> batch)
    {
        var durable = batch.Exists(u => u.Durable);
        await (durable ? _db.DurableBegin : _db.Begin).ExecuteNonQueryAsync();
        var answers = new (string? Problem, Exception? Error)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            await _db.Savepoint.ExecuteNonQueryAsync();
            try
            {
                answers[i] = (await batch[i].Work(_checkout), null);
            }
            catch (Exception e)
            {
                answers[i] = (null, e);
            }
            if (answers[i] is not (null, null))
            {
                await _db.RollbackToSavepoint.ExecuteNonQueryAsync();
            }
            await _db.ReleaseSavepoint.ExecuteNonQueryAsync();
        }
        await _db.Commit.ExecuteNonQueryAsync();
        if (durable && _db.DurableEnd is { } end)
        {
            await end.ExecuteNonQueryAsync();
        }
        for (var i = 0; i < batch.Count; i++)
        {
            if (answers[i].Error is { } error)
            {
                batch[i].Answer.TrySetException(error);
            }
            else
            {
                batch[i].Answer.TrySetResult(answers[i].Problem);
            }
        }
    }

    /// <summary>Ends whatever transaction a failed batch left open, so that the next one can begin.</summary>
    private async Task RollBackAsync()
    {
        try
        {
            await _db.Rollback.ExecuteNonQueryAsync();
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // No transaction was open.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _checkout.DisposeAsync();
        _turn.Dispose();
    }

    private sealed class Unit(Func<RawCheckout, Task<string?>> work, bool durable)
    {
        public Func<RawCheckout, Task<string?>> Work { get; } = work;
        public bool Durable { get; } = durable;
        // Completed by the caller that runs its batch; its own caller looks only once its turn comes.
        public TaskCompletionSource<string?> Answer { get; } = new();
    }
}
