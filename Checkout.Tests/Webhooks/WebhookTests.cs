using System.Net;
using System.Text.Json;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Webhooks;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Webhooks;

/// <summary>
/// Confirmed, cancelled, shipped… orders reach the warehouse as signed webhooks, each event once for the warehouse,
/// an order's events in sequence, retried with backoff and dead-lettered; the warehouse's shipment updates come back
/// signed, once, and move the order through its state machine.
/// </summary>
public abstract class WebhookTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Admin = "admin@example.com";

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Checkout:Webhooks:AllowLocalTargets"] = "true",
        ["Checkout:Webhooks:AttemptTimeout"] = "00:00:01",
        ["Checkout:Webhooks:Retry:RetryBase"] = "00:00:01",
        ["Checkout:Webhooks:Retry:RetryCap"] = "00:00:04",
        ["Checkout:Webhooks:Retry:DeadLetterAfter"] = "00:01:00",
    };

    [Fact]
    public async Task ConfirmedOrder_IsDeliveredSignedWithItsOrderAndSequence()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        await SubscribeAsync(shop, warehouse);
        var order = await shop.PlaceConfirmedOrderAsync("BOXED", quantity: 3);

        await PrepareAsync(shop);
        var sent = await shop.Get<WebhookSender>().SendOnceAsync();
        var again = await shop.Get<WebhookSender>().SendOnceAsync();

        Assert.Equal((1, 0, 0), (sent, again, warehouse.Refused));
        var received = Assert.Single(warehouse.Events);
        var message = Assert.Single(await (await shop.DbAsync()).OutboxMessages.Where(m => m.Type == OutboxTypes.OrderConfirmed).ToListAsync());
        Assert.Equal((message.Id, WebhookEvents.OrderConfirmed, 1), (received.GetProperty("id").GetGuid(), received.GetProperty("type").GetString(), received.GetProperty("sequence").GetInt32()));
        var sentOrder = received.GetProperty("order");
        Assert.Equal((order.OrderId, order.TotalMinor, "Portland"), (sentOrder.GetProperty("id").GetGuid(), sentOrder.GetProperty("totalMinor").GetInt64(),
            sentOrder.GetProperty("shipTo").GetProperty("city").GetString()));
        Assert.Equal(("BOXED", 3), (sentOrder.GetProperty("lines")[0].GetProperty("sku").GetString(), sentOrder.GetProperty("lines")[0].GetProperty("quantity").GetInt32()));
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", Assert.Single(warehouse.SignatureHeaders));
        var attempt = Assert.Single(await (await shop.DbAsync()).WebhookAttempts.ToListAsync());
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task CancelledOrder_TheCancelIsNeverSentBeforeItsConfirm()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var subscription = await SubscribeAsync(shop, warehouse);
        var order = await shop.PlaceConfirmedOrderAsync();
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, new TransitionRequest(Admin, "Changed mind")));
        await PrepareAsync(shop);
        warehouse.Down = true;

        await shop.Get<WebhookSender>().SendOnceAsync();
        var requestsWhileDown = warehouse.Requests;
        warehouse.Down = false;
        shop.Clock.Advance(TimeSpan.FromSeconds(5));
        // One pass per event: the confirm, the cancel, and the refund of the cancelled order when its money was captured.
        for (var pass = 0; pass < 3; pass++)
        {
            await shop.Get<WebhookSender>().SendOnceAsync();
        }

        // Only the confirm was attempted while the warehouse was down: the cancel waited for it.
        Assert.Equal(1, requestsWhileDown);
        Assert.Equal([WebhookEvents.OrderConfirmed, WebhookEvents.OrderCancelled], warehouse.Events.Select(e => e.GetProperty("type").GetString()).Take(2));
        Assert.Equal(0, warehouse.OutOfSequence);
        var log = ResultAssert.Success(await shop.Get<WebhookAdminService>().DeliveriesAsync(subscription.Subscription.Id));
        Assert.All(log, d => Assert.NotNull(d.DeliveredAt));
        Assert.Equal([503, 200], log.Single(d => d.Type == WebhookEvents.OrderConfirmed).Log.Select(a => a.StatusCode));
    }

    [Fact]
    public async Task FailingDelivery_BacksOffIsDeadLetteredAndIsSentWhenRedelivered()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var subscription = await SubscribeAsync(shop, warehouse);
        await shop.PlaceConfirmedOrderAsync();
        await PrepareAsync(shop);
        warehouse.Down = true;
        var sender = shop.Get<WebhookSender>();

        await sender.SendOnceAsync();
        var duringBackoff = await sender.SendOnceAsync();
        var requestsAfterBackoff = warehouse.Requests;
        shop.Clock.Advance(TimeSpan.FromMinutes(2));
        await sender.SendOnceAsync();
        shop.Clock.Advance(TimeSpan.FromMinutes(2));
        await sender.SendOnceAsync();
        var dead = Assert.Single(ResultAssert.Success(await shop.Get<WebhookAdminService>().DeliveriesAsync(subscription.Subscription.Id, failedOnly: true)));
        warehouse.Down = false;
        var redelivered = ResultAssert.Success(await shop.Get<WebhookAdminService>().RedeliverAsync(subscription.Subscription.Id, null, Admin));
        var sent = await sender.SendOnceAsync();

        Assert.Equal((0, 1), (duringBackoff, requestsAfterBackoff));
        Assert.NotNull(dead.DeadAt);
        Assert.Equal(2, dead.Attempts);
        Assert.Equal((1, 1), (redelivered, sent));
        Assert.Single(warehouse.Processed);
        await using var db = await shop.DbAsync();
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "webhook.redelivered"));
        Assert.Null((await db.WebhookSubscriptions.SingleAsync()).FailingSince);
        Assert.True(dead.Failed);
        var delivered = Assert.Single(ResultAssert.Success(await shop.Get<WebhookAdminService>().DeliveriesAsync(subscription.Subscription.Id)));
        Assert.False(delivered.Failed);
        Assert.Empty(ResultAssert.Success(await shop.Get<WebhookAdminService>().DeliveriesAsync(subscription.Subscription.Id, failedOnly: true)));
    }

    [Fact]
    public async Task ForgedSignature_IsRefusedByTheWarehouseAndTheDeliveryIsRetried()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        await SubscribeAsync(shop, warehouse);
        warehouse.Secrets = ["whsec_not-the-shops"];
        await shop.PlaceConfirmedOrderAsync();
        await PrepareAsync(shop);

        var sent = await shop.Get<WebhookSender>().SendOnceAsync();

        Assert.Equal((0, 1), (sent, warehouse.Refused));
        Assert.Empty(warehouse.Processed);
        await using var db = await shop.DbAsync();
        var delivery = await db.WebhookDeliveries.SingleAsync();
        Assert.Equal((null, "The partner answered 401."), (delivery.DeliveredAt, delivery.LastError));
    }

    [Fact]
    public async Task RotatedSecret_BothSecretsSignDuringTheOverlap_ThenOnlyTheNewOne()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var subscription = await SubscribeAsync(shop, warehouse);
        var rotated = ResultAssert.Success(await shop.Get<WebhookAdminService>().RotateSecretAsync(subscription.Subscription.Id, Admin));
        var secrets = shop.Get<WebhookSecrets>();
        await using var db = await shop.DbAsync();
        var stored = await db.WebhookSubscriptions.AsNoTracking().SingleAsync();

        var during = secrets.Signing(stored, shop.Clock.GetUtcNow());
        var after = secrets.Signing(stored, shop.Clock.GetUtcNow() + TimeSpan.FromDays(2));

        Assert.Equal([rotated.Secret, subscription.Secret], during);
        Assert.Equal([rotated.Secret], after);
        Assert.DoesNotContain(subscription.Secret, stored.SecretCipher + stored.PreviousSecretCipher, StringComparison.Ordinal);
        var header = WebhookSignature.Sign("{}", shop.Clock.GetUtcNow(), during);
        Assert.Equal(2, header.Split(",v1=").Length - 1);
        Assert.True(WebhookSignature.Verify(header, "{}", [subscription.Secret], shop.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == "webhook.created" || a.Action == "webhook.secret-rotated"));
    }

    [Fact]
    public async Task ShipmentUpdates_MoveTheOrderWithThePartnerAsActor()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var subscription = await SubscribeAsync(shop, warehouse);
        var order = await shop.PlaceConfirmedOrderAsync();

        var shipped = ResultAssert.Success(await ReceiveAsync(shop, subscription, new { id = "evt-1", type = "shipped", orderId = order.OrderId, carrier = "UPS", trackingNumber = "1Z999" }));
        var delivered = ResultAssert.Success(await ReceiveAsync(shop, subscription, new { id = "evt-2", type = "delivered", orderId = order.OrderId }));

        Assert.Equal((OrderStatus.Shipped, "1Z999"), (shipped.Status, shipped.TrackingNumber));
        Assert.Equal(OrderStatus.Delivered, delivered.Status);
        Assert.All(delivered.History.Skip(delivered.History.Count - 2), h => Assert.Equal("partner:Warehouse", h.Actor));
        Assert.Contains("UPS", delivered.History.Single(h => h.To == OrderStatus.Shipped).Reason, StringComparison.Ordinal);
        await using var db = await shop.DbAsync();
        Assert.True(await db.OutboxMessages.AnyAsync(m => m.Type == OutboxTypes.OrderShipped && m.AggregateId == order.OrderId));
        Assert.True(await db.OutboxMessages.AnyAsync(m => m.Type == OutboxTypes.OrderDelivered && m.AggregateId == order.OrderId));
    }

    [Fact]
    public async Task ShipmentUpdate_ReplayedForgedStaleOrIllegal_IsRefusedAndChangesNothing()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var subscription = await SubscribeAsync(shop, warehouse);
        var order = await shop.PlaceConfirmedOrderAsync();
        var update = new { id = "evt-1", type = "shipped", orderId = order.OrderId, trackingNumber = "1Z999" };
        var inbox = shop.Get<FulfillmentInbox>();
        var body = JsonSerializer.Serialize(update);
        var now = shop.Clock.GetUtcNow();

        var forged = await inbox.ReceiveAsync(subscription.Subscription.Id.ToString(), WebhookSignature.Sign(body, now, ["whsec_forged"]), body);
        var stale = await inbox.ReceiveAsync(subscription.Subscription.Id.ToString(), WebhookSignature.Sign(body, now - TimeSpan.FromMinutes(6), [subscription.Secret]), body);
        var unknown = await inbox.ReceiveAsync(Guid.NewGuid().ToString(), WebhookSignature.Sign(body, now, [subscription.Secret]), body);
        var illegal = await ReceiveAsync(shop, subscription, new { id = "evt-0", type = "return_received", orderId = order.OrderId });
        var versionBefore = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId)).Version;
        ResultAssert.Success(await ReceiveAsync(shop, subscription, update));
        var replayed = await ReceiveAsync(shop, subscription, update);

        ResultAssert.Failure(forged, ErrorCodes.SignatureInvalid);
        ResultAssert.Failure(stale, ErrorCodes.SignatureInvalid);
        ResultAssert.Failure(unknown, ErrorCodes.SignatureInvalid);
        ResultAssert.Failure(illegal, ErrorCodes.IllegalTransition);
        ResultAssert.Failure(replayed, ErrorCodes.EventReplayed);
        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((OrderStatus.Shipped, versionBefore + 1), (after.Status, after.Version));
    }

    [Fact]
    public async Task FourSendersRacing_AsFourInstancesWould_AttemptEachDeliveryOnce()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        await SubscribeAsync(shop, warehouse);
        await PlaceOrdersAsync(shop, "RACED", 20);

        var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => shop.Get<WebhookSender>().SendOnceAsync())));

        Assert.Equal(20, sent.Sum());
        Assert.Equal((20, 20), (warehouse.Requests, warehouse.Processed.Count));
        await using var db = await shop.DbAsync();
        Assert.Equal(20, await db.WebhookAttempts.CountAsync());
        Assert.All(await db.WebhookDeliveries.AsNoTracking().ToListAsync(), d => Assert.Equal((1, true), (d.Attempts, d.DeliveredAt is not null)));
    }

    [Fact]
    public async Task ShipmentUpdate_SentEightTimesAtOnce_MovesTheOrderOnce_AndEveryCopyIsRefused()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var subscription = await SubscribeAsync(shop, warehouse);
        var order = await shop.PlaceConfirmedOrderAsync();
        var versionBefore = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId)).Version;
        var update = new { id = "evt-race", type = "shipped", orderId = order.OrderId, trackingNumber = "1Z999" };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => ReceiveAsync(shop, subscription, update))));

        Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r => ResultAssert.Failure(r, ErrorCodes.EventReplayed));
        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((OrderStatus.Shipped, versionBefore + 1), (after.Status, after.Version));
        await using var db = await shop.DbAsync();
        Assert.Equal(1, await db.WebhookInboundEvents.CountAsync());
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.Type == OutboxTypes.OrderShipped));
    }

    [Fact]
    public async Task AMoveWhoseEventIdCannotBeKept_IsUndone_TheOrderStaysAsItWas()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var subscription = await SubscribeAsync(shop, warehouse);
        var order = await shop.PlaceConfirmedOrderAsync();
        await using (var arrange = await shop.DbAsync())
        {
            arrange.WebhookInboundEvents.Add(new WebhookInboundEvent(subscription.Subscription.Id, "evt-kept", order.OrderId, "shipped", shop.Clock.GetUtcNow()));
            await arrange.SaveChangesAsync();
        }
        var before = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));

        await Assert.ThrowsAsync<DbUpdateException>(() => shop.Orders.TransitionAsync(
            order.OrderId, OrderStatus.Shipped, new TransitionRequest("partner:Warehouse", "shipped", "1Z999"),
            alongside: move => move.WebhookInboundEvents.Add(
                new WebhookInboundEvent(subscription.Subscription.Id, "evt-kept", order.OrderId, "shipped", shop.Clock.GetUtcNow()))));

        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((OrderStatus.Confirmed, before.Version, before.History.Count), (after.Status, after.Version, after.History.Count));
        await using var db = await shop.DbAsync();
        Assert.False(await db.OutboxMessages.AnyAsync(m => m.Type == OutboxTypes.OrderShipped));
    }

    [Fact]
    public async Task AnnouncementsNobodyWants_PrepareNothing_AndTheOneWantedStillGoesOutWithItsSequence()
    {
        await using var shop = await CreateShopAsync(Settings);
        await using var warehouse = await SampleWarehouse.StartAsync();
        var unwanted = await shop.PlaceConfirmedOrderAsync("UNWANTED");
        await PrepareAsync(shop);
        await using (var db = await shop.DbAsync())
        {
            Assert.False(await db.WebhookEvents.AnyAsync());
        }
        var created = ResultAssert.Success(await shop.Get<WebhookAdminService>().CreateAsync(
            new WebhookSubscriptionInput("Cancellations", warehouse.Url, [WebhookEvents.OrderCancelled]), Admin));
        warehouse.Secrets = [created.Secret];
        warehouse.Clock = shop.Clock;
        var order = await shop.PlaceConfirmedOrderAsync();
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, new TransitionRequest(Admin, "Changed mind")));

        await PrepareAsync(shop);
        await shop.Get<WebhookSender>().SendOnceAsync();

        var received = Assert.Single(warehouse.Events);
        Assert.Equal((WebhookEvents.OrderCancelled, order.OrderId, 2),
            (received.GetProperty("type").GetString(), received.GetProperty("order").GetProperty("id").GetGuid(), received.GetProperty("sequence").GetInt32()));
        await using var after = await shop.DbAsync();
        Assert.Equal([order.OrderId], await after.WebhookEvents.Select(e => e.OrderId).ToListAsync());
        Assert.DoesNotContain(unwanted.OrderId, await after.WebhookDeliveries.Select(d => d.OrderId).ToListAsync());
    }

    [Fact]
    public async Task Subscription_OutsideDevelopment_NeedsHttpsAndAPublicAddress()
    {
        await using var shop = await CreateShopAsync();
        var admin = shop.Get<WebhookAdminService>();

        var plain = await admin.CreateAsync(new WebhookSubscriptionInput("W", "http://example.com/hook", [WebhookEvents.OrderConfirmed]), Admin);
        var loopback = await admin.CreateAsync(new WebhookSubscriptionInput("W", "https://127.0.0.1/hook", [WebhookEvents.OrderConfirmed]), Admin);
        var linkLocal = await admin.CreateAsync(new WebhookSubscriptionInput("W", "https://169.254.169.254/latest", [WebhookEvents.OrderConfirmed]), Admin);
        var noEvents = await admin.CreateAsync(new WebhookSubscriptionInput("W", "https://93.184.215.14/hook", []), Admin);

        ResultAssert.Failure(plain, ErrorCodes.Validation);
        ResultAssert.Failure(loopback, ErrorCodes.Validation);
        ResultAssert.Failure(linkLocal, ErrorCodes.Validation);
        ResultAssert.Failure(noEvents, ErrorCodes.Validation);
        Assert.Equal(0, await shop.CountAsync(db => db.WebhookSubscriptions));
    }

    [Fact]
    public async Task TwoHundredOrders_WarehouseFailingAndTimingOut_EveryEventDeliveredOnceAndInSequence()
    {
        await using var shop = await CreateShopAsync(new Dictionary<string, string?>(Settings) { ["Checkout:Webhooks:Retry:DeadLetterAfter"] = "1.00:00:00" });
        await using var warehouse = await SampleWarehouse.StartAsync();
        await SubscribeAsync(shop, warehouse);
        await PlaceOrdersAsync(shop, "BULK", 200);
        (warehouse.FailRate, warehouse.TimeoutRate, warehouse.TimeoutDelay) = (0.3, 0.1, TimeSpan.FromSeconds(1.5));
        var sender = shop.Get<WebhookSender>();

        for (var pass = 0; pass < 60 && await shop.CountAsync(db => db.WebhookDeliveries.Where(d => d.DeliveredAt == null)) > 0; pass++)
        {
            await sender.SendOnceAsync();
            shop.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(0, await shop.CountAsync(db => db.WebhookDeliveries.Where(d => d.DeliveredAt == null)));
        Assert.Equal(200, warehouse.Processed.Count);
        Assert.All(warehouse.Processed.Values, times => Assert.Equal(1, times));
        Assert.Equal(0, warehouse.OutOfSequence);
        await using var db = await shop.DbAsync();
        var attempts = await db.WebhookAttempts.AsNoTracking().ToListAsync();
        Assert.Contains(attempts, a => a.StatusCode == 500);
        Assert.Contains(attempts, a => a.StatusCode is null);
        Assert.True(warehouse.Requests > 200);
    }

    private static async Task<WebhookSecretView> SubscribeAsync(TestShop shop, SampleWarehouse warehouse)
    {
        var created = ResultAssert.Success(await shop.Get<WebhookAdminService>().CreateAsync(
            new WebhookSubscriptionInput("Warehouse", warehouse.Url, WebhookEvents.All), Admin));
        warehouse.Secrets = [created.Secret];
        warehouse.Clock = shop.Clock;
        return created;
    }

    /// <summary>Places <paramref name="count"/> paid orders of one unit of a new product, and prepares their webhook events.</summary>
    private static async Task PlaceOrdersAsync(TestShop shop, string sku, int count)
    {
        await shop.AddProductAsync(sku, priceMinor: 1000, stock: count);
        for (var i = 0; i < count; i++)
        {
            var checkout = await shop.OpenCheckoutAsync(lines: (sku, 1));
            ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        }
        await PrepareAsync(shop);
    }

    /// <summary>Runs the outbox until every announcement is prepared as webhook events.</summary>
    private static async Task PrepareAsync(TestShop shop)
    {
        var dispatcher = shop.DispatcherFor(shop.Get<WebhookFanOut>());
        while (await dispatcher.DispatchOnceAsync() > 0)
        {
        }
    }

    private static Task<Result<OrderView>> ReceiveAsync(TestShop shop, WebhookSecretView subscription, object update)
    {
        var body = JsonSerializer.Serialize(update);
        return shop.Get<FulfillmentInbox>().ReceiveAsync(
            subscription.Subscription.Id.ToString(), WebhookSignature.Sign(body, shop.Clock.GetUtcNow(), [subscription.Secret]), body);
    }
}

public sealed class WebhookTestsOnSqlite() : WebhookTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class WebhookTestsOnPostgreSQL() : WebhookTests(DatabaseProvider.PostgreSQL)
{
    [Fact]
    public async Task AnAnnouncementWithNoSubscription_CostsTheFanOutOneRead_AndWritesNothing()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync();
        OutboxMessage confirmed;
        await using (var db = await shop.DbAsync())
        {
            confirmed = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AggregateId == order.OrderId && m.Type == OutboxTypes.OrderConfirmed);
        }
        using var trips = new RoundTrips(shop);

        await shop.Get<WebhookFanOut>().DeliverAsync(confirmed, CancellationToken.None);

        var sent = Assert.Single(trips.All());
        Assert.Contains("webhook_subscriptions", sent, StringComparison.Ordinal);
        Assert.Empty(trips.Writes());
    }
}

public sealed class WebhookTargetTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("172.20.0.1", true)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("93.184.215.14", false)]
    [InlineData("2606:2800:220:1::1", false)]
    public void IsInternal_RefusesLoopbackPrivateAndLinkLocal(string address, bool isInternal) =>
        Assert.Equal(isInternal, WebhookTargets.IsInternal(IPAddress.Parse(address)));

    [Fact]
    public void Signature_TamperedBodyOrWrongSecret_DoesNotVerify()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var header = WebhookSignature.Sign("{\"a\":1}", now, ["s1"]);

        Assert.True(WebhookSignature.Verify(header, "{\"a\":1}", ["s1"], now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, "{\"a\":2}", ["s1"], now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, "{\"a\":1}", ["s2"], now, TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify(header, "{\"a\":1}", ["s1"], now + TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("garbage", "{\"a\":1}", ["s1"], now, TimeSpan.FromMinutes(5)));
        Assert.Equal($"t=1800000000,v1={Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData("s1"u8, "1800000000.{\"a\":1}"u8))}", header);
    }
}
