using Checkout.Data.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Checkout.Tests.Builders;

/// <summary>
/// A throwaway database for one test shop: a SQLite file in the shop's temp folder, or a fresh database on the
/// PostgreSQL server named by <c>CHECKOUT_TEST_POSTGRES</c> (scripts/test.sh starts one on 127.0.0.1), dropped again
/// at the end.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "CHECKOUT_TEST_POSTGRES";

    private readonly string? _postgresServer;
    private readonly string? _postgresName;

    private TestDatabase(DatabaseProvider provider, string connectionString, string? postgresServer = null, string? postgresName = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgresServer = postgresServer;
        _postgresName = postgresName;
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <param name="postgresServer">The PostgreSQL server to create the database on; the shared one when null.</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, string folder, string? postgresServer = null)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                return new TestDatabase(provider, $"Data Source={Path.Combine(folder, "shop.db")}");
            case DatabaseProvider.PostgreSQL:
                var server = postgresServer ?? SharedPostgres();
                var name = $"checkout_test_{Guid.NewGuid():N}";
                await using (var connection = new NpgsqlConnection(server))
                {
                    await connection.OpenAsync();
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    await create.ExecuteNonQueryAsync();
                }
                var database = new NpgsqlConnectionStringBuilder(server) { Database = name, MaxPoolSize = 100 };
                return new TestDatabase(provider, database.ConnectionString, server, name);
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "SQL Server cannot run on the test machines.");
        }
    }

    /// <summary>The server every PostgreSQL test uses; a missing server fails the test with a hint, it never skips it.</summary>
    public static string SharedPostgres() =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } server
            ? server
            : throw new InvalidOperationException(
                $"The PostgreSQL tests need a server: set {PostgresVariable} (e.g. Host=127.0.0.1;Port=5433;Username=postgres;Database=postgres) or run scripts/test.sh, which starts one.");

    /// <summary>Context options on this database with extra interceptors, for tests that watch or hold the SQL.</summary>
    public DbContextOptions<TContext> Options<TContext>(params IInterceptor[] interceptors) where TContext : DbContext
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        _ = Provider == DatabaseProvider.Sqlite
            ? builder.UseSqlite(ConnectionString).AddInterceptors([new SqlitePragmas(), .. interceptors])
            : builder.UseNpgsql(ConnectionString).AddInterceptors(interceptors);
        return builder.Options;
    }

    /// <summary>A context of the provider's own type (with its own model) on this database.</summary>
    public CheckoutDbContext CreateContext(params IInterceptor[] interceptors) => Provider == DatabaseProvider.Sqlite
        ? new SqliteCheckoutDbContext(Options<SqliteCheckoutDbContext>(interceptors))
        : new PostgresCheckoutDbContext(Options<PostgresCheckoutDbContext>(interceptors));

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
