using System.Net;
using System.Text.Json;
using Checkout.Data.Fulfillment;
using Checkout.Data.Webhooks;
using Checkout.Tests.Api;
using Checkout.Tests.Builders;
using Checkout.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Webhooks;

/// <summary>The API tests' shop, with local webhook targets allowed so that its subscriptions reach a <see cref="SampleWarehouse"/>.</summary>
public sealed class WebhookShop() : SharedApiShop(web => web.UseSetting("Checkout:Webhooks:AllowLocalTargets", "true"));

/// <summary>
/// The admin API of webhook subscriptions: the secret answered once and never read again, changes and refusals field by
/// field, the rotation's overlap, test events to a real receiver, and the delivery log with its redeliveries.
/// </summary>
public class WebhookAdminApiTests(WebhookShop shop) : IClassFixture<WebhookShop>
{
    private const string Path = "/api/admin/webhooks";

    [Fact]
    public async Task Create_AnswersTheSecretOnce_AndNoReadShowsIt()
    {
        var response = await shop.Admin.PostAsync(Path, new { name = "Warehouse", url = "http://127.0.0.1:9/events", events = new[] { WebhookEvents.OrderShipped, WebhookEvents.OrderConfirmed } });
        var created = await ApiClient.ReadAsync<WebhookSecretView>(response, HttpStatusCode.Created);

        var id = created.Subscription.Id;
        Assert.Equal($"{Path}/{id}", response.Headers.Location?.OriginalString);
        Assert.StartsWith("whsec_", created.Secret, StringComparison.Ordinal);
        Assert.Equal(("Warehouse", "http://127.0.0.1:9/events", true, false), (created.Subscription.Name, created.Subscription.Url, created.Subscription.Enabled, created.Subscription.Flagged));
        // Stored in the order an order goes through them.
        Assert.Equal([WebhookEvents.OrderConfirmed, WebhookEvents.OrderShipped], created.Subscription.Events);
        var list = await (await shop.Admin.GetAsync(Path)).Content.ReadAsStringAsync();
        var one = await shop.Admin.GetAsync($"{Path}/{id}");
        Assert.Contains(id.ToString(), list, StringComparison.Ordinal);
        AssertSame(created.Subscription, await ApiClient.ReadAsync<WebhookSubscriptionView>(one, HttpStatusCode.OK));
        Assert.DoesNotContain(created.Secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(created.Secret, await one.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Change_RenamesRetargetsAndDisables()
    {
        var created = await CreateAsync("http://127.0.0.1:9/events");

        var changed = await ApiClient.ReadAsync<WebhookSubscriptionView>(
            await shop.Admin.PutAsync($"{Path}/{created.Subscription.Id}", new { name = "Analytics", url = "http://127.0.0.1:9/other", events = new[] { WebhookEvents.OrderRefunded }, enabled = false }),
            HttpStatusCode.OK);

        Assert.Equal(("Analytics", "http://127.0.0.1:9/other", false), (changed.Name, changed.Url, changed.Enabled));
        Assert.Equal([WebhookEvents.OrderRefunded], changed.Events);
        AssertSame(changed, await ApiClient.ReadAsync<WebhookSubscriptionView>(await shop.Admin.GetAsync($"{Path}/{created.Subscription.Id}"), HttpStatusCode.OK));
        await using var db = await shop.Api.DbAsync();
        Assert.Equal("api-key", (await db.AuditEntries.SingleAsync(a => a.Action == "webhook.changed" && a.SubjectId == created.Subscription.Id.ToString())).Actor);
    }

    [Fact]
    public async Task BadInput_Is422_WithEachFieldsMessage_AndChangesNothing()
    {
        var created = await CreateAsync("http://127.0.0.1:9/events");
        var bad = new { name = " ", url = "ftp://warehouse.example/events", events = new[] { "order.teleported" } };
        var before = await shop.Api.CountAsync(db => db.WebhookSubscriptions);

        var create = await ProblemAssert.IsAsync(await shop.Admin.PostAsync(Path, bad), HttpStatusCode.UnprocessableEntity, "validation");
        var change = await ProblemAssert.IsAsync(await shop.Admin.PutAsync($"{Path}/{created.Subscription.Id}", bad), HttpStatusCode.UnprocessableEntity, "validation");
        var noEvents = await ProblemAssert.IsAsync(
            await shop.Admin.PostAsync(Path, new { name = "Warehouse", url = "http://127.0.0.1:9/events", events = Array.Empty<string>() }), HttpStatusCode.UnprocessableEntity, "validation");

        foreach (var problem in new[] { create, change })
        {
            Assert.Equal(["events", "name", "url"], problem.GetProperty("errors").EnumerateObject().Select(f => f.Name).Order(StringComparer.Ordinal));
            Assert.Equal("The target is an absolute http(s) URL of at most 500 characters, without credentials.", problem.GetProperty("errors").GetProperty("url")[0].GetString());
            Assert.StartsWith("Choose at least one event of: order.confirmed", problem.GetProperty("errors").GetProperty("events")[0].GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(["events"], noEvents.GetProperty("errors").EnumerateObject().Select(f => f.Name));
        Assert.Equal(before, await shop.Api.CountAsync(db => db.WebhookSubscriptions));
        AssertSame(created.Subscription, await ApiClient.ReadAsync<WebhookSubscriptionView>(await shop.Admin.GetAsync($"{Path}/{created.Subscription.Id}"), HttpStatusCode.OK));
    }

    [Fact]
    public async Task AnUnknownSubscriptionOrEvent_IsNotFound()
    {
        var unknown = $"{Path}/{Guid.NewGuid()}";
        var created = await CreateAsync("http://127.0.0.1:9/events");
        var body = new { name = "Warehouse", url = "http://127.0.0.1:9/events", events = WebhookEvents.All };

        HttpResponseMessage[] responses =
        [
            await shop.Admin.GetAsync(unknown),
            await shop.Admin.PutAsync(unknown, body),
            await shop.Admin.PostAsync($"{unknown}/rotate-secret"),
            await shop.Admin.PostAsync($"{unknown}/test"),
            await shop.Admin.GetAsync($"{unknown}/deliveries"),
            await shop.Admin.PostAsync($"{unknown}/deliveries/redeliver"),
            await shop.Admin.PostAsync($"{unknown}/deliveries/{Guid.NewGuid()}/redeliver"),
            await shop.Admin.PostAsync($"{Path}/{created.Subscription.Id}/deliveries/{Guid.NewGuid()}/redeliver"),
        ];

        foreach (var response in responses)
        {
            await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not-found");
        }
    }

    [Fact]
    public async Task SendTest_ToTheSampleWarehouse_IsVerifiedAndReceivedAsAWebhookTest()
    {
        await using var warehouse = await SampleWarehouse.StartAsync();
        var created = await CreateAsync(warehouse.Url);
        (warehouse.Secrets, warehouse.Clock) = ([created.Secret], shop.Api.Clock);

        var attempt = await ApiClient.ReadAsync<WebhookAttemptView>(await shop.Admin.PostAsync($"{Path}/{created.Subscription.Id}/test"), HttpStatusCode.OK);

        Assert.Equal((200, true, null), (attempt.StatusCode, attempt.Succeeded, attempt.Error));
        Assert.Equal(shop.Api.Clock.GetUtcNow(), attempt.At);
        Assert.True(attempt.LatencyMs >= 0);
        Assert.Equal(0, warehouse.Refused);
        var received = Assert.Single(warehouse.Events);
        Assert.Equal(WebhookEvents.Test, received.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, received.GetProperty("order").ValueKind);
        Assert.Contains(received.GetProperty("id").GetGuid().ToString(), attempt.Excerpt, StringComparison.Ordinal);
        // A test is no delivery: the log stays empty.
        Assert.Empty(await DeliveriesAsync(created.Subscription.Id));
    }

    [Fact]
    public async Task SendTest_ToAWarehouseAnswering500_ShowsTheStatus()
    {
        await using var warehouse = await SampleWarehouse.StartAsync();
        var created = await CreateAsync(warehouse.Url);
        (warehouse.Secrets, warehouse.Clock, warehouse.FailRate) = ([created.Secret], shop.Api.Clock, 1);

        var attempt = await ApiClient.ReadAsync<WebhookAttemptView>(await shop.Admin.PostAsync($"{Path}/{created.Subscription.Id}/test"), HttpStatusCode.OK);

        Assert.Equal((500, false, "The partner answered 500."), (attempt.StatusCode, attempt.Succeeded, attempt.Error));
        Assert.Equal(1, warehouse.Requests);
        Assert.Empty(warehouse.Events);
    }

    [Fact]
    public async Task RotateSecret_AnswersTheNewSecretOnce_AndBothSignDuringTheOverlap()
    {
        await using var warehouse = await SampleWarehouse.StartAsync();
        var created = await CreateAsync(warehouse.Url);
        warehouse.Clock = shop.Api.Clock;
        var path = $"{Path}/{created.Subscription.Id}";

        var rotated = await ApiClient.ReadAsync<WebhookSecretView>(await shop.Admin.PostAsync($"{path}/rotate-secret"), HttpStatusCode.OK);
        warehouse.Secrets = [created.Secret];
        var withTheOld = await ApiClient.ReadAsync<WebhookAttemptView>(await shop.Admin.PostAsync($"{path}/test"), HttpStatusCode.OK);
        warehouse.Secrets = [rotated.Secret];
        var withTheNew = await ApiClient.ReadAsync<WebhookAttemptView>(await shop.Admin.PostAsync($"{path}/test"), HttpStatusCode.OK);

        Assert.StartsWith("whsec_", rotated.Secret, StringComparison.Ordinal);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.Equal(shop.Api.Clock.GetUtcNow() + TimeSpan.FromHours(24), rotated.Subscription.PreviousSecretUntil);
        Assert.Equal((200, 200), (withTheOld.StatusCode, withTheNew.StatusCode));
        var header = warehouse.SignatureHeaders.Last();
        Assert.Equal(2, header.Split(",v1=").Length - 1);
        var body = """{"probe":1}""";
        var both = WebhookSignature.Sign(body, shop.Api.Clock.GetUtcNow(), [rotated.Secret, created.Secret]);
        Assert.True(WebhookSignature.Verify(both, body, [created.Secret], shop.Api.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.True(WebhookSignature.Verify(both, body, [rotated.Secret], shop.Api.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.DoesNotContain(rotated.Secret, await (await shop.Admin.GetAsync(path)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedDelivery_IsListedWithItsAttempts_AndRedeliveredThroughTheApi()
    {
        await using var warehouse = await SampleWarehouse.StartAsync();
        var created = await CreateAsync(warehouse.Url, WebhookEvents.OrderConfirmed);
        (warehouse.Secrets, warehouse.Clock, warehouse.Down) = ([created.Secret], shop.Api.Clock, true);
        var id = created.Subscription.Id;
        using var shopper = shop.Api.Shopper();
        var order = await shopper.ConfirmedOrderAsync(("GEAR-TOTE", 1));
        await PrepareAsync();
        await shop.Api.Get<WebhookSender>().SendOnceAsync();

        var failed = Assert.Single(await DeliveriesAsync(id, "?failedOnly=true"));
        Assert.Equal((WebhookEvents.OrderConfirmed, order.OrderId, 1, "The partner answered 503."), (failed.Type, failed.OrderId, failed.Attempts, failed.LastError));
        Assert.Equal([503], failed.Log.Select(a => a.StatusCode));
        warehouse.Down = false;

        var redelivered = await ApiClient.ReadAsync<WebhookRedelivery>(await shop.Admin.PostAsync($"{Path}/{id}/deliveries/redeliver"), HttpStatusCode.OK);
        await shop.Api.Get<WebhookSender>().SendOnceAsync();

        Assert.Equal(1, redelivered.Redelivered);
        var delivered = Assert.Single(await DeliveriesAsync(id));
        Assert.NotNull(delivered.DeliveredAt);
        Assert.Equal([503, 200], delivered.Log.Select(a => a.StatusCode));
        Assert.Equal([false, true], delivered.Log.Select(a => a.Succeeded));
        Assert.Empty(await DeliveriesAsync(id, "?failedOnly=true"));
        Assert.Equal(order.OrderId, Assert.Single(warehouse.Events).GetProperty("order").GetProperty("id").GetGuid());
        // Delivered now: there is nothing left to redeliver.
        await ProblemAssert.IsAsync(await shop.Admin.PostAsync($"{Path}/{id}/deliveries/{delivered.EventId}/redeliver"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task ADeadDelivery_IsRedeliveredOnItsOwn()
    {
        var created = await CreateAsync("http://127.0.0.1:9/events");
        var id = created.Subscription.Id;
        var now = shop.Api.Clock.GetUtcNow();
        var dead = await shop.Api.FailedWebhookDeliveryAsync(id, now, dead: true);
        var waiting = await shop.Api.FailedWebhookDeliveryAsync(id, now);

        var redelivered = await ApiClient.ReadAsync<WebhookRedelivery>(await shop.Admin.PostAsync($"{Path}/{id}/deliveries/{dead.Id}/redeliver"), HttpStatusCode.OK);

        Assert.Equal(1, redelivered.Redelivered);
        var log = await DeliveriesAsync(id, "?failedOnly=true");
        Assert.Equal((null, now), (log.Single(d => d.EventId == dead.Id).DeadAt, log.Single(d => d.EventId == dead.Id).NextAttemptAt));
        Assert.Equal(now.AddHours(1), log.Single(d => d.EventId == waiting.Id).NextAttemptAt);
        await ProblemAssert.IsAsync(await shop.Admin.GetAsync($"{Path}/{id}/deliveries?failedOnly=maybe"), HttpStatusCode.BadRequest, Problems.BadRequest);
    }

    /// <summary>The same subscription, its events compared by value.</summary>
    private static void AssertSame(WebhookSubscriptionView expected, WebhookSubscriptionView actual)
    {
        Assert.Equal(expected with { Events = [] }, actual with { Events = [] });
        Assert.Equal(expected.Events, actual.Events);
    }

    private async Task<WebhookSecretView> CreateAsync(string url, params string[] events) =>
        await ApiClient.ReadAsync<WebhookSecretView>(
            await shop.Admin.PostAsync(Path, new { name = "Warehouse", url, events = events.Length == 0 ? WebhookEvents.All : events }), HttpStatusCode.Created);

    private async Task<List<WebhookDeliveryView>> DeliveriesAsync(Guid subscriptionId, string query = "") =>
        await ApiClient.ReadAsync<List<WebhookDeliveryView>>(await shop.Admin.GetAsync($"{Path}/{subscriptionId}/deliveries{query}"), HttpStatusCode.OK);

    /// <summary>Runs the outbox until every announcement is prepared (the app's own dispatcher waits for the fake clock to move).</summary>
    private async Task PrepareAsync()
    {
        var dispatcher = shop.Api.Get<OutboxDispatcher>();
        while (await dispatcher.DispatchOnceAsync() > 0)
        {
        }
    }
}
