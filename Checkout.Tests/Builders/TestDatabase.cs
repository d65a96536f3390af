using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Tests.Builders;

/// <summary>
/// A throwaway database for one test shop: a SQLite file in the shop's temp folder, or a fresh database on the
/// PostgreSQL server named by <c>CHECKOUT_TEST_POSTGRES</c> (scripts/test.sh starts one on 127.0.0.1), dropped again
/// at the end.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "CHECKOUT_TEST_POSTGRES";

    private readonly ThrowawayDatabase _database;

    private TestDatabase(ThrowawayDatabase database) => _database = database;

    public DatabaseProvider Provider => _database.Provider;
    public string ConnectionString => _database.ConnectionString;

    /// <param name="postgresServer">The PostgreSQL server to create the database on; the shared one when null.</param>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, string folder, string? postgresServer = null) =>
        new(await ThrowawayDatabase.CreateAsync(
            provider, folder, provider == DatabaseProvider.PostgreSQL ? postgresServer ?? SharedPostgres() : null, "checkout_test", maxPoolSize: 100));

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

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
