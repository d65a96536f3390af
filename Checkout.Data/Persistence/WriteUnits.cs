using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Data.Persistence;

/// <summary>
/// One use case's writes: conditional statements (the ledgers' intent methods) that commit together or not at all.
/// It runs on the context it is given, which is not necessarily the caller's, and does nothing else: no gateway, no
/// Redis, no events — those come before or after it, in the caller. It says with <see cref="UnitResult{T}.Keep"/>
/// whether its writes stand; a unit that throws is undone too, and its exception reaches its caller.
/// </summary>
public delegate Task<UnitResult<T>> WriteUnit<T>(CheckoutDbContext db, CancellationToken ct);

/// <summary>What a write unit answers, and whether its writes stand (<see cref="Keep"/>) or are undone.</summary>
public readonly record struct UnitResult<T>(T Value, bool Keep);

public static class UnitResult
{
    public static UnitResult<T> Keep<T>(T value) => new(value, Keep: true);

    public static UnitResult<T> Undo<T>(T value) => new(value, Keep: false);
}

/// <summary>
/// Runs write units. A unit's caller gets its answer only once its writes are committed (or undone); with
/// <c>durable</c>, once they are on disk. Events the unit raised are on the caller's context afterwards, to publish.
/// <list type="bullet">
/// <item>On SQLite, <see cref="SqliteWriter"/>: one writer with one connection runs the units of many callers in one
/// transaction and one commit.</item>
/// <item>On PostgreSQL, <see cref="BatchedWriteUnits"/>: each unit is one batch, one round trip.</item>
/// <item>Otherwise, <see cref="TransactionWriteUnits"/>: each unit is a transaction of its caller's own context.</item>
/// </list>
/// </summary>
public abstract class WriteUnits
{
    public abstract Task<T> RunAsync<T>(CheckoutDbContext caller, WriteUnit<T> unit, CancellationToken ct, bool durable = false);
}

/// <summary>Each unit in a transaction of its own, on its caller's context and connection.</summary>
internal sealed class TransactionWriteUnits : WriteUnits
{
    public override async Task<T> RunAsync<T>(CheckoutDbContext caller, WriteUnit<T> unit, CancellationToken ct, bool durable = false)
    {
        await using var tx = durable ? await caller.BeginDurableTransactionAsync(ct) : await caller.Database.BeginTransactionAsync(ct);
        var result = await unit(caller, ct);
        if (result.Keep)
        {
            await tx.CommitAsync(ct);
        }
        else
        {
            await tx.RollbackAsync(ct);
        }
        return result.Value;
    }
}

/// <summary>
/// Each unit one round trip (PostgreSQL). The unit first runs without touching the database: <see cref="Statements"/>
/// queues its statements (<see cref="StatementBatch"/>) and takes each conditional one to change the rows it expects.
/// Then they go as one batch, which PostgreSQL runs as one implicit transaction, each conditional statement guarded so
/// that a wrong count fails the batch and none of it stays. So an inventory row is locked for one round trip, not for
/// each statement's. The unit runs again as a transaction of its own, statement by statement
/// (<see cref="TransactionWriteUnits"/>), whose answer then stands, when it needs an answer before its end (a count,
/// a read, a LINQ update), when a guard failed, when it undid itself, or when someone watches its commands. A batch that
/// locks a stock row waits for a turn at it first (<see cref="RowTurns"/>).
/// <para>
/// With moves of Redis counters to copy, the batch runs in a transaction of its caller's context (Npgsql sends the
/// <c>BEGIN</c> with the batch) whose commit <see cref="HotStock.HotStockInterceptor"/> sees, so the copy is made with
/// the rows still locked: one more round trip.
/// </para>
/// </summary>
internal sealed class BatchedWriteUnits(TransactionWriteUnits oneByOne, RowTurns turns) : WriteUnits
{
    /// <summary>The SQLSTATE a failed guard raises (<c>division_by_zero</c>); no statement of a unit divides otherwise.</summary>
    private const string GuardFailed = "22012";

    /// <summary>Each conditional statement's guarded text, for each number of rows it must change, made once.</summary>
    private static readonly ConcurrentDictionary<(string Sql, int Rows), string> Guarded = new();

    public override async Task<T> RunAsync<T>(CheckoutDbContext caller, WriteUnit<T> unit, CancellationToken ct, bool durable = false)
    {
        if (caller.CommandsWatched)
        {
            return await oneByOne.RunAsync(caller, unit, ct, durable);
        }
        var raised = caller.Effects.Raised.Count;
        var moves = caller.HotWork.Moves.Count;
        var batch = new StatementBatch();
        UnitResult<T> result;
        caller.Batch = batch;
        try
        {
            result = await unit(caller, ct);
        }
        catch (StatementBatch.AnswerNeeded)
        {
            result = default;
        }
        finally
        {
            caller.Batch = null;
        }
        if (result.Keep && batch.Statements.Count > 0)
        {
            try
            {
                using (await turns.EnterAsync(batch.Rows, ct))
                {
                    await SendAsync(caller, batch, ct);
                }
                return result.Value;
            }
            catch (DbException e) when (e.SqlState == GuardFailed)
            {
                // Something the unit assumed did not hold: the statement-by-statement run finds out what.
            }
        }
        Forget(caller.Effects.Raised, raised);
        Forget(caller.HotWork.Moves, moves);
        return await oneByOne.RunAsync(caller, unit, ct, durable);
    }

    /// <summary>Sends the batch: on its own (one implicit transaction) or, with Redis moves to copy, in a transaction whose commit copies them.</summary>
    private static async Task SendAsync(CheckoutDbContext db, StatementBatch queued, CancellationToken ct)
    {
        var inTransaction = db.Counters is not null && !db.HotWork.IsEmpty;
        await using var tx = inTransaction ? await db.Database.BeginTransactionAsync(ct) : null;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var batch = connection.CreateBatch();
            batch.Transaction = tx?.GetDbTransaction();
            using var factory = connection.CreateCommand();
            foreach (var statement in queued.Statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = statement.ExpectedRows is { } rows
                    ? Guarded.GetOrAdd((statement.Sql, rows), key => $"WITH g AS ({key.Sql} RETURNING 1) SELECT 1 / (count(*) = {key.Rows})::int FROM g")
                    : statement.Sql;
                for (var i = 0; i < statement.Parameters; i++)
                {
                    command.Parameters.Add(statement.Bind(factory, i));
                }
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(ct);
            if (tx is not null)
            {
                await tx.CommitAsync(ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Drops what the batched run of a unit added to a list of its effects, which the run again adds anew.</summary>
    private static void Forget<TItem>(List<TItem> items, int before)
    {
        if (items.Count > before)
        {
            items.RemoveRange(before, items.Count - before);
        }
    }
}
