using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkout.Tests.Data;

/// <summary>A confirmed order announces itself to fulfillment exactly once, through the outbox, even when publishing fails or repeats.</summary>
public abstract class OutboxTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task PlaceOrder_Confirmed_WritesOneUnsentOrderConfirmedMessage()
    {
        await using var shop = await CreateShopAsync();

        var order = await shop.PlaceConfirmedOrderAsync("BOXED", quantity: 3);

        var message = await SingleMessageAsync(shop);
        Assert.Equal((OutboxTypes.OrderConfirmed, order.OrderId), (message.Type, message.AggregateId));
        Assert.Equal((null, 0, null), (message.SentAt, message.Attempts, message.LastError));
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
        Assert.Equal((shop.Clock.GetUtcNow(), 1, null), (message.SentAt, message.Attempts, message.LastError));
        var shipment = await SingleShipmentAsync(shop);
        Assert.Equal((message.Id, order.OrderId, message.Payload), (shipment.MessageId, shipment.OrderId, shipment.Payload));
    }

    [Fact]
    public async Task Publisher_RedeliveredMessage_RecordsOneShipment()
    {
        await using var shop = await CreateShopAsync();
        await shop.PlaceConfirmedOrderAsync();
        var message = await SingleMessageAsync(shop);
        var publisher = shop.Get<IFulfillmentPublisher>();

        await publisher.PublishAsync(message);
        await publisher.PublishAsync(message);

        Assert.IsType<InProcessFulfillmentPublisher>(publisher);
        Assert.Equal(message.Id, (await SingleShipmentAsync(shop)).MessageId);
    }

    [Fact]
    public async Task Publisher_SameMessageDeliveredTenTimesAtOnce_RecordsOneShipment()
    {
        await using var shop = await CreateShopAsync();
        await shop.PlaceConfirmedOrderAsync();
        var message = await SingleMessageAsync(shop);
        // Every delivery finds no shipment before any of them inserts, so nine lose on the primary key, not on the pre-check.
        var gate = new ReadGate("FROM shipment_requests", participants: 10);
        var publisher = new InProcessFulfillmentPublisher(shop.GatedDbFactory(gate), shop.Clock);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => publisher.PublishAsync(message))));

        Assert.Equal(10, gate.Arrived);
        Assert.Equal(message.Id, (await SingleShipmentAsync(shop)).MessageId);
    }

    [Fact]
    public async Task Dispatch_WhenPublisherThrows_LeavesTheMessageUnsentAndTheNextDispatchSendsIt()
    {
        await using var shop = await CreateShopAsync();
        await shop.PlaceConfirmedOrderAsync();
        var failing = new OutboxDispatcher(
            shop.Get<IDbContextFactory<CheckoutDbContext>>(), shop.Get<WriteUnits>(), new ThrowingPublisher(), shop.Clock, NullLogger<OutboxDispatcher>.Instance);

        var sentWhileDown = await failing.DispatchOnceAsync();
        var afterFailure = await SingleMessageAsync(shop);
        var shipmentsWhileDown = await shop.CountAsync(db => db.ShipmentRequests);
        var sentWhenBack = await shop.Get<OutboxDispatcher>().DispatchOnceAsync();

        Assert.Equal((0, 0), (sentWhileDown, shipmentsWhileDown));
        Assert.Equal((null, 1, ThrowingPublisher.Failure), (afterFailure.SentAt, afterFailure.Attempts, afterFailure.LastError));
        Assert.Equal(1, sentWhenBack);
        var sent = await SingleMessageAsync(shop);
        Assert.Equal((shop.Clock.GetUtcNow(), 2), (sent.SentAt, sent.Attempts));
        Assert.Equal(sent.Id, (await SingleShipmentAsync(shop)).MessageId);
    }

    [Fact]
    public async Task Dispatch_FourInstancesAtOnceOverTwelveOrders_PublishEachMessageExactlyOnce()
    {
        await using var shop = await CreateShopAsync();
        for (var i = 0; i < 12; i++)
        {
            await shop.PlaceConfirmedOrderAsync($"SKU-{i}");
        }
        var counting = new CountingPublisher();
        var dispatchers = Enumerable.Range(0, 4).Select(_ => new OutboxDispatcher(
            shop.Get<IDbContextFactory<CheckoutDbContext>>(), shop.Get<WriteUnits>(), counting, shop.Clock, NullLogger<OutboxDispatcher>.Instance)).ToArray();

        var sent = await Race.RunAsync(4, i => dispatchers[i].DispatchOnceAsync());

        Assert.Equal(12, sent.Sum());
        Assert.Equal(12, counting.Published.Count);
        Assert.Equal(12, counting.Published.Distinct().Count());
        Assert.Equal(0, await shop.CountAsync(db => db.OutboxMessages.Where(m => m.SentAt == null || m.Attempts != 1)));
    }

    private static async Task<OutboxMessage> SingleMessageAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.OutboxMessages.AsNoTracking().SingleAsync();
    }

    private static async Task<ShipmentRequest> SingleShipmentAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.ShipmentRequests.AsNoTracking().SingleAsync();
    }

    /// <summary>A warehouse that records every delivery it is handed, redeliveries included.</summary>
    private sealed class CountingPublisher : IFulfillmentPublisher
    {
        public System.Collections.Concurrent.ConcurrentBag<Guid> Published { get; } = [];

        public Task PublishAsync(OutboxMessage message, CancellationToken ct = default)
        {
            Published.Add(message.Id);
            return Task.CompletedTask;
        }
    }

    /// <summary>A warehouse that is down.</summary>
    private sealed class ThrowingPublisher : IFulfillmentPublisher
    {
        public const string Failure = "The warehouse is not answering.";

        public Task PublishAsync(OutboxMessage message, CancellationToken ct = default) =>
            throw new HttpRequestException(Failure);
    }
}

public sealed class OutboxTestsOnSqlite() : OutboxTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class OutboxTestsOnPostgreSQL() : OutboxTests(DatabaseProvider.PostgreSQL);
