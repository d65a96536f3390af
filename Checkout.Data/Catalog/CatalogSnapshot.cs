using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Catalog;

/// <summary>
/// The active products with their stock, read from the database once and kept in memory, so that showing the catalog
/// costs no query. When the shop announces a change (<see cref="Invalidate"/>: units moved on this instance or on
/// another, through the event relay) the whole catalog is read again in the background, and readers keep the previous
/// snapshot until the new one replaces it in one swap — unless nobody has read the snapshot since it was read: then
/// the change only marks it stale, and its next reader waits for a new read. A shop that sells through its API while
/// nobody browses therefore reads its catalog not once per stock move but not at all. A change nobody announces (a
/// direct database edit, an instance without the relay) shows once the snapshot is
/// <see cref="CheckoutOptions.CatalogMaxAge"/> old: the next read then waits for a new one.
/// </summary>
/// <remarks>
/// For display only. The price a checkout charges and the units it holds are read from the database inside the
/// checkout's own transaction, never from here, so a snapshot a moment old can show a stale count but never sell it.
/// </remarks>
public sealed partial class CatalogSnapshot(
    IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, IOptions<CheckoutOptions> options, ILogger<CatalogSnapshot> logger)
{
    private readonly Lock _gate = new();
    private CatalogProducts? _current;
    // The read in flight, and the one asked for while it runs (started when it ends): however many changes are
    // announced meanwhile, they share that one next read.
    private TaskCompletionSource<CatalogProducts>? _reading;
    private TaskCompletionSource<CatalogProducts>? _next;
    // Whether a reader was answered from the current snapshot since it was read, and whether a change came since
    // without a read (because nobody had looked): both start over with each new snapshot.
    private volatile bool _served;
    private volatile bool _stale;

    /// <summary>
    /// The catalog was changed: reads it again in the background, or once more after the read in flight; a snapshot
    /// nobody has read since it was read is only marked stale, for its next reader to read again. Never waits, so a
    /// publisher of events is never held up; a catalog nobody has read yet is left to its first reader.
    /// </summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            if (_reading is not null)
            {
                _ = ReadAgain();
            }
            else if (Volatile.Read(ref _current) is not null)
            {
                if (_served)
                {
                    _ = Start();
                }
                else
                {
                    _stale = true;
                }
            }
        }
    }

    /// <summary>
    /// The snapshot to answer from; the first call, the first once it is older than the maximum age, and the first
    /// after a change nobody had read, wait for a read.
    /// </summary>
    internal ValueTask<CatalogProducts> CurrentAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && !_stale && clock.GetElapsedTime(current.ReadAt) < options.Value.CatalogMaxAge)
        {
            _served = true;
            return ValueTask.FromResult(current);
        }
        lock (_gate)
        {
            return new ValueTask<CatalogProducts>(ServedAsync((_reading?.Task ?? Start()).WaitAsync(ct)));
        }
    }

    /// <summary>A snapshot read after this call: for a caller that knows the current one is stale.</summary>
    internal Task<CatalogProducts> RefreshAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            return ServedAsync(ReadAgain().WaitAsync(ct));
        }
    }

    /// <summary>A read a reader waited for: once it is the current snapshot, it has been served.</summary>
    private async Task<CatalogProducts> ServedAsync(Task<CatalogProducts> read)
    {
        var products = await read;
        lock (_gate)
        {
            if (ReferenceEquals(Volatile.Read(ref _current), products))
            {
                _served = true;
            }
        }
        return products;
    }

    /// <summary>A read that starts now, or right after the one in flight (which may have read before the change). Under the gate.</summary>
    private Task<CatalogProducts> ReadAgain() =>
        _reading is null ? Start() : (_next ??= new TaskCompletionSource<CatalogProducts>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Starts a read on the thread pool (not on the caller's, which holds the gate). Under the gate.</summary>
    private Task<CatalogProducts> Start()
    {
        var reading = _reading = new TaskCompletionSource<CatalogProducts>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() => ReadAsync(reading));
        return reading.Task;
    }

    /// <summary>Reads, swaps the snapshot in, and goes on with the next read if one was asked for meanwhile.</summary>
    private async Task ReadAsync(TaskCompletionSource<CatalogProducts> reading)
    {
        for (var read = reading; read is not null; read = Next())
        {
            try
            {
                // Its age counts from before the query: a change committed during the read may be missing from it.
                var readAt = clock.GetTimestamp();
                await using var db = await dbFactory.CreateDbContextAsync();
                var products = new CatalogProducts(await ProductViews(db).ToListAsync(), readAt);
                lock (_gate)
                {
                    // A change announced during this read asked for the next one already.
                    (_served, _stale) = (false, false);
                    Volatile.Write(ref _current, products);
                }
                read.SetResult(products);
            }
            catch (Exception e)
            {
                // Logged here: a background read that nobody awaits must not end as an unobserved task exception.
                LogReadFailed(e);
                read.SetException(e);
                _ = read.Task.Exception;
            }
        }
    }

    private TaskCompletionSource<CatalogProducts>? Next()
    {
        lock (_gate)
        {
            (_reading, _next) = (_next, null);
            return _reading;
        }
    }

    private static IQueryable<ProductView> ProductViews(CheckoutDbContext db) =>
        from p in db.Products.AsNoTracking()
        join i in db.Inventory.AsNoTracking() on p.Sku equals i.Sku
        where p.Active
        orderby p.Category, p.Name
        select new ProductView(p.Sku, p.Name, p.Category, p.PriceMinor, p.Currency, i.Quantity, p.IsHot, i.Reserved, p.ImageVersion, p.ImageAlt);

    [LoggerMessage(LogLevel.Warning, "Reading the catalog failed; the previous snapshot stays until the next read")]
    private partial void LogReadFailed(Exception exception);
}

/// <summary>One read of the catalog, never changed: in the database's order (category, then name), and by SKU.</summary>
internal sealed class CatalogProducts
{
    private readonly Entry[] _entries;
    private readonly Dictionary<string, ProductView> _bySku;

    public CatalogProducts(List<ProductView> products, long readAt)
    {
        _entries = [.. products.Select(p => new Entry(p, p.Name.ToLowerInvariant(), p.Sku.ToLowerInvariant()))];
        _bySku = products.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        All = products.AsReadOnly();
        ReadAt = readAt;
    }

    public IReadOnlyList<ProductView> All { get; }

    /// <summary>When the read started, as a <see cref="TimeProvider"/> timestamp.</summary>
    public long ReadAt { get; }

    public ProductView? Find(string sku) => _bySku.GetValueOrDefault(sku);

    /// <summary>The products of one category whose name or SKU contains the search term, case aside; all when neither is given.</summary>
    public IReadOnlyList<ProductView> Matching(string? category, string? search)
    {
        var anyCategory = string.IsNullOrWhiteSpace(category);
        var term = search?.Trim().ToLowerInvariant();
        if (anyCategory && string.IsNullOrEmpty(term))
        {
            return All;
        }
        return
        [
            .. _entries
                .Where(e => (anyCategory || e.View.Category == category)
                    && (string.IsNullOrEmpty(term) || e.Name.Contains(term, StringComparison.Ordinal) || e.Sku.Contains(term, StringComparison.Ordinal)))
                .Select(e => e.View),
        ];
    }

    /// <summary>A product with its name and SKU lowered once, for searching.</summary>
    private readonly record struct Entry(ProductView View, string Name, string Sku);
}
