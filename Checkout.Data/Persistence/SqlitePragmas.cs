using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using SQLitePCL;

namespace Checkout.Data.Persistence;

/// <summary>
/// Per-connection settings for SQLite: wait for the write lock instead of failing at once, and the durability level
/// that WAL mode makes safe. (WAL itself is a property of the database file, set once at start-up.)
/// </summary>
/// <remarks>
/// The settings belong to the native connection, which Microsoft.Data.Sqlite's pool keeps open and hands out again
/// on every <c>Open</c> (EF opens and closes around each command), so they are sent once per native connection rather
/// than before every command.
/// </remarks>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public const int BusyTimeoutMs = 10_000;
    public static readonly string Sql = $"PRAGMA busy_timeout = {BusyTimeoutMs}; PRAGMA synchronous = NORMAL;";

    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];

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

    private bool NeedsSettings(DbConnection connection, out sqlite3? handle)
    {
        handle = (connection as SqliteConnection)?.Handle;
        return handle is null || !_configured.TryGetValue(handle, out _);
    }

    private void Configured(sqlite3? handle)
    {
        if (handle is not null)
        {
            _configured.AddOrUpdate(handle, handle);
        }
    }
}
