using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Realtime;
using Checkout.Data.Webhooks;
using Checkout.Tests.Builders;
using Checkout.Tests.Webhooks;
using Checkout.Web.Api;
using Checkout.Web.Components.Pages.Admin;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace Checkout.Tests.Components.Admin;

/// <summary>The admin dashboard over a real shop: its figures, its invariants, its live refresh and the drill.</summary>
public class DashboardTests : BunitContext, IAsyncLifetime
{
    private TestShop? _shop;
    private BunitAuthorizationContext? _auth;
    private readonly TestHostEnvironment _environment = new();

    private TestShop Shop => _shop ?? throw new InvalidOperationException("The shop is created in InitializeAsync.");

    public async Task InitializeAsync()
    {
        // Webhook targets may be local: the flag tests' subscriptions point at sample warehouses on 127.0.0.1.
        _shop = await TestShop.CreateAsync(new Dictionary<string, string?> { ["Checkout:Webhooks:AllowLocalTargets"] = "true" });
        _auth = AddAuthorization();
        _auth.SetAuthorized(AdminEmail);
        _auth.SetRoles(StaffRoles.Admin);
        this.UseStorefrontDefaults(services =>
        {
            services.AddSingleton(Shop.Get<DashboardService>());
            services.AddSingleton(Shop.Get<InvariantsService>());
            services.AddSingleton(Shop.Get<LastUnitDrill>());
            services.AddSingleton(Shop.Get<WebhookAdminService>());
            services.AddSingleton(Shop.Get<CheckoutEvents>());
            // Live refreshes are throttled on the shop's fake clock: the tests move time, they do not wait for it.
            services.AddSingleton<TimeProvider>(Shop.Clock);
            services.AddSingleton<IWebHostEnvironment>(_environment);
        });
    }

    private const string AdminEmail = "admin@test.local";

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dashboard_ShowsTodaysFiguresOfTheShop()
    {
        var order = await Shop.PlaceConfirmedOrderAsync("DASH", quantity: 2);
        var declined = await Shop.OpenCheckoutAsync("declined@example.com", null, ("DASH", 1));
        await Shop.PlaceOrders.PlaceAsync(declined.CheckoutSessionId, Cards.Declined);
        await Shop.OpenCheckoutAsync("open@example.com", null, ("DASH", 1));

        var cut = Render<Dashboard>();

        await cut.WaitForAssertionAsync(() => Assert.Equal("1", Figure(cut, "orders-today")));
        Assert.Equal(Money.Format(order.TotalMinor, "USD"), Figure(cut, "revenue-today"));
        Assert.Equal("33.3 %", Figure(cut, "conversion"));
        Assert.Contains("1 of 3 checkouts completed", cut.Find("[data-testid=conversion]").TextContent, StringComparison.Ordinal);
        Assert.Equal("1", Figure(cut, "holds-active"));
        Assert.Equal("0", Figure(cut, "holds-expired"));
        Assert.Equal("1", Figure(cut, "payment-declines"));
        Assert.Equal("0", Figure(cut, "oversell-rejected"));
        Assert.Equal("Converted 1 · Expired 0 · Released 1", Normalize(cut.Find("[data-testid=hold-outcomes]").TextContent));
        Assert.All(cut.FindAll("[data-testid^=invariant-]"), check => Assert.Equal("true", check.GetAttribute("data-holds")));
        Assert.Equal(6, cut.FindAll("[data-testid^=invariant-]").Count);
        // Figures are paragraphs, not headings that would break the page's outline.
        Assert.All(cut.FindAll("[data-testid=value]"), value => Assert.Equal("P", value.TagName));
    }

    [Fact]
    public async Task EveryChart_IsAnImageNamedByItsSummary_WithItsValuesInATable()
    {
        var order = await Shop.PlaceConfirmedOrderAsync("DASH", quantity: 1);
        var thisHour = Shop.Clock.GetUtcNow().ToString("HH:00", System.Globalization.CultureInfo.InvariantCulture);

        var cut = Render<Dashboard>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(3, cut.FindAll("[role=img]").Count));
        var revenue = Money.Format(order.TotalMinor, "USD");
        Assert.Equal([
            $"Orders per hour, last 24 hours (UTC): 1 in all; highest 1 ({thisHour}).",
            $"Revenue per hour, last 24 hours (UTC): {revenue} in all; highest {revenue} ({thisHour}).",
            "Holds closed today: Converted 1, Expired 0, Released 0.",
        ], cut.FindAll("[role=img]").Select(chart => chart.GetAttribute("aria-label")));
        Assert.All(cut.FindAll("[role=img]"), chart => Assert.NotNull(chart.QuerySelector("svg")));
        var tables = cut.FindAll("table.visually-hidden");
        Assert.Equal(["Orders per hour, last 24 hours (UTC)", "Revenue per hour, last 24 hours (UTC)", "Holds closed today"],
            tables.Select(t => t.QuerySelector("caption")!.TextContent));
        var orders = tables[0].QuerySelectorAll("tbody tr");
        Assert.Equal(24, orders.Length);
        Assert.Equal([thisHour, "1"], Cells(orders[^1]));
        Assert.Equal([thisHour, revenue], Cells(tables[1].QuerySelectorAll("tbody tr")[^1]));
    }

    [Fact]
    public async Task AViolatedInvariant_TurnsRedAndLinksItsOffenders()
    {
        var order = await Shop.PlaceConfirmedOrderAsync("BROKEN", quantity: 1);
        await using (var db = await Shop.DbAsync())
        {
            // A unit that appeared from nowhere, and a delivered order that went back to PENDING.
            await db.Inventory.Where(i => i.Sku == "BROKEN").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity + 1));
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO order_status_changes (OrderId, \"From\", \"To\", At, Actor) VALUES ({order.OrderId}, 'Delivered', 'Pending', 0, 'test')");
        }

        var cut = Render<Dashboard>();

        await cut.WaitForAssertionAsync(() => Assert.Equal("false", cut.Find("[data-testid=invariant-oversold]").GetAttribute("data-holds")));
        var oversold = cut.Find("[data-testid=invariant-oversold]");
        Assert.Contains("mud-chip-color-error", oversold.QuerySelector(".mud-chip")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("1 violation", oversold.QuerySelector(".mud-chip")!.TextContent.Trim());
        Assert.Equal("/admin/inventory?sku=BROKEN", oversold.QuerySelector("[data-testid=offenders] a")!.GetAttribute("href"));
        var illegal = cut.Find("[data-testid=invariant-illegal-transitions]");
        Assert.Equal("false", illegal.GetAttribute("data-holds"));
        Assert.Equal($"/admin/orders/{order.OrderId}", illegal.QuerySelector("[data-testid=offenders] a")!.GetAttribute("href"));
        var holding = cut.Find("[data-testid=invariant-stale-holds]");
        Assert.Equal("true", holding.GetAttribute("data-holds"));
        Assert.Contains("mud-chip-color-success", holding.QuerySelector(".mud-chip")!.ClassName, StringComparison.Ordinal);
        Assert.Equal("0 violations", holding.QuerySelector(".mud-chip")!.TextContent.Trim());
        Assert.Null(holding.QuerySelector("[data-testid=offenders]"));
    }

    [Fact]
    public async Task AnOrderPlacedWhileTheDashboardIsOpen_ShowsUpWithinASecond()
    {
        await Shop.AddProductAsync("LIVE", stock: 5);
        var cut = Render<Dashboard>();
        await cut.WaitForAssertionAsync(() => Assert.Equal("0", Figure(cut, "orders-today")));

        var checkout = await Shop.OpenCheckoutAsync(lines: ("LIVE", 1));
        ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));

        // Throttled: nothing reloads until the second since the last load is over.
        Assert.Equal("0", Figure(cut, "orders-today"));
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        await cut.WaitForAssertionAsync(() => Assert.Equal("1", Figure(cut, "orders-today")));
        Assert.Equal("0", Figure(cut, "holds-active"));
    }

    [Fact]
    public async Task APublishedEvent_RefreshesTheInvariants()
    {
        await Shop.AddProductAsync("QUIET", stock: 5);
        var cut = Render<Dashboard>();
        await cut.WaitForAssertionAsync(() => Assert.Equal("true", cut.Find("[data-testid=invariant-oversold]").GetAttribute("data-holds")));
        // Lets the catch-up reload after subscribing run to its end, so that the next one waits for an event.
        var renders = cut.RenderCount;
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        await cut.WaitForAssertionAsync(() => Assert.True(cut.RenderCount > renders));
        await using (var db = await Shop.DbAsync())
        {
            await db.Inventory.Where(i => i.Sku == "QUIET").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 6));
        }
        Shop.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("true", cut.Find("[data-testid=invariant-oversold]").GetAttribute("data-holds"));

        await Shop.Get<CheckoutEvents>().PublishAsync(new StockChanged("QUIET", 6, 0));

        await cut.WaitForAssertionAsync(() => Assert.Equal("false", cut.Find("[data-testid=invariant-oversold]").GetAttribute("data-holds")));
        Assert.Equal("QUIET", cut.Find("[data-testid=invariant-oversold] [data-testid=offenders] a").TextContent);
    }

    [Fact]
    public async Task TheDrill_IsNotOfferedOutsideDevelopment()
    {
        _environment.EnvironmentName = "Production";

        var cut = Render<Dashboard>();

        await cut.WaitForElementAsync("[data-testid=invariants]");
        Assert.Empty(cut.FindAll("[data-testid=drill]"));
    }

    [Fact]
    public async Task TheDrill_IsNotOfferedToAUserWithoutTheAdminRole()
    {
        _environment.EnvironmentName = "Development";
        _auth!.SetRoles();

        var cut = Render<Dashboard>();

        await cut.WaitForElementAsync("[data-testid=invariants]");
        Assert.Empty(cut.FindAll("[data-testid=drill]"));
    }

    [Fact]
    public async Task TheDrill_InDevelopment_SellsTheUnitOnceAndShowsEveryInvariant()
    {
        _environment.EnvironmentName = "Development";
        var cut = Render<Dashboard>();
        var buyers = (await cut.WaitForElementAsync("[data-testid=drill]")).QuerySelectorAll("input")[1];
        Assert.Equal("50", buyers.GetAttribute("value"));
        await buyers.ChangeAsync(new() { Value = "8" });

        await cut.Find("[data-testid=run-drill]").ClickAsync(new());

        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=drill-result]")), TimeSpan.FromSeconds(30));
        Assert.Equal("1", cut.Find("[data-testid=drill-orders]").TextContent);
        Assert.Equal("7", cut.Find("[data-testid=drill-out-of-stock]").TextContent);
        Assert.StartsWith("Passed", cut.Find("[data-testid=drill-result]").TextContent.Trim(), StringComparison.Ordinal);
        var afterDrill = cut.Find("[data-testid=drill]").QuerySelectorAll("[data-testid^=invariant-]");
        Assert.Equal(6, afterDrill.Length);
        Assert.All(afterDrill, check => Assert.Equal("true", check.GetAttribute("data-holds")));
        Assert.False(cut.Find("[data-testid=run-drill]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task ASubscriptionFailingForLongerThanTheFlagAge_IsAWarningLinkingToTheWebhooksPage_AndAHealthyOneIsNot()
    {
        await using var down = await SampleWarehouse.StartAsync();
        await using var up = await SampleWarehouse.StartAsync();
        var failing = await SubscribeAsync("Warehouse", down);
        var healthy = await SubscribeAsync("Analytics", up);
        down.Down = true;
        await SendAnOrderAsync();
        // Failing, but not for a day yet: no flag.
        Shop.Clock.Advance(TimeSpan.FromHours(23));
        var early = Render<Dashboard>();
        await early.WaitForElementAsync("[data-testid=invariants]");
        Assert.Empty(early.FindAll("[data-testid=webhook-flag]"));

        Shop.Clock.Advance(TimeSpan.FromHours(1));
        var cut = Render<Dashboard>();

        var flag = await cut.WaitForElementAsync("[data-testid=webhook-flag]");
        Assert.Single(cut.FindAll("[data-testid=webhook-flag]"));
        Assert.Equal(failing.ToString(), flag.GetAttribute("data-subscription"));
        Assert.Contains($"Every webhook to Warehouse ({down.Url}) has failed since 2026-03-01 12:00 UTC", Normalize(flag.TextContent), StringComparison.Ordinal);
        Assert.Equal("/admin/webhooks", flag.QuerySelector("a")!.GetAttribute("href"));
        Assert.DoesNotContain(cut.FindAll("[data-testid=webhook-flag]"), f => f.GetAttribute("data-subscription") == healthy.ToString());
        Assert.Single(up.Processed);
    }

    [Fact]
    public async Task AFlaggedSubscription_IsNotShownToSupport()
    {
        await using var down = await SampleWarehouse.StartAsync();
        await SubscribeAsync("Warehouse", down);
        down.Down = true;
        await SendAnOrderAsync();
        Shop.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Single(await Shop.Get<WebhookAdminService>().FlaggedAsync());
        _auth!.SetRoles(StaffRoles.Support);

        var cut = Render<Dashboard>();

        await cut.WaitForElementAsync("[data-testid=invariants]");
        Assert.Empty(cut.FindAll("[data-testid=webhook-flag]"));
    }

    /// <summary>Places an order and sends its confirmation to every subscription once, as the outbox and the sender would.</summary>
    private async Task SendAnOrderAsync()
    {
        await Shop.PlaceConfirmedOrderAsync("FLAG", quantity: 1);
        var fanOut = Shop.DispatcherFor(Shop.Get<WebhookFanOut>());
        while (await fanOut.DispatchOnceAsync() > 0)
        {
        }
        await Shop.Get<WebhookSender>().SendOnceAsync();
    }

    /// <summary>A subscription to every event, whose secret the warehouse checks on the shop's clock.</summary>
    private async Task<Guid> SubscribeAsync(string name, SampleWarehouse warehouse)
    {
        var created = ResultAssert.Success(await Shop.Get<WebhookAdminService>().CreateAsync(
            new WebhookSubscriptionInput(name, warehouse.Url, WebhookEvents.All), AdminEmail));
        (warehouse.Secrets, warehouse.Clock) = ([created.Secret], Shop.Clock);
        return created.Subscription.Id;
    }

    private static string Figure(IRenderedComponent<Dashboard> cut, string testId) =>
        cut.Find($"[data-testid={testId}] [data-testid=value]").TextContent.Trim();

    private static string[] Cells(IElement row) => [.. row.Children.Select(cell => cell.TextContent.Trim())];

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private sealed class TestHostEnvironment : IWebHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Test";
        public string ApplicationName { get; set; } = "Checkout.Web";
        public string WebRootPath { get; set; } = "";
        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
