using System.Diagnostics;
using Checkout.Bench;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(BenchOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

// The bench's workers block inside SQLite calls (Microsoft.Data.Sqlite is synchronous under its async API): give
// the pool a thread per worker up front instead of measuring its hill-climbing. The web host would want the same.
// On PostgreSQL the calls are truly asynchronous and the extra threads only sit idle.
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
var wanted = Math.Max(options.Concurrency, Math.Max(options.HttpClients, 64)) + Environment.ProcessorCount;
ThreadPool.SetMinThreads(Math.Max(minWorkers, wanted), minIo);

var clock = Stopwatch.StartNew();
if (options.Profile)
{
    await Profiler.RunAsync(options);
}

var report = new Report(options);
void Done(RowResult row)
{
    report.Rows.Add(row);
    var servers = row.Measured.Servers is null ? ""
        : $"  db CPU {Report.Micros(row.DbCpuMicrosPerOp)}  redis CPU {Report.Micros(row.RedisCpuMicrosPerOp)}  total CPU {Report.Micros(row.TotalCpuMicrosPerOp)} µs/op";
    Console.WriteLine($"  {row.Name,-12} {row.OpsPerSecond,9:N0} ops/s  p50 {row.P50Ms:N2} ms  p99 {row.P99Ms:N2} ms  p99.9 {row.P999Ms:N2} ms  CPU {row.Measured.CpuMicrosPerOp:N0} µs/op{(row.AppCpuMicrosPerOp is { } app ? $"  app CPU {app:N0} µs/op" : "")}{servers}  GCs {string.Join('/', row.Measured.Collections)}  JIT {row.Measured.JitTime.TotalMilliseconds:N0} ms" +
                      $"{(row.Measured.Failed > 0 ? $"  ({row.Measured.Failed} failed)" : "")}{(row.Broken is { } broken ? $"  BROKEN: {broken}" : "")}");
}

// With several instances the http row runs on the first alone, then on all of them.
IReadOnlyList<Uri>[] httpRuns = options.HttpUrls.Count switch
{
    0 => [],
    1 => [options.HttpUrls],
    _ => [options.HttpUrls.Take(1).ToArray(), options.HttpUrls],
};
var rowNames = BenchOptions.AllRows.Where(options.Rows.Contains).Concat(httpRuns.Select(urls => HttpRow.Name(options, urls.Count)));
Console.WriteLine($"Running {string.Join(", ", rowNames)} on {report.Setup} " +
                  $"({options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s each)…");
if (options.Rows.Contains("raw-limit"))
{
    Done(await Rows.RawLimitAsync(options));
}
if (options.Rows.Contains(BenchOptions.RawTake))
{
    Done(await Rows.RawTakeAsync(options));
}
if (options.Rows.Contains("raw-checkout"))
{
    Done(await Rows.RawCheckoutAsync(options));
}
if (options.Rows.Contains("reserve"))
{
    Done(await Rows.ReserveAsync(options));
}
if (options.Rows.Contains("checkout"))
{
    Done(await Rows.CheckoutAsync(options));
}
if (options.Rows.Contains(BenchOptions.SoldOut))
{
    Done(await Rows.SoldOutAsync(options));
}
if (options.Rows.Contains("hot-sku"))
{
    var (row, hot) = await Rows.HotSkuAsync(options);
    report.HotSku = hot;
    Done(row);
}
foreach (var urls in httpRuns)
{
    Done(await HttpRow.RunAsync(options, urls));
}

using (var self = Process.GetCurrentProcess())
{
    self.Refresh();
    report.PeakWorkingSetBytes = self.PeakWorkingSet64;
}
report.WallTime = clock.Elapsed;
report.LoadAfter = Report.LoadAverage();
report.WriteTable(Console.Out);
if (options.JsonPath is { } path)
{
    await report.WriteJsonAsync(path);
    Console.WriteLine($"Wrote {path}");
}
// Timing goals are reported, not enforced; a broken ledger or row is a bug, and CI reads oversold from the JSON.
return report.HotSku is { Oversold: > 0 } or { LedgerConsistent: false } || report.BrokenRows.Any() ? 1 : 0;
