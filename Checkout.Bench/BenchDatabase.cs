using Checkout.Data.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Checkout.Bench;

/// <summary>
/// The throwaway database of one row: a SQLite file in a temp folder of its own, or a fresh database on the
/// PostgreSQL server of <c>--postgres</c>, dropped (with whatever is still connected to it) at the end of the row.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _postgresServer;
    private readonly string? _postgresName;

    private BenchDatabase(DatabaseProvider provider, string connectionString, string folder, string? postgresServer = null, string? postgresName = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Folder = folder;
        _postgresServer = postgresServer;
        _postgresName = postgresName;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>The shop's content root: it holds the SQLite file, and nothing on PostgreSQL.</summary>
    public string Folder { get; }

    public static async Task<BenchDatabase> CreateAsync(BenchOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), "checkout-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            return new BenchDatabase(options.Provider, $"Data Source={Path.Combine(folder, "shop.db")}", folder);
        }
        var name = $"checkout_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(options.PostgresServer))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        // Room for the hot-sku row's 64 buyers and the raw-limit workers beside the shop's own contexts.
        var database = new NpgsqlConnectionStringBuilder(options.PostgresServer) { Database = name, MaxPoolSize = 128 };
        return new BenchDatabase(options.Provider, database.ConnectionString, folder, options.PostgresServer, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresServer is null)
        {
            SqliteConnection.ClearAllPools();
        }
        else
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_postgresServer);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finalizing connection; the temp folder is the OS's to clean.
        }
    }
}
