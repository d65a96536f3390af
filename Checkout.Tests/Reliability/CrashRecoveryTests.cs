using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Reliability;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkout.Tests.Reliability;

/// <summary>
/// The process dies at each point of a checkout; then either the shopper retries the whole checkout or the reconciler
/// (with the sweeper and the outbox dispatcher) cleans up. Either way: no lost order, no double charge, no stuck hold,
/// and each confirmed order reaches fulfillment once.
/// </summary>
public abstract class CrashRecoveryTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Sku = "CRASH";
    private const int Stock = 5;
    private const int Quantity = 2;
    private const string Promo = "ONCE";

    /// <summary>Past the hold (15 min), the reconciler's wait (2 min) and the invariants' recovery window (30 min).</summary>
    private static readonly TimeSpan Later = TimeSpan.FromMinutes(31);

    /// <summary>Each point, with what the process left behind: order status, authorizations, captures, unsent outbox messages.</summary>
    public static TheoryData<CheckoutFaultPoint, OrderStatus, int, int, int> LeftBehind => new()
    {
        { CheckoutFaultPoint.BeforeAuthorize, OrderStatus.Pending, 0, 0, 0 },
        { CheckoutFaultPoint.AuthorizedNotRecorded, OrderStatus.Pending, 1, 0, 0 },
        { CheckoutFaultPoint.RecordedNotCaptured, OrderStatus.PaymentAuthorized, 1, 0, 0 },
        { CheckoutFaultPoint.CapturedNotConfirmed, OrderStatus.PaymentAuthorized, 1, 1, 0 },
        { CheckoutFaultPoint.ConfirmedNotDispatched, OrderStatus.Confirmed, 1, 1, 1 },
    };

    public static TheoryData<CheckoutFaultPoint> Points => [.. Enum.GetValues<CheckoutFaultPoint>()];

    /// <summary>
    /// The reconciler's rule per point: what had no recorded authorization when its checkout ended is undone (CANCELLED,
    /// any authorization voided); what had its authorization recorded is completed (CONFIRMED).
    /// </summary>
    /// <remarks>The counts are the reconciler pass's report: orders it cancelled, orders it confirmed.</remarks>
    public static TheoryData<CheckoutFaultPoint, OrderStatus, int, int> ReconcilerOutcome => new()
    {
        { CheckoutFaultPoint.BeforeAuthorize, OrderStatus.Cancelled, 1, 0 },
        { CheckoutFaultPoint.AuthorizedNotRecorded, OrderStatus.Cancelled, 1, 0 },
        { CheckoutFaultPoint.RecordedNotCaptured, OrderStatus.Confirmed, 0, 1 },
        { CheckoutFaultPoint.CapturedNotConfirmed, OrderStatus.Confirmed, 0, 1 },
        { CheckoutFaultPoint.ConfirmedNotDispatched, OrderStatus.Confirmed, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(LeftBehind))]
    public async Task Crash_StopsTheCheckoutWhereThePointSays(
        CheckoutFaultPoint point, OrderStatus status, int authorizations, int captures, int unsent)
    {
        await using var shop = await CreateShopAsync();

        var checkout = await CrashAsync(shop, point);

        await using var db = await shop.DbAsync();
        Assert.Equal(status, (await db.Orders.SingleAsync()).Status);
        Assert.Equal(authorizations, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(captures, await shop.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(unsent, await db.OutboxMessages.CountAsync(m => m.SentAt == null));
        var session = await db.CheckoutSessions.SingleAsync(s => s.Id == checkout.SessionId);
        Assert.Equal(status == OrderStatus.Pending ? CheckoutSessionStatus.Open : CheckoutSessionStatus.Completed, session.Status);
    }

    [Theory]
    [MemberData(nameof(Points))]
    public async Task CrashAt_ThenTheShopperRetriesTheWholeCheckout_ConfirmsOnceChargesOnceAndShipsOnce(CheckoutFaultPoint point)
    {
        await using var shop = await CreateShopAsync();
        var checkout = await CrashAsync(shop, point);

        // The browser sends the same client-minted session id again: start (a no-op now), then pay.
        ResultAssert.Success(await shop.Checkouts.StartAsync(StartRequest(checkout)));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.SessionId, Cards.Approved));

        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        // Only the call that confirmed the order says it is new: the crashed one, when it got that far.
        Assert.Equal(point == CheckoutFaultPoint.ConfirmedNotDispatched, placed.Replayed);
        shop.Clock.Advance(Later);
        await shop.Get<HoldSweeper>().SweepOnceAsync();
        Assert.Equal(new ReconcileReport(0, 0, 0), await shop.Get<OrderReconciler>().ReconcileOnceAsync());
        await DispatchTwiceAsync(shop);
        await AssertRecoveredAsync(shop, checkout, OrderStatus.Confirmed);
    }

    [Theory]
    [MemberData(nameof(ReconcilerOutcome))]
    public async Task CrashAt_ThenTheReconcilerCleansUp_NoLostOrderNoDoubleChargeNoStuckHold(
        CheckoutFaultPoint point, OrderStatus outcome, int cancelled, int confirmed)
    {
        await using var shop = await CreateShopAsync();
        var checkout = await CrashAsync(shop, point);

        shop.Clock.Advance(Later);
        await shop.Get<HoldSweeper>().SweepOnceAsync();
        var reconciled = await shop.Get<OrderReconciler>().ReconcileOnceAsync();
        await DispatchTwiceAsync(shop);

        Assert.Equal(new ReconcileReport(cancelled, confirmed, 0), reconciled);
        await AssertRecoveredAsync(shop, checkout, outcome);
        // Idempotent: a second pass finds nothing left to do and changes nothing.
        var recovered = await shop.SnapshotAsync();
        Assert.Equal(new ReconcileReport(0, 0, 0), await shop.Get<OrderReconciler>().ReconcileOnceAsync());
        Assert.Equal(recovered, await shop.SnapshotAsync());
    }

    [Fact]
    public async Task Reconciler_WhileTheCheckoutIsStillOpen_LeavesTheUnrecordedAuthorizationToTheShoppersRetry()
    {
        await using var shop = await CreateShopAsync();
        var checkout = await CrashAsync(shop, CheckoutFaultPoint.AuthorizedNotRecorded);
        var crashed = await shop.SnapshotAsync();

        // Past the reconciler's wait, not yet past the hold: the shopper can still finish this checkout.
        shop.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await shop.Get<HoldSweeper>().SweepOnceAsync());
        Assert.Equal(new ReconcileReport(0, 0, 0), await shop.Get<OrderReconciler>().ReconcileOnceAsync());
        Assert.Equal(crashed, await shop.SnapshotAsync());

        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.SessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
    }

    [Fact]
    public async Task Reconciler_WhenTheGatewayCannotLookCallsUp_NeverCancelsAnOrderThatMayHoldMoney()
    {
        await using var shop = await CreateShopAsync();
        var checkout = await CrashAsync(shop, CheckoutFaultPoint.AuthorizedNotRecorded);
        shop.Clock.Advance(Later);
        Assert.Equal(1, await shop.Get<HoldSweeper>().SweepOnceAsync());
        var blind = ActivatorUtilities.CreateInstance<OrderReconciler>(shop.Services, new GatewayWithoutLookup(shop.Get<IPaymentGateway>()));

        Assert.Equal(new ReconcileReport(0, 0, 0), await blind.ReconcileOnceAsync());
        Assert.Equal(OrderStatus.Pending, (await shop.OrderStateAsync(await OrderIdAsync(shop))).Status);

        // A gateway that can tell lets the next pass void the authorization and cancel.
        Assert.Equal(new ReconcileReport(1, 0, 0), await shop.Get<OrderReconciler>().ReconcileOnceAsync());
        await AssertRecoveredAsync(shop, checkout, OrderStatus.Cancelled);
    }

    [Fact]
    public async Task Reconciler_ACaptureTheOrderNeverRecorded_IsRefundedWhenTheOrderWasCancelledMeanwhile()
    {
        await using var shop = await CreateShopAsync();
        var checkout = await CrashAsync(shop, CheckoutFaultPoint.CapturedNotConfirmed);
        var orderId = await OrderIdAsync(shop);
        // An admin cancels the stuck order before the reconciler runs: its void is refused, the money was captured.
        var cancelled = ResultAssert.Success(await shop.Orders.CancelAsync(orderId, new TransitionRequest("admin", "Stuck")));
        Assert.Equal(PaymentStatus.Authorized, cancelled.Payment!.Status);

        shop.Clock.Advance(Later);
        Assert.Equal(new ReconcileReport(0, 0, 1), await shop.Get<OrderReconciler>().ReconcileOnceAsync());

        await using var db = await shop.DbAsync();
        var payment = await db.Payments.AsNoTracking().SingleAsync();
        Assert.Equal((PaymentStatus.Refunded, payment.AmountMinor, payment.AmountMinor), (payment.Status, payment.CapturedMinor, payment.RefundedMinor));
        Assert.Equal(1, (await shop.GatewayOperationsAsync(GatewayOperationKind.Refund)).Count(o => o.Outcome == GatewayOutcome.Approved));
        Assert.Equal((Stock, 0, 0), StockOf(await shop.InventoryAsync(Sku)));
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
        Assert.Equal(CheckoutSessionStatus.Completed, (await db.CheckoutSessions.SingleAsync(s => s.Id == checkout.SessionId)).Status);
        Assert.Equal(new ReconcileReport(0, 0, 0), await shop.Get<OrderReconciler>().ReconcileOnceAsync());
    }

    [Fact]
    public async Task Reconciler_OnTwoInstancesAtOnce_RecoversEachOrderOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync(Sku, priceMinor: 2000, stock: 20);
        var crashed = new List<CrashedCheckout>();
        foreach (var point in Enum.GetValues<CheckoutFaultPoint>())
        {
            crashed.Add(await CrashCheckoutAsync(shop, point));
        }
        shop.Clock.Advance(Later);
        Assert.Equal(2, await shop.Get<HoldSweeper>().SweepOnceAsync());
        var instances = new[] { shop.Get<OrderReconciler>(), ActivatorUtilities.CreateInstance<OrderReconciler>(shop.Services) };

        var reports = await Race.RunAsync(instances.Length, i => instances[i].ReconcileOnceAsync());

        Assert.Equal((2, 2), (reports.Sum(r => r.Cancelled), reports.Sum(r => r.Confirmed)));
        await DispatchTwiceAsync(shop);
        await using var db = await shop.DbAsync();
        var statuses = await db.Orders.AsNoTracking().Select(o => new { o.CheckoutSessionId, o.Status }).ToListAsync();
        Assert.Equal(
            [OrderStatus.Cancelled, OrderStatus.Cancelled, OrderStatus.Confirmed, OrderStatus.Confirmed, OrderStatus.Confirmed],
            crashed.Select(c => statuses.Single(s => s.CheckoutSessionId == c.SessionId).Status));
        var transitions = await db.OrderStatusChanges.AsNoTracking().Select(h => new { h.OrderId, h.From, h.To }).ToListAsync();
        Assert.Equal(transitions.Count, transitions.Distinct().Count());
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Void));
        Assert.Equal(3, await shop.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(3, await db.OutboxMessages.CountAsync(m => m.SentAt != null));
        Assert.Equal(3, await db.ShipmentRequests.CountAsync());
        Assert.Equal(0, await db.Holds.CountAsync(h => h.Status == HoldStatus.Active));
        Assert.Equal((20 - (3 * Quantity), 0, 3 * Quantity), StockOf(await shop.InventoryAsync(Sku)));
    }

    [Fact]
    public async Task ReconcilerService_CompletesAStuckOrderOnItsInterval()
    {
        await using var shop = await CreateShopAsync(new Dictionary<string, string?>
        {
            ["Checkout:ReconcileInterval"] = "00:01:00",
            ["Checkout:ReconcileAfter"] = "00:02:00",
        });
        var checkout = await CrashAsync(shop, CheckoutFaultPoint.RecordedNotCaptured);
        var service = shop.Services.GetServices<IHostedService>().OfType<OrderReconcilerService>().Single();
        await service.StartAsync(CancellationToken.None);
        try
        {
            shop.Clock.Advance(TimeSpan.FromMinutes(3));

            await Eventually.TrueAsync(
                async () => await shop.CountAsync(db => db.Orders.Where(o => o.Status == OrderStatus.Confirmed)) == 1, "the reconciler confirmed the order");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
        await DispatchTwiceAsync(shop);
        await AssertRecoveredAsync(shop, checkout, OrderStatus.Confirmed);
    }

    [Fact]
    public async Task Dispatch_WhenTheProcessStopsAfterPublishingBeforeMarkingSent_TheNextPassPublishesAgainAndFulfillmentKeepsOne()
    {
        await using var shop = await CreateShopAsync();
        var checkout = await CrashAsync(shop, CheckoutFaultPoint.ConfirmedNotDispatched);
        var stopping = shop.DispatcherFor(new StopsAfterPublishing(shop.Get<IEnumerable<IOutboxConsumer>>().Single()));

        await Assert.ThrowsAsync<OperationCanceledException>(() => stopping.DispatchOnceAsync());
        Assert.Equal(1, await shop.CountAsync(db => db.OutboxMessages.Where(m => m.SentAt == null)));
        Assert.Equal(1, await shop.CountAsync(db => db.ShipmentRequests));

        // The stopped dispatcher's claim on the message lapses; then the next pass publishes it again.
        Assert.Equal(0, await shop.Get<OutboxDispatcher>().DispatchOnceAsync());
        shop.Clock.Advance(OutboxDispatcher.ClaimFor);
        Assert.Equal(1, await shop.Get<OutboxDispatcher>().DispatchOnceAsync());
        await AssertRecoveredAsync(shop, checkout, OrderStatus.Confirmed);
    }

    private sealed record CrashedCheckout(Guid SessionId, Guid CartId);

    /// <summary>A product, a promo with one use, a checkout with a client-minted id, and a payment whose process dies at <paramref name="point"/>.</summary>
    private static async Task<CrashedCheckout> CrashAsync(TestShop shop, CheckoutFaultPoint point)
    {
        await shop.AddProductAsync(Sku, priceMinor: 2000, stock: Stock);
        await shop.AddPromoAsync(new PromoCode(Promo, PromoKind.Percentage, 10, usageLimit: 1));
        return await CrashCheckoutAsync(shop, point, Promo);
    }

    private static async Task<CrashedCheckout> CrashCheckoutAsync(TestShop shop, CheckoutFaultPoint point, string? promo = null)
    {
        var checkout = new CrashedCheckout(Guid.NewGuid(), await shop.CartWithAsync((Sku, Quantity)));
        ResultAssert.Success(await shop.Checkouts.StartAsync(StartRequest(checkout, promo)));
        var dying = ActivatorUtilities.CreateInstance<PlaceOrderService>(shop.Services, new CrashAt(point));
        var crash = await Assert.ThrowsAsync<SimulatedCrash>(() => dying.PlaceAsync(checkout.SessionId, Cards.Approved));
        Assert.Equal(point, crash.Point);
        return checkout;
    }

    private static StartCheckout StartRequest(CrashedCheckout checkout, string? promo = Promo) =>
        new(checkout.CartId, "shopper@example.com", "Sam Shopper", promo, checkout.SessionId, ShippingAddress: TestAddresses.Portland);

    private static async Task DispatchTwiceAsync(TestShop shop)
    {
        var dispatcher = shop.Get<OutboxDispatcher>();
        await dispatcher.DispatchOnceAsync();
        Assert.Equal(0, await dispatcher.DispatchOnceAsync());
    }

    private static async Task<Guid> OrderIdAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.Orders.Select(o => o.Id).SingleAsync();
    }

    private static (int Quantity, int Reserved, int Sold) StockOf(InventoryItem item) => (item.Quantity, item.Reserved, item.Sold);

    /// <summary>
    /// The checkout ended as <paramref name="outcome"/> with nothing lost or doubled: one order; at most one authorization
    /// and capture (exactly one of each when confirmed); no active hold; confirmed means captured, sold and shipped once;
    /// cancelled means no money held, stock and promo use back. And the shop's own invariants hold.
    /// </summary>
    private static async Task AssertRecoveredAsync(TestShop shop, CrashedCheckout checkout, OrderStatus outcome)
    {
        await using var db = await shop.DbAsync();
        var order = await db.Orders.AsNoTracking().SingleAsync(o => o.CheckoutSessionId == checkout.SessionId);
        Assert.Equal(outcome, order.Status);
        var authorizations = await shop.GatewayOperationsAsync(GatewayOperationKind.Authorize);
        var captures = (await shop.GatewayOperationsAsync(GatewayOperationKind.Capture)).Where(o => o.Outcome == GatewayOutcome.Approved).ToList();
        var voids = (await shop.GatewayOperationsAsync(GatewayOperationKind.Void)).Where(o => o.Outcome == GatewayOutcome.Approved).ToList();
        var payment = await db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.OrderId == order.Id);
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.AggregateId == order.Id).ToListAsync();
        var shipments = await db.ShipmentRequests.AsNoTracking().Where(s => s.OrderId == order.Id).ToListAsync();
        var promo = await db.PromoCodes.AsNoTracking().SingleAsync(p => p.Code == Promo);

        Assert.True(authorizations.Count <= 1, $"{authorizations.Count} authorizations");
        Assert.All(authorizations, a => Assert.Equal($"{GatewayOperationKind.Authorize}:{checkout.SessionId}", a.Key));
        Assert.True(captures.Count <= 1, $"{captures.Count} captures");
        Assert.Equal(0, await db.Holds.CountAsync(h => h.Status == HoldStatus.Active));
        if (outcome == OrderStatus.Confirmed)
        {
            Assert.Single(authorizations);
            Assert.Equal(payment!.AuthorizationId, Assert.Single(captures).ParentTransactionId);
            Assert.Equal((PaymentStatus.Captured, order.TotalMinor), (payment.Status, payment.CapturedMinor));
            var message = Assert.Single(messages);
            Assert.NotNull(message.SentAt);
            Assert.Equal(message.Id, Assert.Single(shipments).MessageId);
            Assert.Equal((Stock - Quantity, 0, Quantity), StockOf(await shop.InventoryAsync(Sku)));
            Assert.Equal(1, promo.Used);
        }
        else
        {
            Assert.Empty(captures);
            Assert.Null(payment);
            foreach (var authorization in authorizations)
            {
                Assert.True(voids.Any(v => v.ParentTransactionId == authorization.TransactionId), "the authorization was voided");
            }
            Assert.Empty(messages);
            Assert.Empty(shipments);
            Assert.Equal((Stock, 0, 0), StockOf(await shop.InventoryAsync(Sku)));
            Assert.Equal(0, promo.Used);
        }
        Assert.All(await shop.Get<InvariantsService>().CheckAsync(), c => Assert.True(c.Holds, $"{c.Name}: {string.Join(", ", c.Offenders)}"));
    }

    /// <summary>Hands the message to fulfillment, then the host stops before the dispatcher can mark it sent.</summary>
    private sealed class StopsAfterPublishing(IOutboxConsumer inner) : IOutboxConsumer
    {
        public string Name => inner.Name;

        public IReadOnlySet<string> Types => inner.Types;

        public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
        {
            await inner.DeliverAsync(message, ct);
            throw new OperationCanceledException("The host is stopping.");
        }
    }
}

public sealed class CrashRecoveryTestsOnSqlite() : CrashRecoveryTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class CrashRecoveryTestsOnPostgreSQL() : CrashRecoveryTests(DatabaseProvider.PostgreSQL);
