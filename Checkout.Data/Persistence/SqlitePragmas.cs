using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Data.Persistence;

/// <summary>
/// Per-connection settings for SQLite: wait for the write lock instead of failing at once, and the durability level
/// that WAL mode makes safe. (WAL itself is a property of the database file, set once at start-up.)
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public const string Sql = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
