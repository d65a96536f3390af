using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Security;
using Checkout.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// The app on its embedded SQLite file, killed (SIGKILL) while its writer confirms orders for a crowd of buyers:
/// opened again, the file has every order whose confirmation a buyer received, and nothing half-written — every order
/// has its lines, every step its rows (a payment once authorized, a capture and an outbox message once confirmed),
/// and not a unit of stock appeared or vanished.
/// </summary>
public class WriterCrashTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task App_KilledWhileConfirmingOrders_KeepsEveryConfirmedOrder_AndLeavesNothingHalfWritten()
    {
        var folder = Path.Combine(Path.GetTempPath(), "checkout-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "shop.db");
        var port = FreePort();
        using var app = StartApp(folder, file, port);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilAnsweringAsync(http, app);
            var sku = (await http.GetFromJsonAsync<Product[]>("/api/products", Web))!.MaxBy(p => p.Available)!.Sku;
            var unitsBefore = await UnitsAsync(file);

            var confirmed = new ConcurrentBag<Guid>();
            using var stop = new CancellationTokenSource();
            var buyers = Enumerable.Range(0, 16).Select(i => BuyUntilStoppedAsync(http, sku, i, confirmed, stop.Token)).ToList();
            var deadline = Stopwatch.StartNew();
            while (confirmed.Count < 40 && deadline.Elapsed < TimeSpan.FromSeconds(60) && !app.HasExited)
            {
                await Task.Delay(20);
            }
            app.Kill();
            await app.WaitForExitAsync();
            await stop.CancelAsync();
            await Task.WhenAll(buyers);

            Assert.True(confirmed.Count >= 40, $"only {confirmed.Count} orders were confirmed before the kill");
            await using var db = Open(file);
            var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).ToListAsync();
            var payments = await db.Payments.AsNoTracking().ToDictionaryAsync(p => p.OrderId);
            var outbox = (await db.OutboxMessages.AsNoTracking().Select(m => m.AggregateId).ToListAsync()).ToHashSet();
            Assert.All(confirmed, id => Assert.Equal(OrderStatus.Confirmed, Assert.Single(orders, o => o.Id == id).Status));
            Assert.All(orders, order =>
            {
                Assert.NotEmpty(order.Lines);
                switch (order.Status)
                {
                    case OrderStatus.Pending:
                        Assert.False(payments.ContainsKey(order.Id), $"pending order {order.Number} has a payment");
                        break;
                    case OrderStatus.PaymentAuthorized:
                        Assert.Equal(PaymentStatus.Authorized, payments[order.Id].Status);
                        Assert.DoesNotContain(order.Id, outbox);
                        break;
                    case OrderStatus.Confirmed:
                        Assert.Equal(PaymentStatus.Captured, payments[order.Id].Status);
                        Assert.Contains(order.Id, outbox);
                        break;
                }
            });
            Assert.Equal(unitsBefore, await UnitsAsync(file));
        }
        finally
        {
            if (!app.HasExited)
            {
                app.Kill();
            }
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Buys one unit after another (cart, line, checkout, payment) until stopped; records each confirmed order.</summary>
    private static async Task BuyUntilStoppedAsync(HttpClient http, string sku, int buyer, ConcurrentBag<Guid> confirmed, CancellationToken ct)
    {
        for (var n = 0; !ct.IsCancellationRequested; n++)
        {
            try
            {
                using var created = await http.PostAsync("/api/carts", content: null, ct);
                var cartId = (await created.Content.ReadFromJsonAsync<CartCreated>(Web, ct))!.CartId;
                using var line = await http.PutAsJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 1 }, Web, ct);
                using var started = await http.PostAsJsonAsync(
                    "/api/checkouts", new { cartId, email = $"crash{buyer}-{n}@example.com", name = "Crash Buyer", shippingAddress = TestAddresses.PortlandJson }, Web, ct);
                var sessionId = (await started.Content.ReadFromJsonAsync<CheckoutStarted>(Web, ct))!.CheckoutSessionId;
                using var complete = new HttpRequestMessage(HttpMethod.Post, $"/api/checkouts/{sessionId}/complete")
                {
                    Content = JsonContent.Create(Cards.Approved, options: Web),
                };
                complete.Headers.Add("Idempotency-Key", sessionId.ToString());
                using var placed = await http.SendAsync(complete, ct);
                if (placed.StatusCode == HttpStatusCode.Created && (await placed.Content.ReadFromJsonAsync<PlacedOrder>(Web, ct))! is { Status: "CONFIRMED" } order)
                {
                    confirmed.Add(order.OrderId);
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException)
            {
                // The app went down under this request: its answer never came, so it promised nothing.
                return;
            }
        }
    }

    /// <summary>The units of every SKU wherever they are: available, held or sold.</summary>
    private static async Task<long> UnitsAsync(string file)
    {
        await using var db = Open(file);
        return await db.Inventory.SumAsync(i => (long)i.Quantity + i.Reserved + i.Sold);
    }

    private static SqliteCheckoutDbContext Open(string file) =>
        new(new DbContextOptionsBuilder<SqliteCheckoutDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options);

    /// <summary>The app as built beside these tests (same configuration), on its own SQLite file and port.</summary>
    private static Process StartApp(string folder, string file, int port)
    {
        var tests = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var root = tests.Parent!.Parent!.Parent!.Parent!.FullName;
        var web = Path.Combine(root, "Checkout.Web", "bin", tests.Parent.Name, tests.Name, "Checkout.Web.dll");
        Assert.True(File.Exists(web), $"the app is not built at {web}");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        start.ArgumentList.Add(web);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(root, "Checkout.Web"));
        foreach (var limit in TestRateLimits.Limits)
        {
            start.ArgumentList.Add($"--{RateLimitOptions.Section}:{limit}:{nameof(WindowLimit.PermitLimit)}=1000000");
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ConnectionStrings__Checkout"] = $"Data Source={file}";
        var app = Process.Start(start)!;
        app.OutputDataReceived += (_, _) => { };
        app.ErrorDataReceived += (_, _) => { };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        return app;
    }

    private static async Task WaitUntilAnsweringAsync(HttpClient http, Process app)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(app.HasExited, "the app stopped while starting");
            try
            {
                using var health = await http.GetAsync("/api/products");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        Assert.Fail("the app did not answer within a minute");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Product(string Sku, int Available);

    private sealed record CartCreated(Guid CartId);

    private sealed record CheckoutStarted(Guid CheckoutSessionId);

    private sealed record PlacedOrder(Guid OrderId, string Status);
}
