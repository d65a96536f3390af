using Checkout.Data;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Data;

/// <summary>
/// A confirmed order announces itself to every consumer exactly once, through the outbox, even when delivering fails or
/// repeats: each consumer's delivery is retried with growing waits, dead-lettered when it fails for too long, and held
/// back by no other consumer or message.
/// </summary>
public abstract class OutboxTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task PlaceOrder_Confirmed_WritesOneUnsentOrderConfirmedMessage()
    {
        await using var shop = await CreateShopAsync();

        var order = await shop.PlaceConfirmedOrderAsync("BOXED", quantity: 3);

        var message = await SingleMessageAsync(shop);
        Assert.Equal((OutboxTypes.OrderConfirmed, order.OrderId), (message.Type, message.AggregateId));
        Assert.Null(message.SentAt);
        // Writing the message is all the checkout does: the dispatcher adds each consumer's delivery when it first claims it.
        Assert.Equal(0, await shop.CountAsync(db => db.OutboxDeliveries));
        Assert.Contains(order.OrderNumber, message.Payload, StringComparison.Ordinal);
        Assert.Contains("\"sku\":\"BOXED\",\"quantity\":3", message.Payload, StringComparison.Ordinal);
        // The warehouse is told where it goes and how.
        using var payload = System.Text.Json.JsonDocument.Parse(message.Payload);
        var shipTo = payload.RootElement.GetProperty("shipTo");
        Assert.Equal(("1 Main Street", "Portland", "OR", "97201", "US"), (shipTo.GetProperty("line1").GetString(), shipTo.GetProperty("city").GetString(),
            shipTo.GetProperty("region").GetString(), shipTo.GetProperty("postalCode").GetString(), shipTo.GetProperty("country").GetString()));
        Assert.Equal("Standard", payload.RootElement.GetProperty("deliveryMethod").GetProperty("name").GetString());
    }

    [Fact]
    public async Task PlaceOrder_ReplayedForTheSameCheckout_WritesNoSecondMessage()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync();

        var replay = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(order.CheckoutSessionId, Cards.Approved));

        Assert.True(replay.Replayed);
        Assert.Equal(1, await shop.CountAsync(db => db.OutboxMessages));
    }

    [Fact]
    public async Task PlaceOrder_Declined_WritesNoMessage()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("DECLINED");
        var checkout = await shop.OpenCheckoutAsync(lines: ("DECLINED", 1));
        var declined = Cards.Declined;

        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, declined), ErrorCodes.PaymentDeclined);

        Assert.Equal(0, await shop.CountAsync(db => db.OutboxMessages));
    }

    [Fact]
    public async Task Dispatch_PublishesTheMessageOnceAndMarksItSent()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync();
        shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var dispatcher = shop.Get<OutboxDispatcher>();

        var first = await dispatcher.DispatchOnceAsync();
        var second = await dispatcher.DispatchOnceAsync();

        Assert.Equal((1, 0), (first, second));
        var message = await SingleMessageAsync(shop);
        Assert.Equal(shop.Clock.GetUtcNow(), message.SentAt);
        var delivery = await SingleDeliveryAsync(shop);
        Assert.Equal((FulfillmentConsumer.ConsumerName, 1, shop.Clock.GetUtcNow(), null, null),
            (delivery.Consumer, delivery.Attempts, delivery.DeliveredAt, delivery.LastError, delivery.ClaimedUntil));
        var shipment = await SingleShipmentAsync(shop);
        Assert.Equal((message.Id, order.OrderId, message.Payload), (shipment.MessageId, shipment.OrderId, shipment.Payload));
    }

    [Fact]
    public async Task Fulfillment_RedeliveredMessage_RecordsOneShipment()
    {
        await using var shop = await CreateShopAsync();
        await shop.PlaceConfirmedOrderAsync();
        var message = await SingleMessageAsync(shop);
        var consumer = Assert.Single(shop.Get<IEnumerable<IOutboxConsumer>>());

        await consumer.DeliverAsync(message, CancellationToken.None);
        await consumer.DeliverAsync(message, CancellationToken.None);

        Assert.IsType<FulfillmentConsumer>(consumer);
        Assert.Equal((FulfillmentConsumer.ConsumerName, true), (consumer.Name, consumer.Types.SetEquals([OutboxTypes.OrderConfirmed])));
        Assert.Equal(message.Id, (await SingleShipmentAsync(shop)).MessageId);
    }

    [Fact]
    public async Task Fulfillment_SameMessageDeliveredTenTimesAtOnce_RecordsOneShipment()
    {
        await using var shop = await CreateShopAsync();
        await shop.PlaceConfirmedOrderAsync();
        var message = await SingleMessageAsync(shop);
        // Every delivery finds no shipment before any of them inserts, so nine lose on the primary key, not on the pre-check.
        var gate = new ReadGate("FROM shipment_requests", participants: 10);
        var consumer = new FulfillmentConsumer(shop.GatedDbFactory(gate), shop.Clock);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => consumer.DeliverAsync(message, CancellationToken.None))));

        Assert.Equal(10, gate.Arrived);
        Assert.Equal(message.Id, (await SingleShipmentAsync(shop)).MessageId);
    }

    [Fact]
    public async Task Dispatch_WhenFulfillmentThrows_LeavesTheMessageUnsentAndADispatchAfterTheBackoffSendsIt()
    {
        await using var shop = await CreateShopAsync();
        await shop.PlaceConfirmedOrderAsync();
        var failing = shop.DispatcherFor(new TestConsumer(FulfillmentConsumer.ConsumerName) { Fails = _ => true });

        var sentWhileDown = await failing.DispatchOnceAsync();
        var afterFailure = await SingleDeliveryAsync(shop);
        var shipmentsWhileDown = await shop.CountAsync(db => db.ShipmentRequests);
        var sentDuringTheBackoff = await shop.Get<OutboxDispatcher>().DispatchOnceAsync();
        shop.Clock.SetUtcNow(afterFailure.NextAttemptAt);
        var sentWhenBack = await shop.Get<OutboxDispatcher>().DispatchOnceAsync();

        Assert.Equal((0, 0, 0), (sentWhileDown, shipmentsWhileDown, sentDuringTheBackoff));
        Assert.Equal((1, TestConsumer.Failure, null), (afterFailure.Attempts, afterFailure.LastError, afterFailure.DeliveredAt));
        Assert.Equal(1, sentWhenBack);
        var sent = await SingleMessageAsync(shop);
        Assert.Equal(shop.Clock.GetUtcNow(), sent.SentAt);
        var delivery = await SingleDeliveryAsync(shop);
        Assert.Equal((2, shop.Clock.GetUtcNow(), null), (delivery.Attempts, delivery.DeliveredAt, delivery.LastError));
        Assert.Equal(sent.Id, (await SingleShipmentAsync(shop)).MessageId);
    }

    [Fact]
    public async Task Dispatch_AConsumerFailingSixTimes_IsRetriedAfterGrowingCappedWaits_ThenDeliveredOnce()
    {
        await using var shop = await CreateShopAsync();
        var options = shop.Get<IOptions<CheckoutOptions>>().Value.Outbox;
        (options.RetryBase, options.RetryCap) = (TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20));
        await shop.PlaceConfirmedOrderAsync();
        var failuresLeft = 6;
        var consumer = new TestConsumer("webhooks") { Fails = _ => failuresLeft-- > 0 };
        var dispatcher = shop.DispatcherFor(consumer);

        var waits = new List<TimeSpan>();
        while (await dispatcher.DispatchOnceAsync() == 0)
        {
            var delivery = await SingleDeliveryAsync(shop);
            waits.Add(delivery.NextAttemptAt - shop.Clock.GetUtcNow());
            // Not a moment before its wait is over.
            shop.Clock.SetUtcNow(delivery.NextAttemptAt - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, await dispatcher.DispatchOnceAsync());
            shop.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        // Ceilings 2, 4, 8, 16, then capped at 20 s; each wait is its ceiling with equal jitter (half to all of it).
        int[] ceilings = [2, 4, 8, 16, 20, 20];
        Assert.Equal(ceilings.Length, waits.Count);
        for (var i = 0; i < ceilings.Length; i++)
        {
            Assert.InRange(waits[i], TimeSpan.FromSeconds(ceilings[i] / 2.0), TimeSpan.FromSeconds(ceilings[i]));
        }
        // Until the cap each ceiling doubles, so each wait is at least the one before: at least its half, which was the last ceiling.
        Assert.Equal(waits.Take(4).Order(), waits.Take(4));
        Assert.Equal(7, consumer.Calls);
        Assert.Equal([(await SingleMessageAsync(shop)).Id], consumer.Delivered);
        var delivered = await SingleDeliveryAsync(shop);
        Assert.Equal((7, shop.Clock.GetUtcNow(), null), (delivered.Attempts, delivered.DeliveredAt, delivered.DeadAt));
        Assert.Equal(shop.Clock.GetUtcNow(), (await SingleMessageAsync(shop)).SentAt);
    }

    [Fact]
    public async Task Dispatch_ADeliveryStillFailingAfterDeadLetterAfter_IsDeadUntilAnAdminRetriesIt_ThenDelivered()
    {
        await using var shop = await CreateShopAsync();
        var options = shop.Get<IOptions<CheckoutOptions>>().Value.Outbox;
        (options.RetryBase, options.RetryCap, options.DeadLetterAfter) = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));
        var order = await shop.PlaceConfirmedOrderAsync();
        var consumer = new TestConsumer("webhooks") { Fails = _ => true };
        var dispatcher = shop.DispatcherFor(consumer);
        var admin = shop.Get<OutboxAdminService>();
        var written = (await SingleMessageAsync(shop)).CreatedAt;

        OutboxDelivery delivery;
        while (true)
        {
            Assert.Equal(0, await dispatcher.DispatchOnceAsync());
            delivery = await SingleDeliveryAsync(shop);
            if (delivery.DeadAt is not null)
            {
                break;
            }
            Assert.True(shop.Clock.GetUtcNow() - written < options.DeadLetterAfter);
            Assert.Equal(new OutboxDeliveryCounts(1, 0), await admin.CountAsync());
            shop.Clock.SetUtcNow(delivery.NextAttemptAt);
        }
        Assert.True(shop.Clock.GetUtcNow() - written >= options.DeadLetterAfter);
        Assert.Equal(shop.Clock.GetUtcNow(), delivery.DeadAt);
        var attempts = consumer.Calls;
        shop.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync());
        Assert.Equal(attempts, consumer.Calls);
        Assert.Equal(new OutboxDeliveryCounts(0, 1), await admin.CountAsync());
        var dead = Assert.Single(await admin.ListAsync(OutboxDeliveryState.Dead));
        Assert.Equal((OutboxTypes.OrderConfirmed, order.OrderId, "webhooks", attempts, TestConsumer.Failure, true),
            (dead.MessageType, dead.AggregateId, dead.Consumer, dead.Attempts, dead.LastError, dead.Dead));
        Assert.Empty(await admin.ListAsync(OutboxDeliveryState.Failing));

        var retried = ResultAssert.Success(await admin.RetryNowAsync(dead.MessageId, "webhooks", "admin@shop"));
        consumer.Fails = _ => false;
        var sent = await dispatcher.DispatchOnceAsync();

        Assert.Equal((false, shop.Clock.GetUtcNow()), (retried.Dead, retried.NextAttemptAt));
        Assert.Equal((1, attempts + 1), (sent, consumer.Calls));
        Assert.Equal(shop.Clock.GetUtcNow(), (await SingleDeliveryAsync(shop)).DeliveredAt);
        Assert.Equal(shop.Clock.GetUtcNow(), (await SingleMessageAsync(shop)).SentAt);
        Assert.Equal(new OutboxDeliveryCounts(0, 0), await admin.CountAsync());
        ResultAssert.Failure(await admin.RetryNowAsync(dead.MessageId, "webhooks", "admin@shop"), ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Dispatch_AFailingConsumer_HoldsBackNeitherAnotherConsumerNorTheNextOrders()
    {
        await using var shop = await CreateShopAsync();
        var first = await shop.PlaceConfirmedOrderAsync("FIRST");
        var down = new TestConsumer("webhooks") { Fails = _ => true };
        var up = new TestConsumer("e-mail");
        var dispatcher = shop.DispatcherFor(down, up);

        Assert.Equal(1, await dispatcher.DispatchOnceAsync());
        var second = await shop.PlaceConfirmedOrderAsync("SECOND");
        Assert.Equal(1, await dispatcher.DispatchOnceAsync());

        var messages = await MessagesByOrderAsync(shop);
        Assert.Equal([messages[first.OrderId].Id, messages[second.OrderId].Id], up.Delivered);
        Assert.Equal(2, down.Calls);
        // Sent means every consumer that wants it has it: neither is, while one consumer still fails.
        Assert.All(messages.Values, m => Assert.Null(m.SentAt));

        down.Fails = _ => false;
        // Each failed once, so each waits at most the first ceiling.
        shop.Clock.Advance(shop.Get<IOptions<CheckoutOptions>>().Value.Outbox.RetryBase);
        Assert.Equal(2, await dispatcher.DispatchOnceAsync());

        Assert.Equal(up.Delivered.Order(), down.Delivered.Order());
        Assert.All((await MessagesByOrderAsync(shop)).Values, m => Assert.Equal(shop.Clock.GetUtcNow(), m.SentAt));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync());
    }

    [Fact]
    public async Task Dispatch_OneMessageFailing_HoldsBackNoLaterMessageOfAnotherOrder()
    {
        await using var shop = await CreateShopAsync();
        var poisoned = await shop.PlaceConfirmedOrderAsync("POISONED");
        var later = await shop.PlaceConfirmedOrderAsync("LATER");
        var consumer = new TestConsumer(FulfillmentConsumer.ConsumerName) { Fails = m => m.AggregateId == poisoned.OrderId };

        var sent = await shop.DispatcherFor(consumer).DispatchOnceAsync();

        Assert.Equal(1, sent);
        var messages = await MessagesByOrderAsync(shop);
        Assert.Equal([messages[later.OrderId].Id], consumer.Delivered);
        Assert.Equal((null, shop.Clock.GetUtcNow()), (messages[poisoned.OrderId].SentAt, messages[later.OrderId].SentAt));
        var failing = Assert.Single(await shop.Get<OutboxAdminService>().ListAsync(OutboxDeliveryState.Failing));
        Assert.Equal((poisoned.OrderId, FulfillmentConsumer.ConsumerName), (failing.AggregateId, failing.Consumer));
    }

    [Fact]
    public async Task Dispatch_FourInstancesAtOnceOverTwelveOrdersAndTwoConsumers_DeliverEachMessageToEachConsumerExactlyOnce()
    {
        await using var shop = await CreateShopAsync();
        for (var i = 0; i < 12; i++)
        {
            await shop.PlaceConfirmedOrderAsync($"SKU-{i}");
        }
        var consumers = new[] { new TestConsumer("fulfillment"), new TestConsumer("webhooks") };
        var dispatchers = Enumerable.Range(0, 4).Select(_ => shop.DispatcherFor(consumers)).ToArray();

        var sent = await Race.RunAsync(4, i => dispatchers[i].DispatchOnceAsync());

        Assert.Equal(24, sent.Sum());
        Assert.All(consumers, c => Assert.Equal((12, 12), (c.Delivered.Count, c.Delivered.Distinct().Count())));
        Assert.Equal(consumers[0].Delivered.Order(), consumers[1].Delivered.Order());
        Assert.Equal(0, await shop.CountAsync(db => db.OutboxMessages.Where(m => m.SentAt == null)));
        Assert.Equal(24, await shop.CountAsync(db => db.OutboxDeliveries.Where(d => d.Attempts == 1 && d.DeliveredAt != null)));
    }

    private static async Task<OutboxMessage> SingleMessageAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.OutboxMessages.AsNoTracking().SingleAsync();
    }

    private static async Task<Dictionary<Guid, OutboxMessage>> MessagesByOrderAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.OutboxMessages.AsNoTracking().ToDictionaryAsync(m => m.AggregateId);
    }

    private static async Task<OutboxDelivery> SingleDeliveryAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.OutboxDeliveries.AsNoTracking().SingleAsync();
    }

    private static async Task<ShipmentRequest> SingleShipmentAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.ShipmentRequests.AsNoTracking().SingleAsync();
    }
}

/// <summary>A consumer of confirmed orders that fails whenever <see cref="Fails"/> says so, and records what it was handed.</summary>
internal sealed class TestConsumer(string name) : IOutboxConsumer
{
    public const string Failure = "The consumer is not answering.";

    private int _calls;

    public string Name => name;

    public IReadOnlySet<string> Types { get; } = new HashSet<string>(StringComparer.Ordinal) { OutboxTypes.OrderConfirmed };

    public Func<OutboxMessage, bool> Fails { get; set; } = _ => false;

    /// <summary>The messages delivered, in order; failed attempts are not.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<Guid> Delivered { get; } = [];

    /// <summary>Every attempt, failed or not.</summary>
    public int Calls => _calls;

    public Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        Interlocked.Increment(ref _calls);
        if (Fails(message))
        {
            throw new HttpRequestException(Failure);
        }
        Delivered.Enqueue(message.Id);
        return Task.CompletedTask;
    }
}

public sealed class OutboxTestsOnSqlite() : OutboxTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class OutboxTestsOnPostgreSQL() : OutboxTests(DatabaseProvider.PostgreSQL);
