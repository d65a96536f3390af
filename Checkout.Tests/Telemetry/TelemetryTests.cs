using System.Diagnostics;
using Checkout.Tests.Api;
using Checkout.Web.Api;
using Checkout.Web.Telemetry;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Checkout.Tests.Telemetry;

/// <summary>
/// What operators see: the built-in meters on <c>/metrics</c> beside the shop's own, and with tracing on, one trace per
/// request, and one trace per checkout across its requests, in which its use cases and steps are spans, the database
/// calls nest under the steps, and the logs written meanwhile carry the trace's id.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task Metrics_ExportRequestsKestrelTheRuntimeAndTheShopsOwnInstruments()
    {
        await using var app = new ApiFactory();
        using var shopper = app.Shopper();
        await shopper.ConfirmedOrderAsync(("COF-KETTLE", 1));
        using var script = app.CreateClient();
        script.DefaultRequestHeaders.Add(AdminApiKeyHandler.Header, ApiFactory.AdminKey);

        var scraped = await script.GetStringAsync(TelemetrySetup.MetricsPath);

        Assert.Contains("http_server_request_duration_seconds_bucket{", scraped, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/api/checkouts/{checkoutSessionId:guid}/complete\"", scraped, StringComparison.Ordinal);
        Assert.Contains("kestrel_active_connections", scraped, StringComparison.Ordinal);
        Assert.Contains("dotnet_process_cpu_time_seconds_total", scraped, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_heap_total_allocated_bytes_total", scraped, StringComparison.Ordinal);
        Assert.Contains("dotnet_thread_pool_thread_count_total", scraped, StringComparison.Ordinal);
        Assert.Contains("checkout_orders_confirmed_total", scraped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACheckout_IsOneTraceStepByStep_WithItsDatabaseCallsUnderTheSteps_AndItsLogsCarryTheTraceId()
    {
        var spans = new List<Activity>();
        var logs = new List<LogRecord>();
        await using var app = new ApiFactory(web => web
            .UseSetting(TelemetrySetup.TracingKey, "true")
            .UseSetting("Logging:LogLevel:Checkout.Data", "Information")
            .ConfigureServices(services => services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(logs))));
        using var shopper = app.Shopper();

        var checkout = await shopper.OpenCheckoutAsync(("COF-KETTLE", 1));
        var placed = await shopper.PayAsync(checkout.CheckoutSessionId);

        // Other tests in this process trace too: this checkout's spans are those of its session and their children.
        // A request's own span ends just after its answer is sent: wait for the payment's.
        bool Ours(Activity span, string name) => span.OperationName == name && Equals(span.GetTagItem("checkout.session_id"), checkout.CheckoutSessionId);
        var finished = await FinishedAsync(spans, all => all.FirstOrDefault(s => Ours(s, "checkout.place")) is { } place
            && all.Any(s => place.Links.Any(l => l.Context.SpanId == s.SpanId)));
        var start = Assert.Single(finished, s => Ours(s, "checkout.start"));
        Assert.Equal(["checkout.validate", "checkout.hold", "checkout.place"], ChildrenOf(finished, start));
        Assert.Equal(ActivityKind.Server, ParentOf(finished, start)?.Kind);

        // The payment is another request, and the same trace: its span continues the start's and links its request.
        var place = Assert.Single(finished, s => Ours(s, "checkout.place"));
        Assert.Equal((start.TraceId, start.SpanId), (place.TraceId, place.ParentSpanId));
        var request = Assert.Single(finished, s => s.SpanId == Assert.Single(place.Links).Context.SpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.EndsWith("/complete", request.GetTagItem("http.route") as string, StringComparison.Ordinal);
        Assert.NotEqual(start.TraceId, request.TraceId);
        Assert.Equal(["checkout.open", "payment.authorize", "payment.capture", "order.confirm", "order.publish"], ChildrenOf(finished, place));
        var confirm = Assert.Single(finished, s => s.OperationName == "order.confirm" && s.ParentSpanId == place.SpanId);
        Assert.Contains(finished, s => s.ParentSpanId == confirm.SpanId && s.Kind == ActivityKind.Client
            && (s.GetTagItem("db.query.text") ?? s.GetTagItem("db.statement")) is string sql && sql.Contains("outbox_messages", StringComparison.Ordinal));

        var confirmed = Assert.Single(logs, l => l.FormattedMessage?.Contains($"Order {placed.OrderNumber} confirmed", StringComparison.Ordinal) == true);
        Assert.Equal(place.TraceId, confirmed.TraceId);
    }

    private static async Task<Activity[]> FinishedAsync(List<Activity> spans, Func<Activity[], bool> done)
    {
        for (var waited = 0; ; waited += 50)
        {
            Activity[] finished;
            lock (spans)
            {
                finished = [.. spans];
            }
            if (done(finished) || waited >= 5_000)
            {
                return finished;
            }
            await Task.Delay(50);
        }
    }

    private static Activity? ParentOf(IEnumerable<Activity> spans, Activity span) => spans.FirstOrDefault(s => s.SpanId == span.ParentSpanId);

    private static string[] ChildrenOf(IEnumerable<Activity> spans, Activity parent) =>
        [.. spans.Where(s => s.ParentSpanId == parent.SpanId && s.Source.Name == parent.Source.Name).OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName)];
}
