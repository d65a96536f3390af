using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Data;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Checkout.Data.Orders.OrderStatus;

namespace Checkout.Tests.Data;

/// <summary>The order transition table, the compare-and-set that enforces it, and what each transition does to stock and money.</summary>
public abstract class OrderStateMachineTests(DatabaseProvider provider) : ProviderTests(provider)
{
    /// <summary>The agreed table, written out independently of the product's.</summary>
    private static readonly (OrderStatus From, OrderStatus To)[] Table =
    [
        (Pending, PaymentAuthorized), (Pending, PaymentFailed), (Pending, Cancelled),
        (PaymentAuthorized, Confirmed), (PaymentAuthorized, Cancelled),
        (Confirmed, Shipped), (Confirmed, Cancelled),
        (Shipped, Delivered),
        (Delivered, ReturnInitiated),
        (ReturnInitiated, Returned),
        (PaymentFailed, Cancelled),
    ];

    /// <summary>The moves announced through the outbox, written out independently of the product's table; no other move writes a message.</summary>
    private static readonly Dictionary<(OrderStatus From, OrderStatus To), string> Announced = new()
    {
        [(Confirmed, Shipped)] = OutboxTypes.OrderShipped,
        [(Confirmed, Cancelled)] = OutboxTypes.OrderCancelled,
        [(Shipped, Delivered)] = OutboxTypes.OrderDelivered,
        [(ReturnInitiated, Returned)] = OutboxTypes.OrderReturned,
    };

    /// <summary>The moves that give the promo use back, written out independently of the product's rule: a paid order cancelled before shipment.</summary>
    private static readonly (OrderStatus From, OrderStatus To)[] GivePromoUseBack = [(PaymentAuthorized, Cancelled), (Confirmed, Cancelled)];

    private static readonly TransitionRequest Admin = new("admin@shop", "Asked by the customer", "TRACK-0001");

    public static TheoryData<OrderStatus, OrderStatus> EveryPair
    {
        get
        {
            var data = new TheoryData<OrderStatus, OrderStatus>();
            foreach (var from in Enum.GetValues<OrderStatus>())
            {
                foreach (var to in Enum.GetValues<OrderStatus>())
                {
                    data.Add(from, to);
                }
            }
            return data;
        }
    }

    public static TheoryData<OrderStatus, OrderStatus> AllowedEdges
    {
        get
        {
            var data = new TheoryData<OrderStatus, OrderStatus>();
            foreach (var (from, to) in Table)
            {
                data.Add(from, to);
            }
            return data;
        }
    }

    public static TheoryData<OrderStatus> EveryStatus => [.. Enum.GetValues<OrderStatus>()];

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void IsAllowed_ForEveryPairOfStatuses_MatchesTheAgreedTable(OrderStatus from, OrderStatus to) =>
        Assert.Equal(Table.Contains((from, to)), OrderTransitions.IsAllowed(from, to));

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void GivesPromoUseBack_ForEveryPairOfStatuses_OnlyForACancelOfAPaidOrderBeforeShipment(OrderStatus from, OrderStatus to)
    {
        Assert.Equal(GivePromoUseBack.Contains((from, to)), OrderTransitions.GivesPromoUseBack(from, to));
        Assert.All(GivePromoUseBack, move => Assert.Contains(move, Table));
    }

    [Theory]
    [MemberData(nameof(AllowedEdges))]
    public async Task TryTransition_OnEveryAllowedEdge_MovesOnceAndWritesOneHistoryRow(OrderStatus from, OrderStatus to)
    {
        await using var shop = await CreateShopAsync();
        var orderId = await OrderInAsync(shop, from);
        var before = await shop.OrderStateAsync(orderId);
        shop.Clock.Advance(TimeSpan.FromMinutes(7));
        var now = shop.Clock.GetUtcNow();

        bool first, second;
        await using (var db = await shop.DbAsync())
        {
            first = await OrderLedger.TryTransitionAsync(db, orderId, from, to, now, Admin, default);
            second = await OrderLedger.TryTransitionAsync(db, orderId, from, to, now, Admin, default);
        }

        Assert.True(first);
        Assert.False(second);
        Assert.Equal((to, before.Version + 1, before.History + 1), await shop.OrderStateAsync(orderId));
        await using var check = await shop.DbAsync();
        var row = await check.OrderStatusChanges.AsNoTracking().SingleAsync(h => h.OrderId == orderId && h.At == now);
        Assert.Equal((from, to, Admin.Actor, Admin.Reason), (row.From, row.To, row.Actor, row.Reason));
        var tracking = await check.Orders.Where(o => o.Id == orderId).Select(o => o.TrackingNumber).SingleAsync();
        Assert.Equal(to == Shipped ? Admin.TrackingNumber : null, tracking);
        Assert.Equal(Announced.GetValueOrDefault((from, to)) is { } type ? [type] : [], await AnnouncementsAsync(shop, orderId, now));
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public async Task Transition_ToEveryDisallowedStatus_ReturnsIllegalTransitionAndChangesNothing(OrderStatus from)
    {
        await using var shop = await CreateShopAsync();
        var orderId = await OrderInAsync(shop, from);
        var disallowed = Enum.GetValues<OrderStatus>().Where(to => !Table.Contains((from, to))).ToList();

        foreach (var to in disallowed)
        {
            var error = await shop.AssertRefusedAsync(ErrorCodes.IllegalTransition, () => shop.Orders.TransitionAsync(orderId, to, Admin));

            Assert.Equal($"An order that is {from.WireName()} cannot become {to.WireName()}.", error.Message);
            Assert.Equal((from.WireName(), to.WireName()), ((string?)error.Details!["from"], (string?)error.Details["to"]));
        }
        Assert.Contains(from, disallowed);
    }

    [Theory]
    [InlineData(Pending, PaymentAuthorized)]
    [InlineData(Pending, PaymentFailed)]
    [InlineData(PaymentAuthorized, Confirmed)]
    public async Task Transition_PaymentStepAskedByAPerson_ReturnsIllegalTransitionAndChangesNothing(OrderStatus from, OrderStatus to)
    {
        await using var shop = await CreateShopAsync();
        var orderId = await OrderInAsync(shop, from);

        var error = await shop.AssertRefusedAsync(ErrorCodes.IllegalTransition, () => shop.Orders.TransitionAsync(orderId, to, Admin));

        Assert.Equal($"{to.WireName()} is reached only by paying at checkout.", error.Message);
        Assert.True(OrderTransitions.IsPaymentStep(from, to));
    }

    [Fact]
    public async Task ShipAndCancel_RacingOnAConfirmedOrder_ExactlyOneWins()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("RACED", quantity: 2, stock: 10);

        var results = await RaceAsync(
            shop,
            orders => orders.ShipAsync(order.OrderId, Admin),
            orders => orders.CancelAsync(order.OrderId, Admin));

        var winner = AssertOneWinner(results);
        Assert.Equal(winner, (await shop.OrderStateAsync(order.OrderId)).Status);
        Assert.Equal(1, await shop.CountAsync(db => db.OrderStatusChanges.Where(h => h.OrderId == order.OrderId && h.From == Confirmed)));
        var stock = await shop.InventoryAsync("RACED");
        Assert.Equal(winner == Cancelled ? (10, 0) : (8, 2), (stock.Quantity, stock.Sold));
        Assert.Equal(winner == Cancelled ? 1 : 0, await RefundCountAsync(shop));
        Assert.Equal(
            winner == Cancelled ? [OutboxTypes.OrderCancelled, OutboxTypes.OrderRefunded] : [OutboxTypes.OrderShipped],
            await AnnouncementsAsync(shop, order.OrderId));
    }

    [Fact]
    public async Task Announcements_OfOneOrder_AreNumberedInTheOrderTheyWereMade()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("NUMBERED", quantity: 2, stock: 10);

        ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, Admin));

        await using var db = await shop.DbAsync();
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.AggregateId == order.OrderId).ToListAsync();
        Assert.Equal(
            [(1, OutboxTypes.OrderConfirmed), (2, OutboxTypes.OrderCancelled), (3, OutboxTypes.OrderRefunded)],
            messages.Select(m => (m.Sequence!.Value, m.Type)).OrderBy(m => m.Item1));
        Assert.Equal(3, (await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.OrderId)).LastAnnouncement);
    }

    [Fact]
    public async Task Refund_EightAtOnceOfACancelledCapture_RefundsAndAnnouncesOnce()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("RACED", quantity: 2, stock: 10);
        await shop.ForceStatusAsync(order.OrderId, Cancelled);

        var results = await RaceAsync(shop, [.. Enumerable.Repeat((OrderService orders) => orders.RefundAsync(order.OrderId, "admin@shop"), 8)]);

        // Those that read the payment after the first refund was recorded are told there is nothing left to refund.
        Assert.Contains(results, r => r.IsSuccess);
        Assert.All(results, r => Assert.True(
            r.IsSuccess ? r.Value!.Payment!.Status == PaymentStatus.Refunded : r.Error!.Message == "There is no money left to give back on this order.",
            r.Error?.Message));
        Assert.Equal(1, await RefundCountAsync(shop));
        Assert.Equal([OutboxTypes.OrderRefunded], await AnnouncementsAsync(shop, order.OrderId));
        await using var db = await shop.DbAsync();
        var refund = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AggregateId == order.OrderId && m.Type == OutboxTypes.OrderRefunded);
        Assert.Contains($"\"amountMinor\":{order.TotalMinor}", refund.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_TenAtOnceOnAConfirmedOrder_CancelsRestocksAndRefundsOnce()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("RACED", quantity: 2, stock: 10);

        var results = await RaceAsync(shop, [.. Enumerable.Repeat((OrderService orders) => orders.CancelAsync(order.OrderId, Admin), 10)]);

        Assert.Equal(Cancelled, AssertOneWinner(results));
        Assert.Equal(1, await shop.CountAsync(db => db.OrderStatusChanges.Where(h => h.OrderId == order.OrderId && h.To == Cancelled)));
        var stock = await shop.InventoryAsync("RACED");
        Assert.Equal((10, 0, 0), (stock.Quantity, stock.Reserved, stock.Sold));
        Assert.Equal(1, await RefundCountAsync(shop));
    }

    [Fact]
    public async Task Cancel_WhenConfirmed_RestocksAndRefundsTheCapture()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("CANCELLED", quantity: 2, stock: 10);
        var sold = await shop.InventoryAsync("CANCELLED");

        var cancelled = ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, Admin));

        Assert.Equal((8, 2), (sold.Quantity, sold.Sold));
        var stock = await shop.InventoryAsync("CANCELLED");
        Assert.Equal((10, 0, 0), (stock.Quantity, stock.Reserved, stock.Sold));
        Assert.Equal(Cancelled, cancelled.Status);
        Assert.Equal((PaymentStatus.Refunded, order.TotalMinor, order.TotalMinor), (cancelled.Payment!.Status, cancelled.Payment.CapturedMinor, cancelled.Payment.RefundedMinor));
        var refund = Assert.Single(await shop.GatewayOperationsAsync(GatewayOperationKind.Refund));
        Assert.Equal((GatewayOutcome.Approved, order.TotalMinor), (refund.Outcome, refund.AmountMinor));
        var last = cancelled.History[^1];
        Assert.Equal((Confirmed, Cancelled, Admin.Actor, Admin.Reason), (last.From, last.To, last.Actor, last.Reason));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Ship_WithoutTrackingNumber_ReturnsValidationAndStaysConfirmed(string? tracking)
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync();

        var error = await shop.AssertRefusedAsync(
            ErrorCodes.Validation, () => shop.Orders.ShipAsync(order.OrderId, new TransitionRequest("warehouse", TrackingNumber: tracking)));

        Assert.Equal("Shipping needs a tracking number.", error.Message);
    }

    [Fact]
    public async Task Ship_WithTrackingNumber_StoresItAndKeepsTheSale()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("SHIPPED", quantity: 2, stock: 10);

        var shipped = ResultAssert.Success(await shop.Orders.ShipAsync(order.OrderId, new TransitionRequest("warehouse", TrackingNumber: "1Z999AA10123456784")));

        Assert.Equal((Shipped, "1Z999AA10123456784"), (shipped.Status, shipped.TrackingNumber));
        Assert.Equal(order.Version + 1, shipped.Version);
        Assert.Equal(2, (await shop.InventoryAsync("SHIPPED")).Sold);
        Assert.Equal(PaymentStatus.Captured, shipped.Payment!.Status);
        Assert.Equal(0, await RefundCountAsync(shop));
    }

    [Fact]
    public async Task CompleteReturn_AfterDelivery_RestocksAndRefundsOnce()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("RETURNED", quantity: 2, stock: 10);
        ResultAssert.Success(await shop.Orders.ShipAsync(order.OrderId, Admin));
        ResultAssert.Success(await shop.Orders.DeliverAsync(order.OrderId, Admin));
        ResultAssert.Success(await shop.Orders.InitiateReturnAsync(order.OrderId, Admin));
        var beforeReturn = await shop.InventoryAsync("RETURNED");

        var returned = ResultAssert.Success(await shop.Orders.CompleteReturnAsync(order.OrderId, Admin));
        var again = await shop.AssertRefusedAsync(ErrorCodes.IllegalTransition, () => shop.Orders.CompleteReturnAsync(order.OrderId, Admin));

        Assert.Equal((8, 2), (beforeReturn.Quantity, beforeReturn.Sold));
        var stock = await shop.InventoryAsync("RETURNED");
        Assert.Equal((10, 0), (stock.Quantity, stock.Sold));
        Assert.Equal((Returned, PaymentStatus.Refunded, order.TotalMinor), (returned.Status, returned.Payment!.Status, returned.Payment.RefundedMinor));
        Assert.Equal("An order that is RETURNED cannot become RETURNED.", again.Message);
        Assert.Equal(1, await RefundCountAsync(shop));
    }

    /// <summary>A real, paid order put straight into <paramref name="status"/>.</summary>
    private static async Task<Guid> OrderInAsync(TestShop shop, OrderStatus status)
    {
        var order = await shop.PlaceConfirmedOrderAsync();
        await shop.ForceStatusAsync(order.OrderId, status);
        return order.OrderId;
    }

    /// <summary>
    /// Runs the calls at once, each on its own thread with its own DbContext, and lets none of them write before all
    /// have read the order: every loser then gets past the table check and is stopped by the compare-and-set alone.
    /// </summary>
    private static async Task<Result<OrderView>[]> RaceAsync(TestShop shop, params Func<OrderService, Task<Result<OrderView>>>[] calls)
    {
        var gate = new ReadGate("FROM orders", calls.Length);
        var orders = new OrderService(
            shop.GatedDbFactory(gate), shop.Get<IPaymentGateway>(), shop.Clock, shop.Get<CheckoutEvents>(), shop.Get<IWaitingDemand>(), shop.Get<IOptions<CheckoutOptions>>());

        var results = await Task.WhenAll(calls.Select(call => Task.Run(() => call(orders))));

        Assert.True(gate.Arrived >= calls.Length, "Every racer read the order before any wrote.");
        return results;
    }

    /// <summary>Exactly one call succeeded and every other lost the compare-and-set with a conflict; returns the winner's status.</summary>
    private static OrderStatus AssertOneWinner(Result<OrderView>[] results)
    {
        var winner = Assert.Single(results, r => r.IsSuccess);
        Assert.All(results.Where(r => !r.IsSuccess), r =>
            Assert.Equal((ErrorCodes.Conflict, "The order was changed by someone else; it is no longer CONFIRMED."), (r.Error!.Code, r.Error.Message)));
        return winner.Value!.Status;
    }

    /// <summary>The types of the order's outbox messages after its confirmation (of those written at <paramref name="at"/>, if given), in order of type.</summary>
    private static async Task<List<string>> AnnouncementsAsync(TestShop shop, Guid orderId, DateTimeOffset? at = null)
    {
        await using var db = await shop.DbAsync();
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.AggregateId == orderId && m.Type != OutboxTypes.OrderConfirmed)
            .Select(m => new { m.Type, m.CreatedAt })
            .ToListAsync();
        return [.. messages.Where(m => at is null || m.CreatedAt == at).Select(m => m.Type).Order(StringComparer.Ordinal)];
    }

    private static Task<int> RefundCountAsync(TestShop shop) =>
        shop.GatewayCallsAsync(GatewayOperationKind.Refund);
}

public sealed class OrderStateMachineTestsOnSqlite() : OrderStateMachineTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class OrderStateMachineTestsOnPostgreSQL() : OrderStateMachineTests(DatabaseProvider.PostgreSQL);
