using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Webhooks;
using Checkout.Tests.Builders;
using Checkout.Tests.Webhooks;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebhooksPage = Checkout.Web.Components.Pages.Admin.Webhooks;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The webhooks page over a real shop and a real receiver: the subscriptions with their state, a secret shown once after
/// it is minted, refusals under their fields, test events with what the partner answered, and the delivery log with
/// its redeliveries.
/// </summary>
public class WebhooksPageTests : AdminTestContext
{
    private const string Nowhere = "http://127.0.0.1:9/events";

    private WebhookAdminService Subscriptions => Shop.Get<WebhookAdminService>();

    protected override IDictionary<string, string?> ShopSettings => new Dictionary<string, string?> { ["Checkout:Webhooks:AllowLocalTargets"] = "true" };

    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(Shop.Get<WebhookAdminService>());
        services.AddSingleton(Shop.Get<WebhookSender>());
    }

    [Fact]
    public async Task ListsEverySubscription_WithItsTargetEventsAndState()
    {
        var receiving = await CreateAsync("Warehouse", Nowhere, WebhookEvents.OrderConfirmed, WebhookEvents.OrderCancelled);
        var disabled = await CreateAsync("Analytics", Nowhere);
        ResultAssert.Success(await Subscriptions.ChangeAsync(disabled.Id, new WebhookSubscriptionInput("Analytics", Nowhere, WebhookEvents.All, Enabled: false), AdminName));
        var failing = await CreateAsync("Marketplace", Nowhere);
        await using (var db = await Shop.DbAsync())
        {
            await db.WebhookSubscriptions.Where(s => s.Id == failing.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.FailingSince, Shop.Clock.GetUtcNow().AddDays(-2)));
        }

        var cut = RenderAdmin<WebhooksPage>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(3, cut.FindAll("[data-testid=subscription]").Count));
        Assert.Equal(["Warehouse", "Analytics", "Marketplace"], cut.FindAll("[data-testid=subscription] [data-testid=name]").Select(n => n.TextContent.Trim()));
        var warehouse = Subscription(cut, receiving.Id);
        Assert.Equal((Nowhere, "order.confirmed, order.cancelled", "Receiving"), (Cell(warehouse, "url"), Cell(warehouse, "events"), Cell(warehouse, "state")));
        Assert.Empty(warehouse.QuerySelectorAll("[data-testid=failing-since]"));
        Assert.Equal("Disabled: sent nothing", Cell(Subscription(cut, disabled.Id), "state"));
        Assert.NotNull(Subscription(cut, disabled.Id).QuerySelector("[data-testid=enable]"));
        var marketplace = Subscription(cut, failing.Id);
        Assert.Equal("Failing for too long", Cell(marketplace, "state"));
        Assert.Equal("Every attempt has failed since 2026-02-27 12:00 UTC.", Cell(marketplace, "failing-since"));
        Assert.Empty(cut.FindAll("[data-testid=secret]"));
    }

    [Fact]
    public async Task ANewSubscription_ShowsItsSecretOnce()
    {
        var cut = RenderAdmin<WebhooksPage>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=no-subscriptions]")));
        await cut.Find("[data-testid=new-subscription]").PressAsync();

        await Field(cut, "name").SetAsync("Warehouse");
        await Field(cut, "url").SetAsync(Nowhere);
        foreach (var unwanted in WebhookEvents.All.Except([WebhookEvents.OrderConfirmed, WebhookEvents.OrderShipped]))
        {
            await cut.Find($"[data-testid='event-{unwanted}'] input").ChangeAsync(new ChangeEventArgs { Value = false });
        }
        await cut.Find("[data-testid=save-subscription]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=subscription]")));
        var created = Assert.Single(await Subscriptions.ListAsync());
        Assert.Equal(("Warehouse", Nowhere), (created.Name, created.Url));
        Assert.Equal([WebhookEvents.OrderConfirmed, WebhookEvents.OrderShipped], created.Events);
        var secret = cut.Find("[data-testid=secret-value]").TextContent.Trim();
        Assert.Contains("it is not shown again", cut.Find("[data-testid=secret]").TextContent, StringComparison.Ordinal);
        Assert.Equal([secret], await SigningSecretsAsync(created.Id));
        Assert.Equal("Saved the subscription Warehouse.", cut.Find("[data-testid=webhooks-message]").TextContent.Trim());

        // The next action shows it no more, and nothing reads it again.
        await Subscription(cut, created.Id).QuerySelector("[data-testid=disable]")!.PressAsync();
        await cut.WaitForAssertionAsync(() => Assert.Equal("Disabled: sent nothing", Cell(Subscription(cut, created.Id), "state")));
        Assert.Empty(cut.FindAll("[data-testid=secret]"));
        Assert.DoesNotContain(secret, cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASubscriptionWithBadInput_ShowsEachFieldsMessage()
    {
        var cut = RenderAdmin<WebhooksPage>();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=no-subscriptions]")));
        await cut.Find("[data-testid=new-subscription]").PressAsync();

        await Field(cut, "url").SetAsync("ftp://warehouse.example/events");
        foreach (var webhookEvent in WebhookEvents.All)
        {
            await cut.Find($"[data-testid='event-{webhookEvent}'] input").ChangeAsync(new ChangeEventArgs { Value = false });
        }
        await cut.Find("[data-testid=save-subscription]").PressAsync();

        Assert.Equal(["A name is 1–100 printable characters."], Errors(cut, "name"));
        Assert.Equal(["The target is an absolute http(s) URL of at most 500 characters, without credentials."], Errors(cut, "url"));
        Assert.StartsWith("Choose at least one event of:", cut.Find("[data-testid=field-events] [data-testid=field-error]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(await Subscriptions.ListAsync());
    }

    [Fact]
    public async Task RotatingTheSecret_ShowsTheNewOneOnce_AndWhenTheOldOneStopsSigning()
    {
        var created = await CreateAsync("Warehouse", Nowhere);
        var cut = RenderAdmin<WebhooksPage>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=subscription]")));

        await Subscription(cut, created.Id).QuerySelector("[data-testid=rotate]")!.PressAsync();

        var secret = (await cut.WaitForElementAsync("[data-testid=secret-value]")).TextContent.Trim();
        Assert.Contains("keeps signing beside it until 2026-03-02 12:00 UTC", cut.Find("[data-testid=secret]").TextContent, StringComparison.Ordinal);
        Assert.Equal(secret, (await SigningSecretsAsync(created.Id))[0]);
        Assert.Equal(2, (await SigningSecretsAsync(created.Id)).Count);
    }

    [Fact]
    public async Task SendTestEvent_ShowsWhatTheWarehouseAnswered()
    {
        await using var warehouse = await SampleWarehouse.StartAsync();
        var created = await CreateAsync("Warehouse", warehouse.Url);
        (warehouse.Secrets, warehouse.Clock) = ([(await SigningSecretsAsync(created.Id))[0]], Shop.Clock);
        var cut = RenderAdmin<WebhooksPage>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=subscription]")));

        await Subscription(cut, created.Id).QuerySelector("[data-testid=send-test]")!.PressAsync();

        var result = await cut.WaitForElementAsync("[data-testid=test-result]");
        Assert.Equal("200", Cell(result, "test-status"));
        Assert.Contains("received", Cell(result, "test-excerpt"), StringComparison.Ordinal);
        Assert.Null(result.QuerySelector("[data-testid=test-error]"));
        Assert.Equal(WebhookEvents.Test, Assert.Single(warehouse.Events).GetProperty("type").GetString());

        warehouse.FailRate = 1;
        await Subscription(cut, created.Id).QuerySelector("[data-testid=send-test]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("500", Cell(cut.Find("[data-testid=test-result]"), "test-status")));
        Assert.Equal("The partner answered 500.", Cell(cut.Find("[data-testid=test-result]"), "test-error"));
        Assert.Contains("mud-alert-text-error", cut.Find("[data-testid=test-result]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDeliveryLog_ShowsEachAttempt_FiltersTheFailed_AndRedeliversThem()
    {
        await using var warehouse = await SampleWarehouse.StartAsync();
        var created = await CreateAsync("Warehouse", warehouse.Url, WebhookEvents.OrderConfirmed);
        (warehouse.Secrets, warehouse.Clock, warehouse.Down) = ([(await SigningSecretsAsync(created.Id))[0]], Shop.Clock, true);
        var failedOrder = await Shop.PlaceConfirmedOrderAsync("FIRST");
        await PrepareAsync();
        await Shop.Get<WebhookSender>().SendOnceAsync();
        warehouse.Down = false;
        var deliveredOrder = await Shop.PlaceConfirmedOrderAsync("SECOND");
        await PrepareAsync();
        // The first order's delivery still waits for its backoff: only the second one's is sent.
        await Shop.Get<WebhookSender>().SendOnceAsync();
        var cut = RenderAdmin<WebhooksPage>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=subscription]")));

        await Subscription(cut, created.Id).QuerySelector("[data-testid=show-deliveries]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=delivery]").Count));
        var failed = Delivery(cut, failedOrder.OrderId);
        Assert.Equal(("Failing", "503", "0 ms", "The partner answered 503."),
            (Cell(failed, "delivery-state"), Cell(failed, "attempt-status"), Cell(failed, "attempt-latency"), Cell(failed, "attempt-answer")));
        Assert.NotNull(failed.QuerySelector("[data-testid=redeliver]"));
        var delivered = Delivery(cut, deliveredOrder.OrderId);
        Assert.Equal(("Delivered", "200"), (Cell(delivered, "delivery-state"), Cell(delivered, "attempt-status")));
        Assert.Contains("received", Cell(delivered, "attempt-answer"), StringComparison.Ordinal);
        Assert.Null(delivered.QuerySelector("[data-testid=redeliver]"));

        await cut.Find("[data-testid=failed-only] input").ChangeAsync(new ChangeEventArgs { Value = true });

        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=delivery]")));
        await Delivery(cut, failedOrder.OrderId).QuerySelector("[data-testid=redeliver]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(
            "1 delivery is due now: the sender attempts it within moments.", cut.Find("[data-testid=webhooks-message]").TextContent.Trim()));
        Assert.Equal(1, await Shop.Get<WebhookSender>().SendOnceAsync());
        await cut.Find("[data-testid=redeliver-all]").PressAsync();
        await cut.WaitForAssertionAsync(() => Assert.Equal("No delivery is failing.", cut.Find("[data-testid=no-deliveries]").TextContent.Trim()));
        Assert.Equal("No delivery is failing: there is nothing to redeliver.", cut.Find("[data-testid=webhooks-message]").TextContent.Trim());
        Assert.Equal(2, warehouse.Processed.Count);
    }

    private async Task<WebhookSubscriptionView> CreateAsync(string name, string url, params string[] events) =>
        ResultAssert.Success(await Subscriptions.CreateAsync(new WebhookSubscriptionInput(name, url, events.Length == 0 ? WebhookEvents.All : events), AdminName)).Subscription;

    /// <summary>The secrets that sign for the subscription now, current first, as the sender uses them.</summary>
    private async Task<IReadOnlyList<string>> SigningSecretsAsync(Guid subscriptionId)
    {
        await using var db = await Shop.DbAsync();
        return Shop.Get<WebhookSecrets>().Signing(await db.WebhookSubscriptions.AsNoTracking().SingleAsync(s => s.Id == subscriptionId), Shop.Clock.GetUtcNow());
    }

    /// <summary>Runs the outbox until every announcement is prepared as webhook events.</summary>
    private async Task PrepareAsync()
    {
        var dispatcher = Shop.DispatcherFor(Shop.Get<WebhookFanOut>());
        while (await dispatcher.DispatchOnceAsync() > 0)
        {
        }
    }

    private static IElement Subscription(IRenderedComponent<AdminHost> cut, Guid id) => cut.Find($"[data-testid=subscription][data-subscription='{id}']");

    private static IElement Delivery(IRenderedComponent<AdminHost> cut, Guid orderId) =>
        cut.FindAll("[data-testid=delivery]").Single(row => row.TextContent.Contains(orderId.ToString(), StringComparison.Ordinal));

    private static string Cell(IElement element, string testId) => element.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    private static IElement Field(IRenderedComponent<AdminHost> cut, string field) => cut.Find($"[data-testid=subscription-form] [data-testid=field-{field}] input");

    private static string[] Errors(IRenderedComponent<AdminHost> cut, string field) =>
        [.. cut.FindAll($"[data-testid=subscription-form] [data-testid=field-{field}] .mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim())];
}
