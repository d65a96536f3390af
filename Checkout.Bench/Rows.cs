using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.HotStock;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Checkout.Bench;

/// <summary>One line of the table.</summary>
public sealed record RowResult(string Name, PhaseResult Measured, string? Note = null)
{
    public double OpsPerSecond => Measured.OpsPerSecond;
    public double P50Ms => Measured.PercentileMs(50);
    public double P99Ms => Measured.PercentileMs(99);
    public double P999Ms => Measured.PercentileMs(99.9);

    /// <summary>What the rows this row wrote got wrong (its consistency check failed): the run fails.</summary>
    public string? Broken { get; init; }

    /// <summary>The instances' own processor time per operation (the http rows, when their processes were found).</summary>
    public double? AppCpuMicrosPerOp { get; init; }

    /// <summary>The instances' runtime figures over the measured phase, read from their /metrics (the http rows, with <c>--admin-key</c>).</summary>
    public RuntimeFigures? AppRuntime { get; init; }

    /// <summary>The instances' processor time per operation as their runtime counts it (<see cref="AppRuntime"/>), beside <see cref="AppCpuMicrosPerOp"/> from /proc.</summary>
    public double? AppCpuMicrosPerOpFromMetrics => Measured.PerOp(AppRuntime?.CpuTime);

    /// <summary>The KB the instances allocated per operation (<see cref="AppRuntime"/>).</summary>
    public double? AppAllocKbPerOp => AppRuntime is { } app && Measured.Ops > 0 ? app.AllocatedBytes / 1024.0 / Measured.Ops : null;

    /// <summary>The instances' working set after the measured phase, summed (<see cref="AppRuntime"/>).</summary>
    public double? AppWorkingSetMb => AppRuntime?.WorkingSetBytes / (1024.0 * 1024);

    /// <summary>True on the http rows: the product runs in the instances (<see cref="AppCpuMicrosPerOp"/>), the bench process is their clients.</summary>
    public bool OverHttp { get; init; }

    /// <summary>The http row spread over several instances: the orders each placed in the measured phase.</summary>
    public IReadOnlyList<InstanceShare>? Shares { get; init; }

    /// <summary>The PostgreSQL server's processor time per operation (its postmaster and backends), when the run has one and it was measured.</summary>
    public double? DbCpuMicrosPerOp => Measured.PerOp(Measured.Servers?.Db);

    /// <summary>The Redis server's processor time per operation, when the run has one and it was measured.</summary>
    public double? RedisCpuMicrosPerOp => Measured.PerOp(Measured.Servers?.Redis);

    /// <summary>
    /// The processor time per operation of the product and its servers: the bench process's (the instances' on the http
    /// rows) plus the database's and Redis's; null when the run has no server or one of them was not measured.
    /// </summary>
    public double? TotalCpuMicrosPerOp =>
        Measured.Servers is { Missing: null } && (OverHttp ? AppCpuMicrosPerOp : Measured.CpuMicrosPerOp) is { } app
            ? app + (DbCpuMicrosPerOp ?? 0) + (RedisCpuMicrosPerOp ?? 0)
            : null;
}

/// <summary>One instance's part of the orders of an http row spread over several: how many it placed, and their percentage of all.</summary>
public sealed record InstanceShare(Uri Url, long Orders, double Percent);

/// <param name="Orders">Confirmed orders of the hot SKU.</param>
/// <param name="Ledger">The stock row and the units in paid orders, for the report.</param>
public sealed record HotSkuResult(int Units, int Orders, int Oversold, bool LedgerConsistent, string Ledger)
{
    public HotSkuTraffic Traffic { get; init; } = new("closed");
}

/// <summary>
/// How the buyers came: a closed loop of <paramref name="Buyers"/>, or an open loop of <paramref name="Arrivals"/> at
/// <paramref name="ArrivalsPerSecond"/>, whose arrivals stopped for <paramref name="StoppedBecause"/> and of which
/// <paramref name="Abandoned"/> were cancelled still in flight. <paramref name="SoldOutAnswers"/> counts the starts
/// that answered "out of stock".
/// </summary>
public sealed record HotSkuTraffic(
    string Mode, int? Buyers = null, double? ArrivalsPerSecond = null, long? Arrivals = null, long Abandoned = 0, string? StoppedBecause = null,
    long SoldOutAnswers = 0, int? MaxInFlight = null)
{
    public bool IsOpen => ArrivalsPerSecond is not null;

    /// <summary>What the <c>--mid-run</c> command did (<see cref="Bench.MidRun"/>), when one was given.</summary>
    public string? MidRun { get; init; }

    /// <summary>The row's note: how the buyers came and where its latencies start.</summary>
    public string Describe() => IsOpen
        ? $"open loop: {Arrivals:N0} buyers arrived at {ArrivalsPerSecond:N0}/s, at most {MaxInFlight:N0} served at once, latency from the scheduled arrival; arrivals stopped at {StoppedBecause}" +
          (Abandoned > 0 ? $"; {Abandoned:N0} still in flight {Rows.OpenLoopGrace.TotalSeconds:N0} s later were abandoned" : "") +
          (MidRun is { } midRun ? $"; {midRun}" : "")
        : $"closed loop: {Buyers} buyers, each until its start answered out of stock";
}

/// <summary>
/// The rows of the benchmark. Each builds a fresh shop (a new database file), warms up on it, then measures.
/// Every row sells one unit of one SKU per operation, so that raw-limit, reserve and checkout do the same stock move.
/// </summary>
public static class Rows
{
    /// <summary>Enough stock that no measured row ever runs out.</summary>
    private const int DeepStock = 1_000_000_000;
    private const int SkuCount = 16;
    public const string Card = "4242 4242 4242 4242";

    /// <summary>How long an open loop's buyers still in flight when arrivals stop may take before they are abandoned.</summary>
    public static readonly TimeSpan OpenLoopGrace = TimeSpan.FromSeconds(10);

    public static CardDetails GoodCard { get; } = new(Card, $"12/{(DateTime.UtcNow.Year + 3) % 100:00}", "123");

    /// <summary>
    /// raw-limit: the bare SQL of a hold through the provider's plain ADO.NET driver (<see cref="RawHold"/>) on the
    /// product's schema and connection settings, one open connection and prepared commands per worker: the ceiling.
    /// With Redis it is instead the bare decrement of <see cref="RedisRawLimitAsync"/>, the ceiling of the hot path.
    /// </summary>
    public static async Task<RowResult> RawLimitAsync(BenchOptions options)
    {
        if (options.Redis is { } redis)
        {
            return await RedisRawLimitAsync(options, redis);
        }
        await using var shop = await BenchShop.CreateAsync(options);
        var skus = await shop.AddProductsAsync("RAW", SkuCount, DeepStock);
        await using var workers = await Workers<RawHold>.OpenAsync(options.Concurrency, () => RawHold.OpenAsync(shop.Provider, shop.ConnectionString));
        var failures = new Failures();
        var next = 0L;
        var result = await ClosedLoop.WarmThenMeasureAsync(options, options.Concurrency, async (worker, ct) =>
        {
            var sku = skus[Interlocked.Increment(ref next) % skus.Length];
            return await workers[worker].TryHoldAsync(sku, 1, ct) ? Outcome.Ok : failures.Record($"no stock for {sku}");
        });
        return new RowResult("raw-limit", result, failures.Summary);
    }

    /// <summary>
    /// raw-limit with Redis: N workers on one multiplexer, each taking one unit with a bare decrement (DECRBY 1, which
    /// StackExchange.Redis sends as DECR) on a key of the row's own that starts with deep stock; a result below zero
    /// would be out of stock. No database is involved.
    /// </summary>
    private static async Task<RowResult> RedisRawLimitAsync(BenchOptions options, string configuration)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var database = redis.GetDatabase();
        RedisKey key = $"checkout-bench:{Guid.NewGuid():N}:raw-limit";
        await database.StringSetAsync(key, DeepStock);
        try
        {
            var failures = new Failures();
            var result = await ClosedLoop.WarmThenMeasureAsync(options, options.Concurrency, async (worker, ct) =>
                await database.StringDecrementAsync(key, 1) >= 0 ? Outcome.Ok : failures.Record("no stock"));
            return new RowResult("raw-limit", result, failures.Summary ?? "bare DECR (DECRBY 1) through StackExchange.Redis");
        }
        finally
        {
            await database.KeyDeleteAsync(key);
        }
    }

    /// <summary>
    /// raw-take (with Redis): the product's own take of hot stock, bare — <see cref="RedisCounters"/>' Lua script taking one
    /// unit from a counter that also answers its seed's epoch, on the product's connection settings — by N workers on one
    /// counter of the row's own, seeded with deep stock. No database is involved: beside raw-limit's bare decrement, it
    /// shows what the script costs over a DECR.
    /// </summary>
    public static async Task<RowResult> RawTakeAsync(BenchOptions options)
    {
        const string sku = "RAW-TAKE";
        var configuration = options.Redis ?? throw new ArgumentException($"{BenchOptions.RawTake} needs --redis.", nameof(options));
        var redis = new RedisOptions { ConnectionString = configuration, KeyPrefix = $"checkout-bench:{Guid.NewGuid():N}:" };
        using var counters = new RedisCounters(Options.Create(redis), NullLogger<RedisCounters>.Instance);
        await counters.SeedAsync(RedisCounters.StockName(sku), DeepStock);
        try
        {
            // What a take records for its transaction, one per worker and cleared after each take: no transaction settles it here.
            var works = Enumerable.Range(0, options.Concurrency).Select(_ => new HotStockWork()).ToArray();
            var failures = new Failures();
            var result = await ClosedLoop.WarmThenMeasureAsync(options, options.Concurrency, async (worker, ct) =>
            {
                var (taken, _) = await counters.TryTakeAsync(works[worker], sku, 1);
                works[worker].Clear();
                return taken == HotTake.Taken ? Outcome.Ok : failures.Record($"take answered {taken}");
            });
            return new RowResult(BenchOptions.RawTake, result, failures.Summary ?? "the product's Lua take (RedisCounters) on one counter, no database");
        }
        finally
        {
            await counters.DropAsync(RedisCounters.StockName(sku));
        }
    }

    /// <summary>
    /// sold-out (with --redis): checkout starts of carts whose one line is a hot SKU that Redis counts as sold out, each
    /// answered out of stock (<see cref="CheckoutService.StartAsync"/>): what the crowd costs once the units are gone,
    /// beside raw-take's bare take on a counter. The same carts start again and again; none ever holds anything.
    /// </summary>
    public static async Task<RowResult> SoldOutAsync(BenchOptions options)
    {
        await using var shop = await BenchShop.CreateAsync(options);
        var sku = (await shop.AddProductsAsync("SOLD", 1, stock: 0))[0];
        var carts = await shop.PrepareCartsAsync([sku], options.Concurrency);
        var failures = new Failures();
        var checkouts = shop.Checkouts;
        var result = await ClosedLoop.WarmThenMeasureAsync(options, options.Concurrency, async (worker, ct) =>
        {
            var started = await checkouts.StartAsync(
                new StartCheckout(carts[worker], $"crowd{worker}@example.com", "Bench Crowd", ShippingAddress: TestAddresses.Portland), ct);
            return started.Error?.Code == ErrorCodes.OutOfStock ? Outcome.Ok : failures.Record(started.IsSuccess ? "a start held a unit" : started.Error!.Code);
        });
        return new RowResult(BenchOptions.SoldOut, result, failures.Summary ?? "checkout starts answered out of stock by the hot SKU's Redis counter");
    }

    /// <summary>reserve: <see cref="CheckoutService.StartAsync"/> (validation, pricing, holds) on carts prepared before the timed part.</summary>
    public static async Task<RowResult> ReserveAsync(BenchOptions options)
    {
        await using var shop = await BenchShop.CreateAsync(options);
        var skus = await shop.AddProductsAsync("RSV", SkuCount, DeepStock);
        var failures = new Failures();
        var checkouts = shop.Checkouts;
        var (result, cartsRanOut) = await OnPreparedCartsAsync(options, shop, skus, async (_, cartId, n, ct) =>
        {
            var started = await checkouts.StartAsync(new StartCheckout(cartId, $"buyer{n}@example.com", "Bench Buyer", ShippingAddress: TestAddresses.Portland), ct);
            return started.IsSuccess ? Outcome.Ok : failures.Record($"{started.Error!.Code}: {started.Error.Message}");
        });
        return new RowResult("reserve", result, Note(failures, cartsRanOut, shop.RedisNote));
    }

    /// <summary>
    /// raw-checkout: the product's minimal checkout written by hand (<see cref="RawCheckout"/>: a new cart, its line,
    /// start and place, in the product's write units, on its schema), one open connection per worker to the shop's
    /// database and one to the gateway's ledger, and on SQLite the units of all workers in shared commits on the
    /// <see cref="RawWriter"/>'s connection, as the product's: the ceiling of the checkout row, doing the work that row
    /// does. Afterwards the rows it wrote are checked through the product's model (<see cref="RawCheckout.CheckAsync"/>);
    /// a row that fails the check is broken and fails the run. It runs the SQL alone: with Redis, the hot path is not part of it.
    /// </summary>
    public static async Task<RowResult> RawCheckoutAsync(BenchOptions options)
    {
        await using var shop = await BenchShop.CreateAsync(options);
        var skus = await shop.AddProductsAsync("RCK", SkuCount, DeepStock);
        var gateway = await RawCheckout.CreateGatewayAsync(shop);
        var failures = new Failures();
        PhaseResult result;
        var n = 0L;
        await using (var writer = await RawCheckout.OpenWriterAsync(shop, gateway))
        await using (var workers = await Workers<RawCheckout>.OpenAsync(options.Concurrency, () => RawCheckout.OpenAsync(shop, gateway, writer)))
        {
            result = await ClosedLoop.WarmThenMeasureAsync(options, options.Concurrency, async (worker, ct) =>
            {
                var i = Interlocked.Increment(ref n);
                return await workers[worker].CheckOutAsync(skus[i % skus.Length], $"buyer{i}@example.com", ct) is { } problem ? failures.Record(problem) : Outcome.Ok;
            });
        }
        var note = Note(failures, cartsRanOut: false, Join(
            shop.Provider == DatabaseProvider.PostgreSQL ? RawCheckout.OneRoundTripNote : null,
            options.Redis is null ? null : "SQL alone: the Redis hot path is not part of this row"));
        return new RowResult("raw-checkout", result, note) { Broken = await RawCheckout.CheckAsync(shop, skus, gateway) };
    }

    /// <summary>checkout: the whole flow — new cart, add a line, start checkout, place the order (authorize, capture, confirm, outbox).</summary>
    public static async Task<RowResult> CheckoutAsync(BenchOptions options)
    {
        await using var shop = await BenchShop.CreateAsync(options);
        var skus = await shop.AddProductsAsync("CHK", SkuCount, DeepStock);
        var failures = new Failures();
        var n = 0L;
        (long, long)? commitsBefore = null;
        var result = await ClosedLoop.WarmThenMeasureAsync(options, options.Concurrency, async (worker, ct) =>
        {
            var i = Interlocked.Increment(ref n);
            return await BuyOneAsync(shop, skus[i % skus.Length], $"buyer{i}@example.com", failures, ct);
        }, measuring: () =>
        {
            commitsBefore = shop.WriterCommits;
            return Task.CompletedTask;
        });
        return new RowResult("checkout", result, Join(failures.Summary, shop.RedisNote, BenchShop.BatchingNote(commitsBefore, shop.WriterCommits)));
    }

    /// <summary>One shopper's whole checkout of one unit; Ok only when the order ends CONFIRMED.</summary>
    public static async ValueTask<Outcome> BuyOneAsync(BenchShop shop, string sku, string email, Failures failures, CancellationToken ct)
    {
        var cartId = await shop.Carts.CreateAsync(ct: ct);
        var cart = await shop.Carts.SetQuantityAsync(cartId, sku, 1, ct);
        if (!cart.IsSuccess)
        {
            return failures.Record($"cart {cart.Error!.Code}: {cart.Error.Message}");
        }
        var started = await shop.Checkouts.StartAsync(new StartCheckout(cartId, email, "Bench Buyer", ShippingAddress: TestAddresses.Portland), ct);
        if (!started.IsSuccess)
        {
            return failures.Record($"start {started.Error!.Code}: {started.Error.Message}");
        }
        return await PlaceAsync(shop, started.Value!.CheckoutSessionId, failures, ct);
    }

    private static async ValueTask<Outcome> PlaceAsync(BenchShop shop, Guid checkoutSessionId, Failures failures, CancellationToken ct)
    {
        var placed = await shop.PlaceOrders.PlaceAsync(checkoutSessionId, GoodCard, ct);
        if (!placed.IsSuccess)
        {
            return failures.Record($"place {placed.Error!.Code}: {placed.Error.Message}");
        }
        return placed.Value!.Order.Status == OrderStatus.Confirmed ? Outcome.Ok : failures.Record($"order ended {placed.Value.Order.Status}");
    }

    /// <summary>
    /// hot-sku: buyers on one SKU (1,000 units unless <c>--units</c>) until it is sold out. Each buyer's cart is ready;
    /// what is timed is the contended path, start checkout (the conditional UPDATE on the one stock row) and placing
    /// the order. In a closed loop, 64 buyers buy back to back, and a buyer whose start answers "out of stock" stops:
    /// the row ends when every buyer has. With <c>--open-loop RATE</c> buyers instead arrive at that rate, each buying
    /// one unit once (<see cref="OpenHotSkuAsync"/>). Afterwards the ledger is checked: nothing oversold, available +
    /// reserved + sold = units, and sold = units in paid orders.
    /// </summary>
    public static async Task<(RowResult Row, HotSkuResult Hot)> HotSkuAsync(BenchOptions options)
    {
        const int buyers = 64;
        var units = options.HotSkuUnits;
        await using var shop = await BenchShop.CreateAsync(options);
        var failures = new Failures();

        // Warm-up on another SKU of the same shop: the same code paths and queries, compiled and cached.
        var warmSkus = await shop.AddProductsAsync("WARM", 4, DeepStock);
        var w = 0L;
        await ClosedLoop.RunAsync(buyers, options.Warmup, async (worker, ct) =>
        {
            var i = Interlocked.Increment(ref w);
            return await BuyOneAsync(shop, warmSkus[i % warmSkus.Length], $"warm{i}@example.com", failures, ct);
        });

        var hot = (await shop.AddProductsAsync("HOT", 1, units))[0];
        var buyer = new HotBuyer(shop, failures);
        var servers = RunServers.Find(options);
        var (measured, traffic) = options.OpenLoop is { } rate
            ? await OpenHotSkuAsync(buyer, hot, units, rate, options, servers)
            : await ClosedHotSkuAsync(buyer, hot, units, buyers, servers);
        var result = await CheckLedgerAsync(shop, hot, units) with { Traffic = traffic with { SoldOutAnswers = buyer.SoldOutAnswers } };
        var note = failures.Summary ?? (result.LedgerConsistent ? null : result.Ledger);
        return (new RowResult("hot-sku", measured, Join(note, traffic.Describe(), shop.RedisNote)), result);
    }

    /// <summary>The closed loop: <paramref name="buyers"/> buy back to back, each until its start answers out of stock.</summary>
    private static async Task<(PhaseResult, HotSkuTraffic)> ClosedHotSkuAsync(HotBuyer buyer, string hot, int units, int buyers, RunServers? servers)
    {
        // Every unit is bought once and every buyer hears "out of stock" once.
        var carts = new CartPool(await buyer.Shop.PrepareCartsAsync([hot], units + buyers));
        var measured = await ClosedLoop.RunAsync(buyers, TimeSpan.FromMinutes(5), async (worker, ct) =>
            carts.TryTake(out var cartId, out var n) ? await buyer.BuyAsync(cartId, n, ct) : Outcome.Exhausted, capacityHint: units, servers);
        return (measured, new HotSkuTraffic("closed", Buyers: buyers));
    }

    /// <summary>
    /// The open loop (<see cref="OpenLoop"/>): buyers arrive at <paramref name="rate"/> per second whatever the
    /// checkout's pace, each with a prepared cart, and buy one unit once; latency runs from the scheduled arrival.
    /// Arrivals stop at the first "out of stock" answer, when the prepared carts (the units and one second of arrivals
    /// more) run out, or after <paramref name="limit"/>; buyers still in flight <see cref="OpenLoopGrace"/> later are
    /// cancelled (abandoned). At most <paramref name="maxInFlight"/> buyers are served at once, as a server admits at
    /// most so many requests: without that bound a shop that falls behind opens a connection per waiting buyer
    /// until the process runs out of file handles. With <c>--mid-run</c> its command (a restart of a server) runs
    /// halfway through the limit while the buyers keep arriving.
    /// </summary>
    private static async Task<(PhaseResult, HotSkuTraffic)> OpenHotSkuAsync(
        HotBuyer buyer, string hot, int units, double rate, BenchOptions options, RunServers? servers)
    {
        var (limit, maxInFlight) = (options.MaxDuration, options.MaxInFlight);
        var carts = new CartPool(await buyer.Shop.PrepareCartsAsync([hot], units + (int)Math.Ceiling(rate)));
        using var admission = new SemaphoreSlim(maxInFlight, maxInFlight);
        async Task<string?> MidRunAsync(string command) => Join(await MidRun.RunAsync(command, limit / 2), await buyer.Shop.ReseedHotStockAsync());
        var midRun = options.MidRun is { } command ? MidRunAsync(command) : Task.FromResult<string?>(null);
        var run = await OpenLoop.RunAsync(rate, limit, OpenLoopGrace, async (n, ct) =>
        {
            await admission.WaitAsync(ct);
            try
            {
                return carts.TryTake(out var cartId, out _) ? await buyer.BuyAsync(cartId, n, ct) : Outcome.Exhausted;
            }
            finally
            {
                admission.Release();
            }
        }, capacityHint: units * 2, servers);
        var stopped = run.HitLimit ? $"the limit ({limit.TotalSeconds:N0} s)"
            : buyer.SoldOutAnswers > 0 ? "the first sold-out answer"
            : "the end of the prepared carts";
        return (run.Phase, new HotSkuTraffic("open", ArrivalsPerSecond: rate, Arrivals: run.Arrivals, Abandoned: run.Cancelled, StoppedBecause: stopped, MaxInFlight: maxInFlight)
        {
            MidRun = await midRun,
        });
    }

    /// <summary>
    /// The ledger of the hot SKU: units are sold when an order's payment is authorized, so sold must equal the units in
    /// orders authorized or confirmed (an open loop's buyer cancelled between the two leaves an authorized one).
    /// </summary>
    private static async Task<HotSkuResult> CheckLedgerAsync(BenchShop shop, string sku, int units)
    {
        await using var db = await shop.DbAsync();
        var stock = await db.Inventory.AsNoTracking().SingleAsync(i => i.Sku == sku);
        var confirmed = await UnitsInOrdersAsync(db, sku, OrderStatus.Confirmed);
        var sold = confirmed.Sum() + (await UnitsInOrdersAsync(db, sku, OrderStatus.PaymentAuthorized)).Sum();
        var oversold = Math.Max(0, sold - units) + Math.Max(0, -stock.Quantity);
        var consistent = stock.Quantity + stock.Reserved + stock.Sold == units && stock.Sold == sold;
        var ledger = $"available {stock.Quantity}, reserved {stock.Reserved}, sold {stock.Sold}, units in paid orders {sold}";
        return new HotSkuResult(units, confirmed.Count, oversold, consistent, ledger);
    }

    /// <summary>The quantities of <paramref name="sku"/> in the orders in <paramref name="status"/>, one per order line.</summary>
    private static Task<List<int>> UnitsInOrdersAsync(CheckoutDbContext db, string sku, OrderStatus status) =>
        db.Orders.AsNoTracking()
            .Where(o => o.Status == status)
            .SelectMany(o => o.Lines)
            .Where(l => l.Sku == sku)
            .Select(l => l.Quantity)
            .ToListAsync();

    /// <summary>One hot-sku buyer's attempt with a prepared cart; counts the "out of stock" answers, which end the attempt as Exhausted.</summary>
    private sealed class HotBuyer(BenchShop shop, Failures failures)
    {
        private long _soldOutAnswers;

        public BenchShop Shop => shop;

        public long SoldOutAnswers => Interlocked.Read(ref _soldOutAnswers);

        /// <summary>A buyer whose attempt threw (a server restarting under <c>--mid-run</c>) failed, as a client answered 503 would.</summary>
        public async ValueTask<Outcome> BuyAsync(Guid cartId, long n, CancellationToken ct)
        {
            try
            {
                return await StartAndPlaceAsync(cartId, n, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return failures.Record($"{e.GetType().Name}: {e.Message}");
            }
        }

        private async ValueTask<Outcome> StartAndPlaceAsync(Guid cartId, long n, CancellationToken ct)
        {
            var started = await shop.Checkouts.StartAsync(new StartCheckout(cartId, $"hot{n}@example.com", "Hot Buyer", ShippingAddress: TestAddresses.Portland), ct);
            if (started.IsSuccess)
            {
                return await PlaceAsync(shop, started.Value!.CheckoutSessionId, failures, ct);
            }
            if (started.Error!.Code != ErrorCodes.OutOfStock)
            {
                return failures.Record($"start {started.Error.Code}: {started.Error.Message}");
            }
            Interlocked.Increment(ref _soldOutAnswers);
            return Outcome.Exhausted;
        }
    }

    private static int CartsFor(TimeSpan warmup, int perSecond) => (int)Math.Max(2_000, warmup.TotalSeconds * perSecond);

    private static string? Note(Failures failures, bool cartsRanOut, string? more) => Join(
        failures.Summary ?? (cartsRanOut ? "prepared carts ran out before the phase ended; the rate is over the time they lasted" : null),
        more);

    /// <summary>
    /// Runs <paramref name="buy"/> (worker, cart, its number) on carts prepared outside the clock: enough for the
    /// warm-up first, then enough for the measured phase at four times the warm-up's rate (the warm-up still compiles
    /// and warms caches, so it runs slower than the measured phase). Also says whether the carts ran out.
    /// </summary>
    private static async Task<(PhaseResult Result, bool CartsRanOut)> OnPreparedCartsAsync(
        BenchOptions options, BenchShop shop, string[] skus, Func<int, Guid, long, CancellationToken, ValueTask<Outcome>> buy)
    {
        var carts = new CartPool(await shop.PrepareCartsAsync(skus, CartsFor(options.Warmup > TimeSpan.Zero ? options.Warmup : options.Duration, 3_000)));
        var result = await ClosedLoop.WarmThenMeasureAsync(options, options.Concurrency,
            async (worker, ct) => carts.TryTake(out var cartId, out var n) ? await buy(worker, cartId, n, ct) : Outcome.Exhausted,
            async warm =>
            {
                var needed = (int)Math.Min(2_000_000, (Math.Max(warm.OpsPerSecond, 500) * options.Duration.TotalSeconds * 4) + 2_000);
                carts = new CartPool(await shop.PrepareCartsAsync(skus, needed));
            });
        return (result, carts.Exhausted);
    }

    /// <summary>The notes given, joined; null when there are none.</summary>
    internal static string? Join(params string?[] notes) =>
        notes.Where(n => n is not null).ToArray() is { Length: > 0 } some ? string.Join("; ", some) : null;

    /// <summary>One open connection of a raw row per worker, all closed at the end of the row.</summary>
    private sealed class Workers<T>(T[] workers) : IAsyncDisposable where T : IAsyncDisposable
    {
        public T this[int worker] => workers[worker];

        public static async Task<Workers<T>> OpenAsync(int count, Func<Task<T>> open)
        {
            var opened = new T[count];
            try
            {
                for (var w = 0; w < count; w++)
                {
                    opened[w] = await open();
                }
            }
            catch
            {
                await new Workers<T>(opened).DisposeAsync();
                throw;
            }
            return new Workers<T>(opened);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var worker in workers.Where(w => w is not null))
            {
                await worker.DisposeAsync();
            }
        }
    }

    /// <summary>Prepared carts handed out once each.</summary>
    private sealed class CartPool(Guid[] ids)
    {
        private long _next = -1;

        public bool Exhausted => Interlocked.Read(ref _next) >= ids.Length;

        public bool TryTake(out Guid cartId, out long n)
        {
            n = Interlocked.Increment(ref _next);
            cartId = n < ids.Length ? ids[n] : Guid.Empty;
            return n < ids.Length;
        }
    }
}
