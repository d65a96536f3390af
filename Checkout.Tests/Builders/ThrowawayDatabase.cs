using Checkout.Data.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Checkout.Testing;

/// <summary>
/// A database to throw away: a SQLite file in a folder of the caller's, or a fresh database on a PostgreSQL server,
/// dropped (with whatever is still connected to it) when disposed. The tests and the benchmark both build on it.
/// </summary>
public sealed class ThrowawayDatabase : IAsyncDisposable
{
    private readonly string? _postgresServer;
    private readonly string? _postgresName;

    private ThrowawayDatabase(DatabaseProvider provider, string connectionString, string? postgresServer = null, string? postgresName = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgresServer = postgresServer;
        _postgresName = postgresName;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <param name="postgresServer">Where a PostgreSQL database is created (required for that provider).</param>
    /// <param name="maxPoolSize">The PostgreSQL pool: room for the caller's most concurrent race.</param>
    public static async Task<ThrowawayDatabase> CreateAsync(
        DatabaseProvider provider, string folder, string? postgresServer, string namePrefix, int maxPoolSize)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                return new ThrowawayDatabase(provider, $"Data Source={Path.Combine(folder, "shop.db")}");
            case DatabaseProvider.PostgreSQL:
                ArgumentNullException.ThrowIfNull(postgresServer);
                var name = $"{namePrefix}_{Guid.NewGuid():N}";
                await using (var connection = new NpgsqlConnection(postgresServer))
                {
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    await create.ExecuteNonQueryAsync();
                }
                var database = new NpgsqlConnectionStringBuilder(postgresServer) { Database = name, MaxPoolSize = maxPoolSize };
                return new ThrowawayDatabase(provider, database.ConnectionString, postgresServer, name);
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "SQL Server cannot run on these machines.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgresServer is null)
        {
            SqliteConnection.ClearAllPools();
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_postgresServer);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_postgresName} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
