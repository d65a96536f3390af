using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Checkout.Testing;

namespace Checkout.Bench;

/// <summary>
/// http (with <c>--http URL[,URL...]</c>): the checkout as a client does it against running instances — POST
/// /api/carts, PUT /api/carts/{id}/items/{sku}, POST /api/checkouts, POST /api/checkouts/{id}/complete — with N
/// concurrent clients spread round-robin over the instances, each request timed as part of one operation. The
/// instances share one database: the row buys the SKU with the most units available on the first (restocked first
/// through its admin API when <c>--admin-key</c> is given); selling out ends the row early. The instances' own
/// processor time over the measured phase (<see cref="ServerProcesses"/>, summed over them) is reported per order, and
/// over several instances each one's share of the orders placed in that phase. With the key, the row also reads the
/// instances' runtime figures from their /metrics around the phase (<see cref="AppMetrics"/>): processor time per order
/// as the runtime counts it, KB allocated per order, garbage collections and working set.
/// </summary>
public static class HttpRow
{
    private const int Restock = 100_000;

    /// <summary>The header the instances' admin API and /metrics take <c>--admin-key</c> in.</summary>
    internal const string AdminKeyHeader = "X-Admin-Key";

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>The row's name: plain "http" for one instance when only one was given, else "http-{instances}".</summary>
    public static string Name(BenchOptions options, int instances) => options.HttpUrls.Count == 1 ? "http" : $"http-{instances}";

    public static async Task<RowResult> RunAsync(BenchOptions options, IReadOnlyList<Uri> urls)
    {
        var clients = new List<HttpClient>();
        try
        {
            foreach (var url in urls)
            {
                // Each client runs one request at a time, so an instance never needs more connections than there are clients.
                var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.HttpClients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
                clients.Add(new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) });
            }
            return await RunAsync(options, clients, Name(options, urls.Count));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<RowResult> RunAsync(BenchOptions options, IReadOnlyList<HttpClient> instances, string name)
    {
        var first = instances[0];
        var products = await first.GetFromJsonAsync<List<Product>>("/api/products", Web) ?? [];
        var sku = products.OrderByDescending(p => p.Available).FirstOrDefault()?.Sku
            ?? throw new InvalidOperationException($"{first.BaseAddress} lists no products.");
        if (options.AdminKey is { } key)
        {
            using var restock = new HttpRequestMessage(HttpMethod.Post, $"/api/admin/inventory/{Uri.EscapeDataString(sku)}/restock")
            {
                Content = JsonContent.Create(new { quantity = Restock, reason = "Checkout.Bench http row" }),
            };
            restock.Headers.Add(AdminKeyHeader, key);
            using var restocked = await first.SendAsync(restock);
            if (!restocked.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Restocking {sku} answered {(int)restocked.StatusCode}: {await restocked.Content.ReadAsStringAsync()}");
            }
        }

        var failures = new Failures();
        var soldOut = 0;
        var n = 0L;
        var app = ServerProcesses.Find("app", instances.Select(i => i.BaseAddress!.Port));
        var metrics = new AppMetrics(instances, options.AdminKey);
        TimeSpan? appCpuBefore = null;
        RuntimeFigures? runtimeBefore = null;
        var result = await ClosedLoop.WarmThenMeasureAsync(options, options.HttpClients, async (worker, ct) =>
        {
            if (Volatile.Read(ref soldOut) == 1)
            {
                return Outcome.Exhausted;
            }
            var i = Interlocked.Increment(ref n);
            var outcome = await BuyOneAsync(instances[Instance(worker, instances)], sku, $"http{i}@example.com", failures, ct);
            if (outcome == Outcome.Exhausted)
            {
                Volatile.Write(ref soldOut, 1);
            }
            return outcome;
        }, measuring: async () =>
        {
            // Scraped outside the /proc reading: the scrapes' own work is not the phase's.
            runtimeBefore = await metrics.ReadAsync();
            appCpuBefore = app.CpuTime();
        });
        var appCpu = app.CpuTime() - appCpuBefore;
        var runtime = runtimeBefore is { } start && await metrics.ReadAsync() is { } end ? end.Since(start) : null;
        var note = failures.Summary ?? (soldOut == 1 ? $"{sku} sold out before the phase ended (give --admin-key to restock it first)" : null);
        var row = new RowResult(name, result)
        {
            AppCpuMicrosPerOp = result.PerOp(appCpu),
            AppRuntime = runtime,
            OverHttp = true,
            Shares = instances.Count > 1 ? Shares(instances, result.OpsByWorker) : null,
        };
        return row with { Note = Rows.Join(note, app.Missing, metrics.Missing, RuntimeNote(row, instances.Count)) };
    }

    /// <summary>The row's note on the instances' runtime figures, their processor time beside the one from /proc; null without them.</summary>
    private static string? RuntimeNote(RowResult row, int instances) => row.AppRuntime is { } app
        ? $"app from {AppMetrics.Path}: CPU {Report.Micros(row.AppCpuMicrosPerOpFromMetrics)} µs/op (from /proc {Report.Micros(row.AppCpuMicrosPerOp)}), " +
          $"alloc {row.AppAllocKbPerOp:N1} KB/op, GCs gen0/gen1/gen2 {string.Join('/', app.Collections)}, " +
          $"working set {row.AppWorkingSetMb:N0} MiB after the phase{(instances > 1 ? $" (all {instances} instances)" : "")}"
        : null;

    /// <summary>The instance a client sends its requests to: round-robin over them.</summary>
    private static int Instance(int worker, IReadOnlyList<HttpClient> instances) => worker % instances.Count;

    /// <summary>Each instance's orders in the measured phase (its clients'), and their percentage of all the row's.</summary>
    private static InstanceShare[] Shares(IReadOnlyList<HttpClient> instances, long[] ordersByClient)
    {
        var placed = new long[instances.Count];
        for (var worker = 0; worker < ordersByClient.Length; worker++)
        {
            placed[Instance(worker, instances)] += ordersByClient[worker];
        }
        var all = placed.Sum();
        return [.. instances.Select((instance, i) => new InstanceShare(instance.BaseAddress!, placed[i], all > 0 ? 100.0 * placed[i] / all : 0))];
    }

    private static async ValueTask<Outcome> BuyOneAsync(HttpClient http, string sku, string email, Failures failures, CancellationToken ct)
    {
        using var created = await http.PostAsync("/api/carts", content: null, ct);
        if (created.StatusCode != HttpStatusCode.Created)
        {
            return failures.Record($"POST /api/carts {(int)created.StatusCode}");
        }
        var cartId = (await created.Content.ReadFromJsonAsync<CartCreated>(Web, ct))!.CartId;

        using var line = await http.PutAsJsonAsync($"/api/carts/{cartId}/items/{Uri.EscapeDataString(sku)}", new { quantity = 1 }, Web, ct);
        if (!line.IsSuccessStatusCode)
        {
            return await OutOfStockAsync(line, ct) ? Outcome.Exhausted : failures.Record($"PUT item {(int)line.StatusCode}");
        }

        using var started = await http.PostAsJsonAsync("/api/checkouts", new { cartId, email, name = "Http Buyer", shippingAddress = TestAddresses.PortlandJson }, Web, ct);
        if (started.StatusCode != HttpStatusCode.Created)
        {
            return await OutOfStockAsync(started, ct) ? Outcome.Exhausted : failures.Record($"POST /api/checkouts {(int)started.StatusCode}");
        }
        var sessionId = (await started.Content.ReadFromJsonAsync<CheckoutStarted>(Web, ct))!.CheckoutSessionId;

        using var complete = new HttpRequestMessage(HttpMethod.Post, $"/api/checkouts/{sessionId}/complete")
        {
            Content = JsonContent.Create(new { cardNumber = Rows.Card, expiry = Rows.GoodCard.Expiry, cvc = Rows.GoodCard.Cvc }, options: Web),
        };
        complete.Headers.Add("Idempotency-Key", sessionId.ToString());
        using var placed = await http.SendAsync(complete, ct);
        if (placed.StatusCode != HttpStatusCode.Created)
        {
            return failures.Record($"POST complete {(int)placed.StatusCode}: {await placed.Content.ReadAsStringAsync(ct)}");
        }
        var order = (await placed.Content.ReadFromJsonAsync<PlacedOrder>(Web, ct))!;
        return order.Status == "CONFIRMED" ? Outcome.Ok : failures.Record($"order ended {order.Status}");
    }

    private static async Task<bool> OutOfStockAsync(HttpResponseMessage response, CancellationToken ct) =>
        response.StatusCode == HttpStatusCode.Conflict && (await response.Content.ReadAsStringAsync(ct)).Contains("out-of-stock", StringComparison.Ordinal);

    private sealed record Product(string Sku, int Available);

    private sealed record CartCreated(Guid CartId);

    private sealed record CheckoutStarted(Guid CheckoutSessionId);

    private sealed record PlacedOrder(Guid OrderId, string OrderNumber, string Status);
}
