using Checkout.Data.Persistence;
using Checkout.Testing;

namespace Checkout.Bench;

/// <summary>
/// The throwaway database of one row: a SQLite file in a temp folder of its own, or a fresh database on the
/// PostgreSQL server of <c>--postgres</c>, dropped (with whatever is still connected to it) at the end of the row.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly ThrowawayDatabase _database;

    private BenchDatabase(ThrowawayDatabase database, string folder)
    {
        _database = database;
        Folder = folder;
    }

    public DatabaseProvider Provider => _database.Provider;
    public string ConnectionString => _database.ConnectionString;

    /// <summary>The shop's content root: it holds the SQLite file, and nothing on PostgreSQL.</summary>
    public string Folder { get; }

    public static async Task<BenchDatabase> CreateAsync(BenchOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), "checkout-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        // Room for the hot-sku row's 64 buyers and the raw-limit workers beside the shop's own contexts.
        var database = await ThrowawayDatabase.CreateAsync(options.Provider, folder, options.PostgresServer, "checkout_bench", maxPoolSize: 128);
        return new BenchDatabase(database, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
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
