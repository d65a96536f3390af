using System.Data;
using System.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Checkout.Bench;

/// <summary>
/// One connection through a provider's plain ADO.NET driver, as the raw rows use it: opened with the product's
/// connection settings, its statements prepared once, and ids and times written as the product stores them. A
/// provider's subclass says how it begins a write transaction and how it writes ids and times; the statements built on
/// it are the same on every provider.
/// </summary>
internal abstract class RawConnection : IAsyncDisposable
{
    /// <summary>The product's per-connection SQLite settings (its SqlitePragmas); WAL is already on the file.</summary>
    public const string SqlitePragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    private readonly DbConnection _connection;
    private readonly DbType _idType;
    private readonly DbType _timeType;
    private readonly List<DbCommand> _commands = [];

    private RawConnection(DbConnection connection, string begin, string durableBegin, string? durableEnd, DbType idType, DbType timeType)
    {
        _connection = connection;
        _idType = idType;
        _timeType = timeType;
        Begin = Command(begin);
        DurableBegin = Command(durableBegin);
        DurableEnd = durableEnd is null ? null : Command(durableEnd);
        Commit = Command("COMMIT;");
        Rollback = Command("ROLLBACK;");
        Savepoint = Command("SAVEPOINT \"unit\";");
        ReleaseSavepoint = Command("RELEASE SAVEPOINT \"unit\";");
        RollbackToSavepoint = Command("ROLLBACK TO SAVEPOINT \"unit\";");
    }

    /// <summary>Begins a write transaction as the product's write transactions begin.</summary>
    public DbCommand Begin { get; }

    /// <summary>Begins a write transaction whose commit must be on disk when it returns, as the product's confirmation does.</summary>
    public DbCommand DurableBegin { get; }

    /// <summary>What follows a durable transaction's end: the connection back to the usual level (none where nothing changed).</summary>
    public DbCommand? DurableEnd { get; }

    public DbCommand Commit { get; }

    public DbCommand Rollback { get; }

    /// <summary>A unit's savepoint inside a shared transaction, as the product's SQLite writer sets one per unit.</summary>
    public DbCommand Savepoint { get; }

    public DbCommand ReleaseSavepoint { get; }

    public DbCommand RollbackToSavepoint { get; }

    /// <summary>Opens a connection on the row's database, with the product's settings.</summary>
    public static async Task<RawConnection> OpenAsync(DatabaseProvider provider, string connectionString) => provider switch
    {
        DatabaseProvider.Sqlite => await OpenSqliteAsync(connectionString),
        // A batch that fails says which of its commands failed (PostgresException.BatchCommand), which Npgsql leaves out unless asked.
        DatabaseProvider.PostgreSQL => new PostgresRawConnection(await OpenedAsync(new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(connectionString) { IncludeFailedBatchedCommand = true }.ConnectionString))),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "The bench runs on SQLite or PostgreSQL."),
    };

    /// <summary>Opens a SQLite file with the product's per-connection settings.</summary>
    public static async Task<RawConnection> OpenSqliteAsync(string connectionString)
    {
        var connection = await OpenedAsync(new SqliteConnection(connectionString));
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = SqlitePragmas;
            await pragmas.ExecuteNonQueryAsync();
        }
        return new SqliteRawConnection(connection);
    }

    /// <summary>
    /// A statement of this connection, prepared by <see cref="PrepareAsync"/>. Parameters are typed by kind: an id
    /// and a time take the provider's representation (<see cref="Id"/>, <see cref="Time"/>), the rest their own type.
    /// </summary>
    public DbCommand Command(string sql, params (string Name, Param Kind)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, kind) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = kind switch
            {
                Param.Id => _idType,
                Param.Time => _timeType,
                Param.Text => DbType.String,
                Param.Int => DbType.Int32,
                Param.Long => DbType.Int64,
                _ => throw new ArgumentOutOfRangeException(nameof(parameters), kind, "Not a kind of parameter."),
            };
            command.Parameters.Add(parameter);
        }
        _commands.Add(command);
        return command;
    }

    /// <summary>A batch on this connection, for statements sent in one round trip (<see cref="RawBatch"/>).</summary>
    public DbBatch CreateBatch() => _connection.CreateBatch();

    /// <summary>Prepares every statement made so far.</summary>
    public async Task PrepareAsync()
    {
        foreach (var command in _commands)
        {
            await command.PrepareAsync();
        }
    }

    /// <summary>An id as the product's column stores it.</summary>
    public abstract object Id(Guid id);

    /// <summary>A point in time as the product's column stores it.</summary>
    public abstract object Time(DateTimeOffset at);

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands)
        {
            await command.DisposeAsync();
        }
        await _connection.DisposeAsync();
    }

    private static async Task<TConnection> OpenedAsync<TConnection>(TConnection connection) where TConnection : DbConnection
    {
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>
    /// SQLite: BEGIN IMMEDIATE takes the write lock up front, as the product's write transactions do. Ids are
    /// upper-case text and times UTC ticks, as the product's SQLite model stores them.
    /// </summary>
    private sealed class SqliteRawConnection(SqliteConnection connection) : RawConnection(
        connection, "BEGIN IMMEDIATE;", "PRAGMA synchronous = FULL; BEGIN IMMEDIATE;", "PRAGMA synchronous = NORMAL;", DbType.String, DbType.Int64)
    {
        public override object Id(Guid id) => id.ToString().ToUpperInvariant();

        public override object Time(DateTimeOffset at) => at.UtcTicks;
    }

    /// <summary>PostgreSQL through plain Npgsql: ids are uuid, times timestamptz (a UTC offset, as Npgsql requires).</summary>
    private sealed class PostgresRawConnection(NpgsqlConnection connection) : RawConnection(
        connection, "BEGIN;", "BEGIN;", null, DbType.Guid, DbType.DateTimeOffset)
    {
        public override object Id(Guid id) => id;

        public override object Time(DateTimeOffset at) => at.ToUniversalTime();
    }
}

/// <summary>What a statement's parameter holds, which decides its type on the provider.</summary>
internal enum Param
{
    Id,
    Time,
    Text,
    Int,
    Long,
}

/// <summary>Sets a prepared statement's parameters in the order they were declared.</summary>
internal static class RawCommands
{
    /// <summary>Runs the statement with these values (null for SQL NULL); returns the rows it changed.</summary>
    public static Task<int> RunAsync(this DbCommand command, CancellationToken ct, params object?[] values)
    {
        Bind(command.CommandText, command.Parameters, values);
        return command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs the query with these values.</summary>
    public static Task<DbDataReader> ReadAsync(this DbCommand command, CancellationToken ct, params object?[] values)
    {
        Bind(command.CommandText, command.Parameters, values);
        return command.ExecuteReaderAsync(ct);
    }

    /// <summary>Sets the parameters of <paramref name="sql"/> to these values (null for SQL NULL), in the order they were declared.</summary>
    public static void Bind(string sql, DbParameterCollection parameters, object?[] values)
    {
        if (values.Length != parameters.Count)
        {
            throw new ArgumentException($"{sql} takes {parameters.Count} values, not {values.Length}.", nameof(values));
        }
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
