using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Checkout.Data.Persistence;

/// <summary>
/// Per-connection settings for SQLite: wait for the write lock instead of failing at once, and how durable a commit
/// is. (WAL itself is a property of the database file, set once at start-up.)
/// <para>
/// Durability: WAL with <c>synchronous = NORMAL</c> never corrupts the file, but a power loss can take the last
/// commits with it. That is the level of every transaction except one begun by
/// <see cref="DurableCommits.BeginDurableTransactionAsync"/> (the commit that confirms an order), which runs with
/// <c>synchronous = FULL</c>: its commit is on disk before it returns. SQLite refuses to change the level inside a
/// transaction, so it is set just before <c>BEGIN</c>, and only when the connection's level is not the one wanted.
/// </para>
/// </summary>
/// <remarks>
/// The settings belong to the native connection, which Microsoft.Data.Sqlite's pool keeps open and hands out again
/// on every <c>Open</c> (EF opens and closes around each command), so they are sent once per native connection rather
/// than before every command, and the level a native connection has now is remembered with it.
/// </remarks>
internal sealed class SqlitePragmas : DbConnectionInterceptor, IDbTransactionInterceptor
{
    public const int BusyTimeoutMs = 10_000;
    public static readonly string Sql = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;";

    private const string Durable = "PRAGMA synchronous = FULL;";
    private const string Normal = "PRAGMA synchronous = NORMAL;";

    /// <summary>Each native connection that has its settings, with whether its level is FULL now.</summary>
    private readonly ConditionalWeakTable<sqlite3, StrongBox<bool>> _configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (NeedsSettings(connection, out var handle))
        {
            using var command = connection.CreateCommand();
            command.CommandText = Sql;
            command.ExecuteNonQuery();
            Configured(handle);
        }
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);

    /// <summary>The same settings for a connection opened without EF (the simulated gateway's own file).</summary>
    public async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        if (NeedsSettings(connection, out var handle))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
            Configured(handle);
        }
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (LevelChange(connection, eventData) is ({ } level, var durable))
        {
            using var command = connection.CreateCommand();
            command.CommandText = durable ? Durable : Normal;
            command.ExecuteNonQuery();
            level.Value = durable;
        }
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (LevelChange(connection, eventData) is ({ } level, var durable))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = durable ? Durable : Normal;
            await command.ExecuteNonQueryAsync(cancellationToken);
            // Remembered once set: a failed change leaves the level to be set again next time.
            level.Value = durable;
        }
        return result;
    }

    /// <summary>
    /// The connection's remembered level and the level this transaction needs, when they differ; null when the
    /// connection has the needed level already.
    /// </summary>
    private (StrongBox<bool> Level, bool Durable)? LevelChange(DbConnection connection, TransactionStartingEventData eventData)
    {
        var durable = false;
        if (eventData.Context is CheckoutDbContext context)
        {
            // The wish holds for this transaction only.
            durable = context.NextCommitDurable;
            context.NextCommitDurable = false;
        }
        if ((connection as SqliteConnection)?.Handle is not { } handle || !_configured.TryGetValue(handle, out var full) || full.Value == durable)
        {
            return null;
        }
        return (full, durable);
    }

    private bool NeedsSettings(DbConnection connection, out sqlite3? handle)
    {
        handle = (connection as SqliteConnection)?.Handle;
        return handle is null || !_configured.TryGetValue(handle, out _);
    }

    private void Configured(sqlite3? handle)
    {
        if (handle is not null)
        {
            _configured.AddOrUpdate(handle, new StrongBox<bool>(false));
        }
    }
}
