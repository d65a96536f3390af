using System.Globalization;
using System.Text.Json;
using Checkout.Data.Persistence;
using Npgsql;

namespace Checkout.Bench;

/// <summary>The run's results: the console table and the JSON object CI and the README read.</summary>
public sealed class Report(BenchOptions options)
{
    /// <summary>The issues' goals on 2 cores. Reported, never asserted: timing is not a test.</summary>
    public const double CheckoutCpuFirstGoalMicros = 1_500;
    public const double CheckoutCpuGoalMicros = 600;
    public const double CheckoutToRawCheckoutGoal = 0.60;
    public const double ReserveToRawGoal = 0.50;
    public const double SoldOutToRawTakeGoal = 0.30;
    public const double HotSkuP99GoalMs = 50;
    public const double PeakWorkingSetGoalMb = 300;

    /// <summary>Scale-out: two instances on one database sell at least this many times what one does.</summary>
    public const double TwoInstancesGoal = 1.6;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    public List<RowResult> Rows { get; } = [];
    public HotSkuResult? HotSku { get; set; }
    public long PeakWorkingSetBytes { get; set; }
    public TimeSpan WallTime { get; set; }
    public string? LoadBefore { get; set; } = LoadAverage();
    public string? LoadAfter { get; set; }

    /// <summary>The 1-minute load average (Linux), to tell a quiet machine's figures from a busy one's.</summary>
    public static string? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>What the rows ran on, for the table's title and the progress line.</summary>
    public string Setup => string.Join("; ", SetupParts());

    private IEnumerable<string> SetupParts()
    {
        if (options.Rows.Count > 0)
        {
            yield return (options.Provider == DatabaseProvider.Sqlite
                    ? "SQLite (embedded, WAL, synchronous=NORMAL; FULL for the commit that confirms an order)"
                    : $"PostgreSQL ({Server(options.PostgresServer)})")
                + (options.Redis is null ? "" : " + Redis hot path")
                + $", concurrency {options.Concurrency}, fresh database per row";
        }
        if (options.HttpUrls.Count > 0)
        {
            yield return $"http: {options.HttpClients} clients on {options.HttpUrls.Count} running instance{(options.HttpUrls.Count == 1 ? "" : "s")}";
        }
    }

    private static string Server(string connectionString)
    {
        var server = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{server.Host}:{server.Port}";
    }

    private RowResult? Row(string name) => Rows.FirstOrDefault(r => r.Name == name);

    private double? Ratio(string name, string of = "raw-limit") =>
        Row(name) is { } row && Row(of) is { OpsPerSecond: > 0 } baseline ? row.OpsPerSecond / baseline.OpsPerSecond : null;

    /// <summary>The checkout row's processor time per operation over the hand-written checkout's: how many times the ceiling's it costs.</summary>
    private double? CpuRatioToRawCheckout =>
        Row("checkout") is { } checkout && Row("raw-checkout") is { Measured.CpuMicrosPerOp: > 0 } raw
            ? checkout.Measured.CpuMicrosPerOp / raw.Measured.CpuMicrosPerOp
            : null;

    /// <summary>The checkout row against its ceiling, in ops/s and in CPU µs/op.</summary>
    private string? AgainstRawCheckout =>
        Ratio("checkout", "raw-checkout") is { } ops && CpuRatioToRawCheckout is { } cpu
            ? $"checkout/raw-checkout {ops:P1} of its ops/s at {cpu:N1}× its CPU µs/op"
            : null;

    /// <summary>The rows whose written data failed their check.</summary>
    public IEnumerable<RowResult> BrokenRows => Rows.Where(r => r.Broken is not null);

    /// <summary>http-N over http-1, when the http row ran on one instance and then on N.</summary>
    private double? ScaleOut =>
        options.HttpUrls.Count > 1 ? Ratio(HttpRow.Name(options, options.HttpUrls.Count), HttpRow.Name(options, 1)) : null;

    public void WriteTable(TextWriter o)
    {
        o.WriteLine();
        o.WriteLine($"Checkout.Bench — {Setup}; {Environment.ProcessorCount} cores, " +
                    $"warm-up {options.Warmup.TotalSeconds:0.#} s + {options.Duration.TotalSeconds:0.#} s measured per row");
        o.WriteLine();
        // The instances' own CPU is a column only where http rows ran, the servers' only where the run has servers.
        var app = options.HttpUrls.Count > 0;
        var servers = Rows.Any(r => r.Measured.Servers is not null);
        o.WriteLine($"| {"row",-12} | {"ops/s",9} | {"p50 ms",8} | {"p99 ms",8} | {"p99.9 ms",8} | {"CPU µs/op",9} |{(app ? $" {"app CPU µs/op",13} |" : "")}" +
                    $"{(servers ? $" {"db CPU µs/op",12} | {"redis CPU µs/op",15} | {"total CPU µs/op",15} |" : "")} {"ops",8} | {"failed",6} |");
        o.WriteLine($"|{new string('-', 14)}|{new string('-', 10)}:|{new string('-', 9)}:|{new string('-', 9)}:|{new string('-', 9)}:|{new string('-', 10)}:|" +
                    $"{(app ? $"{new string('-', 14)}:|" : "")}{(servers ? $"{new string('-', 13)}:|{new string('-', 16)}:|{new string('-', 16)}:|" : "")}{new string('-', 9)}:|{new string('-', 7)}:|");
        foreach (var r in Rows)
        {
            var appCpu = app ? $" {Micros(r.AppCpuMicrosPerOp),13} |" : "";
            var serversCpu = servers ? $" {Micros(r.DbCpuMicrosPerOp),12} | {Micros(r.RedisCpuMicrosPerOp),15} | {Micros(r.TotalCpuMicrosPerOp),15} |" : "";
            o.WriteLine($"| {r.Name,-12} | {r.OpsPerSecond,9:N0} | {r.P50Ms,8:N2} | {r.P99Ms,8:N2} | {r.P999Ms,8:N2} | {r.Measured.CpuMicrosPerOp,9:N0} |{appCpu}{serversCpu} {r.Measured.Ops,8:N0} | {r.Measured.Failed,6:N0} |");
        }
        o.WriteLine();
        foreach (var missing in Rows.Select(r => r.Measured.Servers?.Missing).OfType<string>().Distinct())
        {
            o.WriteLine($"  {missing}");
        }
        foreach (var r in BrokenRows)
        {
            o.WriteLine($"  BROKEN, {r.Name}: {r.Broken}");
        }
        foreach (var r in Rows.Where(r => r.Note is not null))
        {
            o.WriteLine($"  note, {r.Name}: {r.Note}");
        }
        if (HotSku is { } hot)
        {
            var arrivals = hot.Traffic.IsOpen ? $"{hot.Traffic.Arrivals:N0} arrivals at {hot.Traffic.ArrivalsPerSecond:N0}/s, " : "";
            o.WriteLine($"  hot-sku: {hot.Units:N0} units, {arrivals}{hot.Orders:N0} orders, {hot.Traffic.SoldOutAnswers:N0} sold-out answers, oversold {hot.Oversold}; " +
                        $"ledger {(hot.LedgerConsistent ? "consistent" : "INCONSISTENT")} ({hot.Ledger})");
        }
        foreach (var r in Rows.Where(r => r.Shares is not null))
        {
            o.WriteLine($"  {r.Name} orders by instance: {string.Join(", ", r.Shares!.Select(s => $"{s.Url} {s.Orders:N0} ({s.Percent:N1} %)"))}");
        }
        if (Ratio(BenchOptions.RawTake) is { } takeToRaw)
        {
            o.WriteLine($"  {BenchOptions.RawTake}/raw-limit {takeToRaw:P1} (the product's Lua take beside the bare DECR)");
        }
        if (Ratio(BenchOptions.SoldOut, BenchOptions.RawTake) is { } soldOutToTake)
        {
            o.WriteLine($"  {BenchOptions.SoldOut}/{BenchOptions.RawTake} {soldOutToTake:P1} (a sold-out start beside the bare take)");
        }
        if (Ratio("reserve") is { } reserveToRaw)
        {
            o.WriteLine($"  reserve/raw-limit {reserveToRaw:P1}");
        }
        if (Ratio("checkout") is { } checkoutToRaw)
        {
            o.WriteLine($"  checkout/raw-limit {checkoutToRaw:P1}");
        }
        if (AgainstRawCheckout is { } against)
        {
            o.WriteLine($"  {against}");
        }
        if (ScaleOut is { } scaleOut)
        {
            o.WriteLine($"  {HttpRow.Name(options, options.HttpUrls.Count)}/{HttpRow.Name(options, 1)} {scaleOut:N2}×");
        }
        o.WriteLine($"  peak working set {PeakWorkingSetBytes / (1024.0 * 1024):N0} MiB; wall time {WallTime.TotalSeconds:N0} s; " +
                    $"load average {LoadBefore ?? "?"} before, {LoadAfter ?? "?"} after (other programs on the machine share the cores)");
        o.WriteLine();
        o.WriteLine("Goals (reported, not asserted):");
        foreach (var goal in Goals())
        {
            o.WriteLine($"  [{(goal.Met ? "met" : "NOT met"),-7}] {goal.Name}: {goal.Actual}");
        }
        if (AgainstRawCheckout is not null)
        {
            o.WriteLine("  (both rows create a cart, add its line, start and place; raw-checkout's gateway ledger is where the product's simulated gateway keeps its own)");
        }
    }

    public sealed record Goal(string Name, bool Met, string Actual);

    public IEnumerable<Goal> Goals()
    {
        if (Row("checkout") is { } checkout)
        {
            var cpu = checkout.Measured.CpuMicrosPerOp;
            yield return new($"checkout <= {CheckoutCpuFirstGoalMicros:N0} µs CPU/op", cpu <= CheckoutCpuFirstGoalMicros, $"{cpu:N0} µs");
            yield return new($"checkout <= {CheckoutCpuGoalMicros:N0} µs CPU/op", cpu <= CheckoutCpuGoalMicros, $"{cpu:N0} µs");
        }
        if (AgainstRawCheckout is { } ceiling && Ratio("checkout", "raw-checkout") is { } toCeiling)
        {
            yield return new("checkout >= 60 % of raw-checkout's ops/s", toCeiling >= CheckoutToRawCheckoutGoal, ceiling);
        }
        if (Ratio("reserve") is { } reserve)
        {
            yield return new("reserve >= 50 % of raw-limit", reserve >= ReserveToRawGoal, $"{reserve:P1}");
        }
        if (Ratio(BenchOptions.SoldOut, BenchOptions.RawTake) is { } soldOut)
        {
            yield return new($"{BenchOptions.SoldOut} >= 30 % of {BenchOptions.RawTake}", soldOut >= SoldOutToRawTakeGoal, $"{soldOut:P1}");
        }
        if (Row("hot-sku") is { } hotRow && HotSku is { } hot)
        {
            // Buyers that never finished have no latency to count: a row with any is no p99 to meet the goal by.
            var unfinished = hot.Traffic.Abandoned > 0 ? $" ({hot.Traffic.Abandoned:N0} buyers abandoned in flight)" : "";
            yield return new("hot-sku p99 < 50 ms", hotRow.P99Ms < HotSkuP99GoalMs && hotRow.Measured.Ops > 0 && hot.Traffic.Abandoned == 0,
                $"{hotRow.P99Ms:N1} ms{unfinished}");
            yield return new("hot-sku 0 oversold, orders = units", hot.Oversold == 0 && hot.Orders == hot.Units, $"oversold {hot.Oversold}, {hot.Orders:N0} orders of {hot.Units:N0} units");
        }
        var peakMb = PeakWorkingSetBytes / (1024.0 * 1024);
        yield return new($"peak working set <= {PeakWorkingSetGoalMb:N0} MiB", peakMb <= PeakWorkingSetGoalMb, $"{peakMb:N0} MiB");
        if (options.HttpUrls.Count == 2 && ScaleOut is { } scaleOut)
        {
            yield return new($"two instances >= {TwoInstancesGoal} × one (http-2/http-1)", scaleOut >= TwoInstancesGoal, $"{scaleOut:N2}×");
        }
    }

    public async Task WriteJsonAsync(string path)
    {
        var document = new
        {
            provider = options.Provider.ToString().ToLowerInvariant(),
            redis = options.Redis is not null,
            concurrency = options.Concurrency,
            http = options.HttpUrls.Count > 0 ? new { instances = options.HttpUrls.Count, clients = options.HttpClients } : null,
            durationS = options.Duration.TotalSeconds,
            warmupS = options.Warmup.TotalSeconds,
            cores = Environment.ProcessorCount,
            rows = Rows.Select(r => new
            {
                name = r.Name,
                opsPerS = Round(r.OpsPerSecond, 1),
                p50Ms = Round(r.P50Ms, 3),
                p99Ms = Round(r.P99Ms, 3),
                p999Ms = Round(r.P999Ms, 3),
                cpuUsPerOp = Round(r.Measured.CpuMicrosPerOp, 0),
                appCpuUsPerOp = Round(r.AppCpuMicrosPerOp, 0),
                appCpuUsPerOpFromMetrics = Round(r.AppCpuMicrosPerOpFromMetrics, 0),
                appAllocKbPerOp = Round(r.AppAllocKbPerOp, 1),
                appGcs = r.AppRuntime?.Collections is [var gen0, var gen1, var gen2] ? new { gen0, gen1, gen2 } : null,
                appWorkingSetMb = Round(r.AppWorkingSetMb, 1),
                dbCpuUsPerOp = Round(r.DbCpuMicrosPerOp, 0),
                redisCpuUsPerOp = Round(r.RedisCpuMicrosPerOp, 0),
                totalCpuUsPerOp = Round(r.TotalCpuMicrosPerOp, 0),
                shares = r.Shares?.Select(s => new { url = s.Url, orders = s.Orders, percent = Round(s.Percent, 1) }),
                ops = r.Measured.Ops,
                failed = r.Measured.Failed,
                note = r.Note,
                broken = r.Broken,
            }),
            hotSku = HotSku is { } hot
                ? new
                {
                    units = hot.Units,
                    orders = hot.Orders,
                    oversold = hot.Oversold,
                    ledgerConsistent = hot.LedgerConsistent,
                    mode = hot.Traffic.Mode,
                    soldOutAnswers = hot.Traffic.SoldOutAnswers,
                    buyers = hot.Traffic.Buyers,
                    arrivalsPerS = hot.Traffic.ArrivalsPerSecond,
                    arrivals = hot.Traffic.Arrivals,
                    abandoned = hot.Traffic.Abandoned,
                    arrivalsStopped = hot.Traffic.StoppedBecause,
                    latencyFrom = hot.Traffic.IsOpen ? "scheduled arrival" : "call",
                }
                : null,
            ratios = new
            {
                rawTakeToRaw = Round(Ratio(BenchOptions.RawTake), 4),
                reserveToRaw = Round(Ratio("reserve"), 4),
                checkoutToRaw = Round(Ratio("checkout"), 4),
                checkoutToRawCheckout = Round(Ratio("checkout", "raw-checkout"), 4),
                checkoutCpuToRawCheckout = Round(CpuRatioToRawCheckout, 2),
                httpNTo1 = Round(ScaleOut, 3),
            },
            loadAverage = new { before = LoadBefore, after = LoadAfter },
            peakWorkingSetMb = Round(PeakWorkingSetBytes / (1024.0 * 1024), 1),
            goals = Goals().Select(g => new { name = g.Name, met = g.Met, actual = g.Actual }),
            recordedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json) + Environment.NewLine);
    }

    /// <summary>Microseconds per operation as the table shows them; a dash for none.</summary>
    public static string Micros(double? value) => value is { } micros ? micros.ToString("N0", CultureInfo.CurrentCulture) : "–";

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static double Round(double value, int digits) => Math.Round(value, digits);
}
