using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Checkout.Data.Persistence;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Checkout.Data.Payments.Simulator;

/// <summary>
/// The simulated gateway's ledger, kept apart from the shop's data as a real provider's would be: never inside the
/// shop's transactions, locks or connections. On SQLite it is a file of its own beside the shop's
/// (<c>checkout.db</c> → <c>checkout.gateway.db</c>, in WAL mode), so a payment never waits for the shop's single
/// write lock and never holds it; on PostgreSQL and SQL Server it is a table of its own in the shop's database.
/// Plain ADO.NET: each call opens one short-lived connection and runs prepared, parameterized statements.
/// </summary>
public sealed class SimulatorLedger : IDisposable
{
    /// <summary>Rows read per connection when listing: no read stays open across the caller's own work.</summary>
    private const int PageSize = 500;

    private readonly DbProviderFactory _factory;
    private readonly string _connectionString;
    private readonly SimulatorSql _sql;

    /// <summary>SQLite only: the busy timeout and durability level, sent once per native connection.</summary>
    private readonly SqlitePragmas? _pragmas;

    /// <summary>
    /// SQLite only: this process's writers take turns here for the file's one write lock, awaiting instead of
    /// sleeping and polling in SQLite's busy handler (as the shop's <c>SqliteWriteGate</c> does for the shop's file).
    /// </summary>
    private readonly SemaphoreSlim? _writeTurn;

    /// <summary>An in-memory SQLite database lives while a connection to it is open: this one, until disposal.</summary>
    private readonly SqliteConnection? _keepAlive;

    /// <summary>The application name of the ledger's connections on the server engines, which gives them a pool of their own.</summary>
    public const string PoolName = "checkout-gateway";

    /// <param name="shopConnectionString">The shop's database: the ledger lives in it, or on SQLite beside it.</param>
    public SimulatorLedger(DatabaseProvider provider, string shopConnectionString)
    {
        _sql = SimulatorSql.For(provider);
        (_factory, _connectionString) = provider switch
        {
            DatabaseProvider.Sqlite => ((DbProviderFactory)SqliteFactory.Instance, SqliteConnectionString(shopConnectionString)),
            // A pool of its own (a connection string of its own): a payment holds its shop connection while the gateway
            // answers, so drawing the gateway's from the shop's pool would let a crowd of payments the pool's size
            // hold every connection and wait for one more.
            DatabaseProvider.PostgreSQL => (NpgsqlFactory.Instance, new NpgsqlConnectionStringBuilder(shopConnectionString) { ApplicationName = PoolName }.ConnectionString),
            _ => (SqlClientFactory.Instance, new SqlConnectionStringBuilder(shopConnectionString) { ApplicationName = PoolName }.ConnectionString),
        };
        if (provider != DatabaseProvider.Sqlite)
        {
            return;
        }
        _pragmas = new SqlitePragmas();
        _writeTurn = new SemaphoreSlim(1, 1);
        if (new SqliteConnectionStringBuilder(_connectionString).Mode == SqliteOpenMode.Memory)
        {
            _keepAlive = new SqliteConnection(_connectionString);
            _keepAlive.Open();
        }
    }

    /// <summary>
    /// Where the ledger of a shop on SQLite lives: beside the shop's file, named after it (<c>checkout.db</c> →
    /// <c>checkout.gateway.db</c>). A shop in a named shared in-memory database gets one named after it; a shop in a
    /// private one (<c>:memory:</c>, which no second connection can see) gets a shared one of its own.
    /// </summary>
    internal static string SqliteConnectionString(string shopConnectionString)
    {
        var builder = new SqliteConnectionStringBuilder(shopConnectionString);
        if (builder.DataSource is "" or ":memory:")
        {
            builder.DataSource = $"checkout-gateway-{Guid.NewGuid():N}";
            builder.Mode = SqliteOpenMode.Memory;
        }
        else
        {
            var file = builder.DataSource;
            builder.DataSource = Path.Combine(
                Path.GetDirectoryName(file) ?? "", $"{Path.GetFileNameWithoutExtension(file)}.gateway{Path.GetExtension(file)}");
        }
        if (builder.Mode == SqliteOpenMode.Memory)
        {
            builder.Cache = SqliteCacheMode.Shared;
        }
        return builder.ToString();
    }

    /// <summary>
    /// Creates the table and its indexes (on <c>Key</c>, the primary key; <c>TransactionId</c>;
    /// <c>ParentTransactionId</c>) unless they exist, and on SQLite turns on WAL. Safe to run on every start-up, and by
    /// several instances at once.
    /// </summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await InTurnAsync(async () =>
        {
            await using var connection = await OpenAsync(ct);
            if (_pragmas is not null)
            {
                // A property of the file, so once is enough; outside the transaction, where SQLite allows the change.
                await using var wal = await PreparedAsync(connection, null, "PRAGMA journal_mode = WAL", ct);
                await wal.ExecuteNonQueryAsync(ct);
            }
            await using var tx = await connection.BeginTransactionAsync(ct);
            foreach (var statement in _sql.Schema)
            {
                await using var command = await PreparedAsync(connection, tx, statement, ct);
                await command.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            return 0;
        }, ct);
    }

    /// <summary>
    /// Stores the operation unless one is stored under its key already, and returns the one stored first: one insert
    /// that does nothing on a taken key and, only then, one read of the stored row. Idempotent on the key, also
    /// between concurrent calls: all of them get the same operation, and exactly one of them is told it was first.
    /// </summary>
    internal async Task<(GatewayOperation Operation, bool First)> RecordAsync(GatewayOperation operation, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var inserted = await InTurnAsync(async () =>
        {
            await using var insert = await PreparedAsync(connection, null, _sql.Insert, ct,
                ("Key", DbType.String, operation.Key),
                ("Kind", DbType.String, operation.Kind.ToString()),
                ("TransactionId", DbType.String, operation.TransactionId),
                ("ParentTransactionId", DbType.String, operation.ParentTransactionId),
                ("AmountMinor", DbType.Int64, operation.AmountMinor),
                ("Outcome", DbType.String, operation.Outcome.ToString()),
                ("CardBrand", DbType.String, operation.CardBrand),
                ("CardLast4", DbType.String, operation.CardLast4),
                ("CreatedAt", DbType.DateTimeOffset, operation.CreatedAt));
            return await insert.ExecuteNonQueryAsync(ct);
        }, ct);
        if (inserted == 1)
        {
            return (operation, true);
        }
        return (await FindAsync(connection, operation.Key, ct)
            ?? throw new InvalidOperationException($"The gateway operation {operation.Key} was neither stored nor found."), false);
    }

    /// <summary>The operation stored under <paramref name="key"/> (<see cref="GatewayOperation.KeyOf"/>), or null.</summary>
    public async Task<GatewayOperation?> FindAsync(string key, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct);
        return await FindAsync(connection, key, ct);
    }

    /// <summary>
    /// The operations with these transaction ids and every operation made on them (the captures, voids and refunds of
    /// an authorization), in no particular order.
    /// </summary>
    public async Task<IReadOnlyList<GatewayOperation>> WithFollowUpsAsync(IReadOnlyCollection<string> transactionIds, CancellationToken ct = default)
    {
        if (transactionIds.Count == 0)
        {
            return [];
        }
        await using var connection = await OpenAsync(ct);
        await using var command = await PreparedAsync(connection, null, _sql.WithFollowUps, ct,
            ("Ids", DbType.String, JsonSerializer.Serialize(transactionIds)));
        return await ReadAsync(command, ct);
    }

    /// <summary>Every stored operation, or those of <paramref name="kind"/>, in key order; each page is read on a connection of its own.</summary>
    public async IAsyncEnumerable<GatewayOperation> ListAsync(
        GatewayOperationKind? kind = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var after = "";
        while (true)
        {
            IReadOnlyList<GatewayOperation> page;
            await using (var connection = await OpenAsync(ct))
            {
                await using var command = await PreparedAsync(connection, null, _sql.Page, ct,
                    ("After", DbType.String, after), ("Kind", DbType.String, kind?.ToString()), ("Limit", DbType.Int32, PageSize));
                page = await ReadAsync(command, ct);
            }
            foreach (var operation in page)
            {
                yield return operation;
            }
            if (page.Count < PageSize)
            {
                yield break;
            }
            after = page[^1].Key;
        }
    }

    /// <summary>Deletes the authorizations made with these idempotency keys and every operation made on them.</summary>
    internal async Task ForgetAuthorizationsAsync(IEnumerable<string> idempotencyKeys, CancellationToken ct)
    {
        var keys = idempotencyKeys.Select(key => GatewayOperation.KeyOf(GatewayOperationKind.Authorize, key)).ToList();
        await InTurnAsync(async () =>
        {
            await using var connection = await OpenAsync(ct);
            await using var command = await PreparedAsync(connection, null, _sql.Forget, ct, ("Keys", DbType.String, JsonSerializer.Serialize(keys)));
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);
    }

    public void Dispose()
    {
        _keepAlive?.Dispose();
        _writeTurn?.Dispose();
    }

    private async Task<GatewayOperation?> FindAsync(DbConnection connection, string key, CancellationToken ct)
    {
        await using var command = await PreparedAsync(connection, null, _sql.ByKey, ct, ("Key", DbType.String, key));
        return (await ReadAsync(command, ct)).SingleOrDefault();
    }

    /// <summary>Runs a write in this process's turn for the SQLite file's write lock; elsewhere at once.</summary>
    private async Task<T> InTurnAsync<T>(Func<Task<T>> write, CancellationToken ct)
    {
        if (_writeTurn is null)
        {
            return await write();
        }
        await _writeTurn.WaitAsync(ct);
        try
        {
            return await write();
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = _factory.CreateConnection()!;
        connection.ConnectionString = _connectionString;
        try
        {
            await connection.OpenAsync(ct);
            if (_pragmas is not null)
            {
                await _pragmas.ApplyAsync(connection, ct);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A prepared command with typed parameters (a null value is sent as NULL of its type).</summary>
    private static async Task<DbCommand> PreparedAsync(
        DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct, params (string Name, DbType Type, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = tx;
        foreach (var (name, type, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = value ?? DBNull.Value;
            if (type == DbType.String)
            {
                // Unbounded: a prepared statement needs a size for text, and a bounded one would cut a long value short.
                parameter.Size = -1;
            }
            command.Parameters.Add(parameter);
        }
        try
        {
            await command.PrepareAsync(ct);
            return command;
        }
        catch
        {
            await command.DisposeAsync();
            throw;
        }
    }

    private static async Task<IReadOnlyList<GatewayOperation>> ReadAsync(DbCommand command, CancellationToken ct)
    {
        var operations = new List<GatewayOperation>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            operations.Add(new GatewayOperation(
                reader.GetString(0),
                Enum.Parse<GatewayOperationKind>(reader.GetString(1)),
                reader.GetString(2),
                await reader.IsDBNullAsync(3, ct) ? null : reader.GetString(3),
                reader.GetInt64(4),
                Enum.Parse<GatewayOutcome>(reader.GetString(5)),
                await reader.IsDBNullAsync(6, ct) ? null : reader.GetString(6),
                await reader.IsDBNullAsync(7, ct) ? null : reader.GetString(7),
                await reader.GetFieldValueAsync<DateTimeOffset>(8, ct)));
        }
        return operations;
    }
}
