using System.Diagnostics;
using System.Globalization;
using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Testing;
using Checkout.Web.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Checkout.Circuits;

/// <summary>
/// What an open checkout costs the server. The real app runs in this process (Kestrel on a real socket, its own SQLite
/// file, holds that outlast the run, in the Development environment), so that a full, blocking, compacting collection
/// forced here measures the app's managed heap with nothing else in it that grows with the shoppers. One headless Chromium opens N checkout pages, each
/// resuming its own held checkout (contact step done, hold running). First with no page open (the baseline: the app's
/// own background work), then at each N, and last once every page has left, the app idles while its processor time
/// and what it does (<see cref="IdleActivity"/>) are read, then the collection is forced and the heap and the
/// process's working set are read.
/// </summary>
internal static class Measurement
{
    public static async Task<int> Main(string[] args)
    {
        var options = CircuitsOptions.Parse(args);
        var loadBefore = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();
        var wall = Stopwatch.StartNew();

        await using var app = new TestApp(new TestAppOptions
        {
            Name = "circuits",
            // Development serves the framework's and MudBlazor's static files from their packages, as for the E2E
            // tests; the hold and sweep are set back to production's, the hold long enough to outlast the run.
            Environment = "Development",
            RealSocket = true,
            Settings = new Dictionary<string, string?>
            {
                ["Checkout:HoldTtl"] = "02:00:00",
                ["Checkout:SweepInterval"] = "00:00:30",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            },
        });
        var baseAddress = app.Address;
        var sessions = await HoldCheckoutsAsync(app.Services, options.Counts.Max());
        var operations = app.Services.GetRequiredService<LiveOperations>();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHECKOUT_CHROMIUM") ?? "/usr/lib/chromium/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                // A page in the background must keep its timers and its connection as a shopper's foreground tab does.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"],
        });
        var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString() });
        // Two cores open the pages while the open ones tick: slow, but never given up on.
        context.SetDefaultTimeout(0);

        using var activity = new IdleActivity();
        async Task<Row> SettleAndMeasureAsync(int count)
        {
            await Task.Delay(options.Settle);
            var row = await MeasureAsync(count, operations.CircuitsConnected, options.Idle, activity);
            Console.WriteLine(row.Line);
            Console.WriteLine(row.Rates.Line);
            return row;
        }

        var rows = new List<Row>();
        var pages = new List<IPage>();
        // First with no page open: what the app does on its own (its pollers, the browser's idle client), the
        // baseline each count's figures are read against.
        foreach (var count in options.Counts.Order().Prepend(0))
        {
            var opening = Stopwatch.StartNew();
            var toOpen = sessions.Skip(pages.Count).Take(count - pages.Count).ToList();
            foreach (var batch in toOpen.Chunk(2))
            {
                pages.AddRange(await Task.WhenAll(batch.Select(session => OpenCheckoutAsync(context, session))));
            }
            while (operations.CircuitsConnected < count)
            {
                await Task.Delay(200);
            }
            Console.WriteLine($"{count} checkouts open in {opening.Elapsed.TotalSeconds:0} s; settling {options.Settle.TotalSeconds:0} s, idling {options.Idle.TotalSeconds:0} s…");
            rows.Add(await SettleAndMeasureAsync(count));
        }

        // Last, every page leaves (each tells the server its circuit is done as it unloads) and the app idles alone
        // again: its own background work once warmed up, which the first baseline, read just after the start while
        // the runtime still compiles what the start used, overstates.
        var leaving = Stopwatch.StartNew();
        foreach (var batch in pages.Chunk(10))
        {
            await Task.WhenAll(batch.Select(page => page.GotoAsync("about:blank")));
        }
        while (operations.CircuitsOpen > 0)
        {
            await Task.Delay(200);
        }
        Console.WriteLine($"every page left in {leaving.Elapsed.TotalSeconds:0} s; settling {options.Settle.TotalSeconds:0} s, idling {options.Idle.TotalSeconds:0} s…");
        var warm = await SettleAndMeasureAsync(0);
        var loadAfter = (await File.ReadAllTextAsync("/proc/loadavg")).Trim();

        var (low, high) = (rows[1], rows[^1]);
        var circuits = high.Circuits - low.Circuits;
        Console.WriteLine();
        Console.WriteLine($"circuits  heap after full GC  working set  app CPU (% of one core, idle {options.Idle.TotalSeconds:0} s)");
        foreach (var row in rows)
        {
            Console.WriteLine(row.Line);
        }
        Console.WriteLine($"{warm.Line}  (every page left)");
        if (circuits > 0)
        {
            Console.WriteLine($"per added circuit, {low.Circuits} → {high.Circuits}: heap {Kb(high.HeapBytes - low.HeapBytes) / circuits:N0} KB, working set {Kb(high.WorkingSetBytes - low.WorkingSetBytes) / circuits:N0} KB");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle CPU with no page open: {rows[0].CpuPercent:0.00} % of one core after the start, {warm.CpuPercent:0.00} % once every page left; {high.Circuits} circuits: {high.CpuPercent - warm.CpuPercent:0.00} % more"));
        Console.WriteLine($"load average before: {loadBefore}");
        Console.WriteLine($"load average after:  {loadAfter}");
        Console.WriteLine($"wall time {wall.Elapsed.TotalSeconds:0} s, {Environment.ProcessorCount} cores");
        await context.CloseAsync();
        return 0;
    }

    private static double Kb(long bytes) => bytes / 1024.0;

    private static async Task<Row> MeasureAsync(int count, int circuits, TimeSpan idle, IdleActivity activity)
    {
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var idling = Stopwatch.StartNew();
        var window = activity.Start();
        await Task.Delay(idle);
        var rates = window.Read();
        self.Refresh();
        var cpuPercent = 100 * (self.TotalProcessorTime - cpuBefore).TotalSeconds / idling.Elapsed.TotalSeconds;
        // Twice: what the first collection's finalizers release goes in the second.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
        self.Refresh();
        return new Row(count, circuits, heap, self.WorkingSet64, cpuPercent, rates);
    }

    // Checkouts held through the app's own services, as the contact step holds them: one unit of coffee each.
    private static async Task<List<Guid>> HoldCheckoutsAsync(IServiceProvider services, int count)
    {
        const string sku = "COF-FILTER";
        var inventory = services.GetRequiredService<InventoryAdminService>();
        var available = (await inventory.ListAsync()).Single(s => s.Sku == sku).Available;
        if (available < count)
        {
            var adjusted = await inventory.AdjustAsync(sku, count - available, "circuits measurement", "circuits");
            Check(adjusted.IsSuccess, adjusted.Error?.Message);
        }
        var carts = services.GetRequiredService<CartService>();
        var checkouts = services.GetRequiredService<CheckoutService>();
        var held = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            var cartId = await carts.CreateAsync();
            var added = await carts.SetQuantityAsync(cartId, sku, 1);
            Check(added.IsSuccess, added.Error?.Message);
            var started = await checkouts.StartAsync(new StartCheckout(cartId, $"shopper{i}@example.com", $"Shopper {i}"));
            Check(started.IsSuccess, started.Error?.Message);
            held.Add(started.Value!.CheckoutSessionId);
        }
        return held;
    }

    private static async Task<IPage> OpenCheckoutAsync(IBrowserContext context, Guid session)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync($"checkout?session={session}");
        await page.GetByRole(AriaRole.Timer).WaitForAsync();
        return page;
    }

    private static void Check(bool ok, string? why)
    {
        if (!ok)
        {
            throw new InvalidOperationException(why);
        }
    }
}

internal sealed record Row(int Count, int Circuits, long HeapBytes, long WorkingSetBytes, double CpuPercent, IdleRates Rates)
{
    public string Line => string.Create(CultureInfo.InvariantCulture,
        $"{Circuits,8}  {HeapBytes / 1048576.0,15:0.0} MB  {WorkingSetBytes / 1048576.0,8:0.0} MB  {CpuPercent,6:0.00} %");
}

/// <summary><c>--counts 50,100,200</c> (the open checkouts, ascending), <c>--settle 10</c> and <c>--idle 30</c> (seconds).</summary>
internal sealed record CircuitsOptions(IReadOnlyList<int> Counts, TimeSpan Settle, TimeSpan Idle)
{
    public static CircuitsOptions Parse(string[] args)
    {
        var options = new CircuitsOptions([50, 100, 200], TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--counts" => options with { Counts = value.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList() },
                "--settle" => options with { Settle = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                "--idle" => options with { Idle = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)) },
                _ => throw new ArgumentException($"Unknown option {args[i]}; use --counts 50,100,200 --settle 10 --idle 30."),
            };
        }
        return options;
    }
}
