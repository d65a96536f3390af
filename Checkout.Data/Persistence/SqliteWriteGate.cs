using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Data.Persistence;

/// <summary>
/// Queues this process's write transactions in front of SQLite's single write lock. Every transaction the product
/// begins is <c>BEGIN IMMEDIATE</c>; when the lock is taken, SQLite's busy handler makes the others sleep and poll
/// (1, 2, 5, 10 … 100 ms), so under load the lock sits idle while writers sleep and unlucky ones wait seconds.
/// Here a waiter instead awaits its turn (first come, first served, no thread blocked) and starts the moment the
/// previous transaction ends.
/// <para>
/// A write outside an explicit transaction (an INSERT, UPDATE or DELETE in autocommit, such as a single-row
/// <c>SaveChanges</c>) takes its turn too, for the statement's run: its implicit transaction holds the same lock.
/// <para>
/// The gate is only a queue: SQLite's lock still decides, so a writer in another process or a turn not given back in
/// time (the wait gives up after the busy timeout and goes on to SQLite's own waiting) costs speed, never
/// correctness. A turn is given back at commit, rollback or failure (of the transaction or of the autocommit
/// statement, whose reader is closed), and at the latest when the connection closes.
/// </para>
/// </summary>
internal sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor, IDbCommandInterceptor
{
    /// <summary>As long as SQLite would wait (<see cref="SqlitePragmas"/>' busy_timeout).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(SqlitePragmas.BusyTimeoutMs);

    private readonly SemaphoreSlim _turn = new(1, 1);
    /// <summary>The EF connections (by <c>ConnectionId</c>) that hold the turn now; at most one, unless a wait gave up.</summary>
    private readonly ConcurrentDictionary<Guid, byte> _holders = new();

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (_turn.Wait(MaxWait))
        {
            _holders[eventData.ConnectionId] = 0;
        }
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (await _turn.WaitAsync(MaxWait, cancellationToken))
        {
            _holders[eventData.ConnectionId] = 0;
        }
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.ConnectionId);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.ConnectionId);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.ConnectionId);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Release(eventData.ConnectionId);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Release(eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        AutocommitTurn(command, eventData);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        EndAutocommit(command, eventData.ConnectionId);
        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        AutocommitTurn(command, eventData);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await AutocommitTurnAsync(command, eventData, cancellationToken);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        EndAutocommit(command, eventData.ConnectionId);
        return ValueTask.FromResult(result);
    }

    /// <summary>A write that returns rows (<c>SaveChanges</c> reads back what the database made): its turn ends with its reader.</summary>
    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await AutocommitTurnAsync(command, eventData, cancellationToken);
        return result;
    }

    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        EndAutocommit(command, eventData.ConnectionId);
        return result;
    }

    public ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        EndAutocommit(command, eventData.ConnectionId);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        EndAutocommit(command, eventData.ConnectionId);
        return result;
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        EndAutocommit(command, eventData.ConnectionId);
        return Task.CompletedTask;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => EndAutocommit(command, eventData.ConnectionId);

    /// <summary>A write statement in autocommit waits for the turn as a transaction would.</summary>
    private async Task AutocommitTurnAsync(DbCommand command, CommandEventData eventData, CancellationToken cancellationToken)
    {
        if (command.Transaction is null && IsWrite(command.CommandText) && await _turn.WaitAsync(MaxWait, cancellationToken))
        {
            _holders[eventData.ConnectionId] = 0;
        }
    }

    private void AutocommitTurn(DbCommand command, CommandEventData eventData)
    {
        if (command.Transaction is null && IsWrite(command.CommandText) && _turn.Wait(MaxWait))
        {
            _holders[eventData.ConnectionId] = 0;
        }
    }

    private void EndAutocommit(DbCommand command, Guid connectionId)
    {
        if (command.Transaction is null)
        {
            Release(connectionId);
        }
    }

    private static bool IsWrite(string sql)
    {
        var statement = sql.AsSpan().TrimStart();
        return statement.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || statement.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
            || statement.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Gives the turn back once, whichever of commit, rollback, failure or close comes first.</summary>
    private void Release(Guid connectionId)
    {
        if (_holders.TryRemove(connectionId, out _))
        {
            _turn.Release();
        }
    }
}
