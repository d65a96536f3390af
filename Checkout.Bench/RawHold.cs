using System.Data;
using System.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Checkout.Bench;

/// <summary>
/// One raw-limit worker's connection: the bare SQL of a hold — BEGIN; the conditional UPDATE of the stock row; the
/// INSERT of the hold; COMMIT — on the product's schema, with its statements prepared once. The statements are the
/// same on every provider; a provider's subclass opens the connection as the product does, says how it begins a
/// write transaction, and writes ids and times as the product stores them.
/// </summary>
internal abstract class RawHold : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private readonly DbCommand _begin;
    private readonly DbCommand _reserve;
    private readonly DbCommand _insert;
    private readonly DbCommand _commit;
    private readonly DbCommand _rollback;

    private RawHold(DbConnection connection, string begin, DbType idType, DbType timeType)
    {
        _connection = connection;
        _begin = Command(begin);
        _commit = Command("COMMIT;");
        _rollback = Command("ROLLBACK;");
        _reserve = Command("""
            UPDATE "inventory" SET "Quantity" = "Quantity" - @n, "Reserved" = "Reserved" + @n
            WHERE "Sku" = @sku AND "Quantity" >= @n
            """, ("@n", DbType.Int32), ("@sku", DbType.String));
        _insert = Command("""
            INSERT INTO "holds" ("Id", "CheckoutSessionId", "Sku", "Quantity", "CreatedAt", "ExpiresAt", "Extended", "Status", "ClosedAt")
            VALUES (@id, @session, @sku, @n, @now, @expires, FALSE, 'Active', NULL)
            """, ("@id", idType), ("@session", idType), ("@sku", DbType.String), ("@n", DbType.Int32), ("@now", timeType), ("@expires", timeType));
    }

    /// <summary>Opens a worker's connection on the row's database and prepares its statements.</summary>
    public static async Task<RawHold> OpenAsync(DatabaseProvider provider, string connectionString)
    {
        RawHold hold = provider switch
        {
            DatabaseProvider.Sqlite => await SqliteRawHold.ConnectAsync(connectionString),
            DatabaseProvider.PostgreSQL => new PostgresRawHold(await OpenedAsync(new NpgsqlConnection(connectionString))),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "The bench runs on SQLite or PostgreSQL."),
        };
        foreach (var command in hold.Commands)
        {
            await command.PrepareAsync();
        }
        return hold;
    }

    /// <summary>Holds <paramref name="quantity"/> units of <paramref name="sku"/>; false (rolled back) when too few are left.</summary>
    public async Task<bool> TryHoldAsync(string sku, int quantity, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        await _begin.ExecuteNonQueryAsync(ct);
        _reserve.Parameters["@n"].Value = quantity;
        _reserve.Parameters["@sku"].Value = sku;
        if (await _reserve.ExecuteNonQueryAsync(ct) != 1)
        {
            await _rollback.ExecuteNonQueryAsync(ct);
            return false;
        }
        _insert.Parameters["@id"].Value = Id(Guid.CreateVersion7(now));
        _insert.Parameters["@session"].Value = Id(Guid.CreateVersion7(now));
        _insert.Parameters["@sku"].Value = sku;
        _insert.Parameters["@n"].Value = quantity;
        _insert.Parameters["@now"].Value = Time(now);
        _insert.Parameters["@expires"].Value = Time(now.AddMinutes(15));
        await _insert.ExecuteNonQueryAsync(ct);
        await _commit.ExecuteNonQueryAsync(ct);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in Commands)
        {
            await command.DisposeAsync();
        }
        await _connection.DisposeAsync();
    }

    /// <summary>An id as the product's column stores it.</summary>
    protected abstract object Id(Guid id);

    /// <summary>A point in time as the product's column stores it.</summary>
    protected abstract object Time(DateTimeOffset at);

    private DbCommand[] Commands => [_begin, _reserve, _insert, _commit, _rollback];

    private DbCommand Command(string sql, params (string Name, DbType Type)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    private static async Task<TConnection> OpenedAsync<TConnection>(TConnection connection) where TConnection : DbConnection
    {
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// SQLite with the product's per-connection settings (SqlitePragmas; WAL is already on the file). BEGIN IMMEDIATE
    /// takes the write lock up front, as the product's write transactions do. Ids are upper-case text and times
    /// UTC ticks, as the product's SQLite model stores them.
    /// </summary>
    private sealed class SqliteRawHold(SqliteConnection connection) : RawHold(connection, "BEGIN IMMEDIATE;", DbType.String, DbType.Int64)
    {
        public static async Task<RawHold> ConnectAsync(string connectionString)
        {
            var connection = await OpenedAsync(new SqliteConnection(connectionString));
            await using (var pragmas = connection.CreateCommand())
            {
                pragmas.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
                await pragmas.ExecuteNonQueryAsync();
            }
            return new SqliteRawHold(connection);
        }

        protected override object Id(Guid id) => id.ToString().ToUpperInvariant();

        protected override object Time(DateTimeOffset at) => at.UtcTicks;
    }

    /// <summary>PostgreSQL through plain Npgsql: ids are uuid, times timestamptz (a UTC offset, as Npgsql requires).</summary>
    private sealed class PostgresRawHold(NpgsqlConnection connection) : RawHold(connection, "BEGIN;", DbType.Guid, DbType.DateTimeOffset)
    {
        protected override object Id(Guid id) => id;

        protected override object Time(DateTimeOffset at) => at.ToUniversalTime();
    }
}
