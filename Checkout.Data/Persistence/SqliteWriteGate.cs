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
/// The gate is only a queue: SQLite's lock still decides, so a writer in another process, a write outside an
/// explicit transaction, or a turn not given back in time (the wait gives up after the busy timeout and goes on to
/// SQLite's own waiting) costs speed, never correctness. A turn is given back at commit, rollback or failure,
/// and at the latest when the connection closes (a transaction disposed without either).
/// </para>
/// </summary>
internal sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor
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

    /// <summary>Gives the turn back once, whichever of commit, rollback, failure or close comes first.</summary>
    private void Release(Guid connectionId)
    {
        if (_holders.TryRemove(connectionId, out _))
        {
            _turn.Release();
        }
    }
}
