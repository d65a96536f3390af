using System.Text.Json;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// Partial refunds through the real service and gateway (ADR 14): by lines and by amount, refusals that change
/// nothing, the gateway's refusal, the full refund of what is left, racing refunds that never exceed the capture, and
/// the sequence numbers of an order's announcements.
/// </summary>
public abstract class RefundServiceTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Admin = "admin@shop";

    [Fact]
    public async Task RefundByLines_GivesBackWhatTheShopperPaidForThoseUnits_AndCountsThem()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);

        var refund = ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Lines(("MUG", 1), ("TEE", 2))));

        // No discount and no tax on this order: each unit gives back its price.
        Assert.Equal((RefundStatus.Succeeded, 2500L + (2 * 1000)), (refund.Status, refund.AmountMinor));
        Assert.Equal([new RefundLineView("MUG", 1, 2500), new RefundLineView("TEE", 2, 2000)], refund.Lines);
        Assert.Equal((Admin, "Damaged in transit"), (refund.Actor, refund.Reason));
        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Captured, 4500L, 0L), (after.Payment!.Status, after.Payment.RefundedMinor, after.Payment.RefundPendingMinor));
        Assert.Equal([("MUG", 1), ("TEE", 2)], after.Lines.Select(l => (l.Sku, l.RefundedQuantity)));
        Assert.Equal(refund with { Lines = [] }, Assert.Single(after.Refunds) with { Lines = [] });
        Assert.Equal(refund.Lines, after.Refunds[0].Lines);
        var call = Assert.Single(await shop.GatewayOperationsAsync(GatewayOperationKind.Refund));
        Assert.Equal(($"refund-{refund.RefundId}", 4500L), (call.IdempotencyKey, call.AmountMinor));
        var message = JsonSerializer.Deserialize<OrderAnnouncements.RefundPayload>(
            (await MessagesAsync(shop, order.OrderId)).Single(m => m.Type == OutboxTypes.OrderRefunded).Payload, OutboxMessage.PayloadJson)!;
        Assert.Equal((refund.RefundId, 4500L, 4500L), (message.RefundId, message.AmountMinor, message.TotalRefundedMinor));
        Assert.Equal([new OrderAnnouncements.RefundPayloadLine("MUG", 1, 2500), new OrderAnnouncements.RefundPayloadLine("TEE", 2, 2000)], message.Lines);
    }

    [Fact]
    public async Task RefundByAmount_Twice_EachAnnouncesItsAmountAndTheTotalSoFar()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);

        var first = ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Amount(1000)));
        var second = ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Amount(550)));

        Assert.Equal((1000L, 550L), (first.AmountMinor, second.AmountMinor));
        Assert.Empty(first.Lines);
        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Captured, 1550L), (after.Payment!.Status, after.Payment.RefundedMinor));
        Assert.All(after.Lines, l => Assert.Equal(0, l.RefundedQuantity));
        var refunds = (await MessagesAsync(shop, order.OrderId)).Where(m => m.Type == OutboxTypes.OrderRefunded)
            .Select(m => JsonSerializer.Deserialize<OrderAnnouncements.RefundPayload>(m.Payload, OutboxMessage.PayloadJson)!)
            .Select(p => (p.AmountMinor, p.TotalRefundedMinor));
        Assert.Equal([(1000L, 1000L), (550L, 1550L)], refunds);
    }

    [Fact]
    public async Task RefundOfEverythingLeft_EndsThePaymentRefunded_AndNothingMoreIsRefunded()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Amount(1000)));

        ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Amount(order.TotalMinor - 1000)));

        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Refunded, order.TotalMinor), (after.Payment!.Status, after.Payment.RefundedMinor));
        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation, () => Refunds(shop).RefundAsync(order.OrderId, Amount(1)));
        Assert.Equal(["Nothing is left to refund on this order."], Fields(error)["amountMinor"]);
    }

    [Theory]
    [InlineData("amount above the capture", null, "amountMinor")]
    [InlineData("more units than bought", "MUG:3", "lines[0].quantity")]
    [InlineData("an unknown SKU", "NOPE:1", "lines[0].sku")]
    [InlineData("a SKU listed twice", "TEE:1,TEE:1", "lines[1].sku")]
    [InlineData("no units", "TEE:0", "lines[0].quantity")]
    public async Task Refund_OfMoreThanIsLeftOrOfBadLines_IsRefusedFieldByField_AndChangesNothing(string because, string? lines, string field)
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Lines(("MUG", 1))));
        var request = lines is null
            ? Amount(order.TotalMinor - 2500 + 1)
            : new RefundRequest(null, [.. lines.Split(',').Select(l => new RefundLineRequest(l.Split(':')[0], int.Parse(l.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)))], "Damaged in transit", Admin);

        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation, () => Refunds(shop).RefundAsync(order.OrderId, request));

        Assert.True(Fields(error).ContainsKey(field), because);
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Refund));
    }

    [Theory]
    [InlineData(null, null, "amountMinor")]
    [InlineData(100L, "TEE", "amountMinor")]
    [InlineData(0L, null, "amountMinor")]
    [InlineData(-5L, null, "amountMinor")]
    public void Check_WithBothOrNeitherOrNoPositiveAmount_NamesTheField(long? amount, string? sku, string field)
    {
        var error = RefundService.Check(new RefundRequest(amount, sku is null ? null : [new RefundLineRequest(sku, 1)], "why", Admin));

        Assert.True(Fields(error!).ContainsKey(field));
        Assert.Equal(["reason"], Fields(RefundService.Check(new RefundRequest(100, null, " ", Admin))!).Keys);
    }

    [Theory]
    [InlineData(OrderStatus.Cancelled)]
    [InlineData(OrderStatus.ReturnInitiated)]
    public async Task Refund_OfAnOrderWhoseStatusDoesNotAllowIt_IsAnIllegalTransition(OrderStatus status)
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        await shop.ForceStatusAsync(order.OrderId, status);

        await shop.AssertRefusedAsync(ErrorCodes.IllegalTransition, () => Refunds(shop).RefundAsync(order.OrderId, Amount(100)));
    }

    [Fact]
    public async Task Refund_OfAnUnknownOrder_IsNotFound()
    {
        await using var shop = await CreateShopAsync();

        ResultAssert.Failure(await Refunds(shop).RefundAsync(Guid.CreateVersion7(), Amount(100)), ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Cancel_AfterAPartialRefund_RefundsOnlyTheRest()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Lines(("MUG", 1))));
        shop.Clock.Advance(TimeSpan.FromMinutes(5));

        var cancelled = ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, new TransitionRequest(Admin, "Changed their mind")));

        Assert.Equal((PaymentStatus.Refunded, order.TotalMinor, 0L), (cancelled.Payment!.Status, cancelled.Payment.RefundedMinor, cancelled.Payment.RefundPendingMinor));
        Assert.Equal([2500L, order.TotalMinor - 2500], (await shop.GatewayOperationsAsync(GatewayOperationKind.Refund)).Select(o => o.AmountMinor).Order());
        Assert.Equal([(2500L, RefundStatus.Succeeded, Admin), (order.TotalMinor - 2500, RefundStatus.Succeeded, Admin)],
            cancelled.Refunds.Select(r => (r.AmountMinor, r.Status, r.Actor)));
        Assert.Equal("Order cancelled", cancelled.Refunds[1].Reason);
        ResultAssert.Failure(await shop.Orders.RefundAsync(order.OrderId, Admin), ErrorCodes.Conflict);
    }

    [Fact]
    public async Task GatewayRefusal_GivesTheAmountAndTheUnitsBack_AndMarksTheRefundFailed()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        // Most of the capture is refunded at the provider behind the shop's back: the provider refuses more than the rest.
        await using (var db = await shop.DbAsync())
        {
            var authorization = (await db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == order.OrderId)).AuthorizationId;
            Assert.True((await shop.Get<IPaymentGateway>().RefundAsync("elsewhere", authorization, order.TotalMinor - 1000)).Approved);
        }

        var error = ResultAssert.Failure(await Refunds(shop).RefundAsync(order.OrderId, Lines(("MUG", 1))), ErrorCodes.PaymentDeclined);

        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((PaymentStatus.Captured, 0L, 0L), (after.Payment!.Status, after.Payment.RefundedMinor, after.Payment.RefundPendingMinor));
        Assert.All(after.Lines, l => Assert.Equal(0, l.RefundedQuantity));
        var failed = Assert.Single(after.Refunds);
        Assert.Equal((RefundStatus.Failed, (object?)failed.RefundId), (failed.Status, error.Details!["refundId"]));
        Assert.DoesNotContain(await MessagesAsync(shop, order.OrderId), m => m.Type == OutboxTypes.OrderRefunded);
        // What was given back can be refunded again, within what the provider still holds.
        ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Amount(1000)));
    }

    [Fact]
    public async Task Refund_RetriedWithTheSameRequestId_RefundsOnce()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        var request = Amount(700) with { RequestId = Guid.CreateVersion7() };

        var first = ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, request));
        var again = ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, request));

        Assert.Equal((request.RequestId, 700L, RefundStatus.Succeeded), (first.RefundId, first.AmountMinor, first.Status));
        Assert.Equal(first with { Lines = [] }, again with { Lines = [] });
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Refund));
        Assert.Equal(700, ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId)).Payment!.RefundedMinor);
    }

    [Fact]
    public async Task EightRefundsOfThirtyPercentAtOnce_AtMostThreeSucceed_AndTheSumNeverExceedsTheCapture()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        var share = order.TotalMinor * 30 / 100;
        var refunds = Refunds(shop);

        var results = await Race.RunAsync(8, _ => refunds.RefundAsync(order.OrderId, Amount(share)));

        var won = results.Where(r => r.IsSuccess).Select(r => r.Value!).ToList();
        Assert.InRange(won.Count, 1, 3);
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal(ErrorCodes.Validation, r.Error!.Code));
        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((won.Sum(r => r.AmountMinor), 0L), (after.Payment!.RefundedMinor, after.Payment.RefundPendingMinor));
        Assert.True(after.Payment.RefundedMinor <= after.Payment.CapturedMinor);
        var paidBack = (await shop.GatewayOperationsAsync(GatewayOperationKind.Refund)).Where(o => o.Outcome == GatewayOutcome.Approved).Sum(o => o.AmountMinor);
        Assert.Equal(after.Payment.RefundedMinor, paidBack);
        Assert.Equal(won.Count, after.Refunds.Count(r => r.Status == RefundStatus.Succeeded));
    }

    [Fact]
    public async Task LineRefundsOfTheSameUnitsAtOnce_NeverRefundMoreUnitsThanBought()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        var refunds = Refunds(shop);

        var results = await Race.RunAsync(6, _ => refunds.RefundAsync(order.OrderId, Lines(("TEE", 2))));

        Assert.Single(results, r => r.IsSuccess);
        var after = ResultAssert.Success(await shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((2, 2000L), (after.Lines.Single(l => l.Sku == "TEE").RefundedQuantity, after.Payment!.RefundedMinor));
    }

    [Fact]
    public async Task Announcements_OfOneOrder_CarryStrictlyIncreasingSequenceNumbers()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);

        ResultAssert.Success(await Refunds(shop).RefundAsync(order.OrderId, Amount(100)));
        ResultAssert.Success(await shop.Orders.ShipAsync(order.OrderId, new TransitionRequest(Admin, TrackingNumber: "1Z999")));
        var refunds = Refunds(shop);
        await Race.RunAsync(4, _ => refunds.RefundAsync(order.OrderId, Amount(100)));
        ResultAssert.Success(await shop.Orders.DeliverAsync(order.OrderId, new TransitionRequest(Admin)));
        ResultAssert.Success(await shop.Orders.InitiateReturnAsync(order.OrderId, new TransitionRequest("shopper")));
        ResultAssert.Success(await shop.Orders.CompleteReturnAsync(order.OrderId, new TransitionRequest(Admin)));

        var messages = await MessagesAsync(shop, order.OrderId);
        Assert.Equal(Enumerable.Range(1, messages.Count).Select(i => (int?)i), messages.Select(m => m.Sequence));
        Assert.Equal([OutboxTypes.OrderConfirmed, OutboxTypes.OrderRefunded, OutboxTypes.OrderShipped], messages.Take(3).Select(m => m.Type));
        // The first refund, the four raced, and the rest refunded when the return was completed.
        Assert.Equal(1 + 4 + 1, messages.Count(m => m.Type == OutboxTypes.OrderRefunded));
        // The totals the refund messages carry grow in sequence order: a consumer applying them in that order is never told less than before.
        var totals = messages.Where(m => m.Type == OutboxTypes.OrderRefunded)
            .Select(m => JsonSerializer.Deserialize<OrderAnnouncements.RefundPayload>(m.Payload, OutboxMessage.PayloadJson)!.TotalRefundedMinor).ToList();
        Assert.Equal(totals.Order(), totals);
        Assert.Equal(order.TotalMinor, totals[^1]);
    }

    [Theory]
    [InlineData(RefundStatus.Succeeded)]
    [InlineData(RefundStatus.Failed)]
    public async Task RefundLedger_EveryEdge_MovesAPendingRefundOnce(RefundStatus to)
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        var now = shop.Clock.GetUtcNow();
        var refund = new Refund(Guid.CreateVersion7(now), order.OrderId, 100, [], "Goodwill", Admin, now);

        bool first, second;
        await using (var db = await shop.DbAsync())
        {
            await RefundLedger.OpenAsync(db, refund, default);
            first = await RefundLedger.TryFinishAsync(db, refund.Id, to, "gw_1", now, default);
            second = await RefundLedger.TryFinishAsync(db, refund.Id, to == RefundStatus.Failed ? RefundStatus.Succeeded : RefundStatus.Failed, "gw_2", now, default);
        }

        Assert.Equal((true, false), (first, second));
        await using var check = await shop.DbAsync();
        var stored = await check.Refunds.AsNoTracking().SingleAsync(r => r.Id == refund.Id);
        Assert.Equal((to, "gw_1", (DateTimeOffset?)now), (stored.Status, stored.GatewayRefundId, stored.CompletedAt));
    }

    [Fact]
    public async Task PaymentLedger_TakesNoMoreThanIsLeft_AndRecordsOrGivesBackOnlyWhatIsPending()
    {
        await using var shop = await CreateShopAsync();
        var order = await TwoLineOrderAsync(shop);
        var now = shop.Clock.GetUtcNow();
        await using var db = await shop.DbAsync();

        Assert.False(await PaymentLedger.TryTakeForRefundAsync(db, order.OrderId, order.TotalMinor + 1, now, default));
        Assert.True(await PaymentLedger.TryTakeForRefundAsync(db, order.OrderId, order.TotalMinor - 100, now, default));
        Assert.False(await PaymentLedger.TryTakeForRefundAsync(db, order.OrderId, 101, now, default));
        Assert.True(await PaymentLedger.TryTakeForRefundAsync(db, order.OrderId, 100, now, default));
        Assert.False(await PaymentLedger.ReleaseRefundAsync(db, order.OrderId, order.TotalMinor + 1, now, default));
        Assert.True(await PaymentLedger.ReleaseRefundAsync(db, order.OrderId, 100, now, default));
        Assert.True(await PaymentLedger.RecordRefundAsync(db, order.OrderId, order.TotalMinor - 200, now, default));
        Assert.Equal((PaymentStatus.Captured, order.TotalMinor - 200, 100L), await PaymentAsync());
        Assert.False(await PaymentLedger.RecordRefundAsync(db, order.OrderId, 101, now, default));
        Assert.True(await PaymentLedger.RecordRefundAsync(db, order.OrderId, 100, now, default));
        Assert.Equal((PaymentStatus.Captured, order.TotalMinor - 100, 0L), await PaymentAsync());
        Assert.True(await PaymentLedger.TryTakeForRefundAsync(db, order.OrderId, 100, now, default));
        Assert.True(await PaymentLedger.RecordRefundAsync(db, order.OrderId, 100, now, default));
        // All of the capture refunded: Captured → Refunded, and nothing more is taken.
        Assert.Equal((PaymentStatus.Refunded, order.TotalMinor, 0L), await PaymentAsync());
        Assert.False(await PaymentLedger.TryTakeForRefundAsync(db, order.OrderId, 1, now, default));

        async Task<(PaymentStatus, long, long)> PaymentAsync()
        {
            await using var check = await shop.DbAsync();
            var payment = await check.Payments.AsNoTracking().SingleAsync(p => p.OrderId == order.OrderId);
            return (payment.Status, payment.RefundedMinor, payment.RefundPendingMinor);
        }
    }

    /// <summary>A confirmed order of 2 × MUG at 25.00 and 3 × TEE at 10.00, shipped to Portland.</summary>
    private static async Task<OrderView> TwoLineOrderAsync(TestShop shop)
    {
        await shop.AddProductAsync("MUG", priceMinor: 2500);
        await shop.AddProductAsync("TEE", priceMinor: 1000);
        var checkout = await shop.OpenCheckoutAsync(lines: [("MUG", 2), ("TEE", 3)]);
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal((OrderStatus.Confirmed, 0L), (placed.Order.Status, placed.Order.DiscountMinor));
        return placed.Order;
    }

    private static RefundService Refunds(TestShop shop) => shop.Get<RefundService>();

    private static RefundRequest Amount(long amountMinor) => new(amountMinor, null, "Goodwill", Admin);

    private static RefundRequest Lines(params (string Sku, int Quantity)[] lines) =>
        new(null, [.. lines.Select(l => new RefundLineRequest(l.Sku, l.Quantity))], "Damaged in transit", Admin);

    private static IReadOnlyDictionary<string, string[]> Fields(Error error) => (IReadOnlyDictionary<string, string[]>)error.Details!["errors"]!;

    /// <summary>The order's outbox messages in sequence order.</summary>
    private static async Task<List<OutboxMessage>> MessagesAsync(TestShop shop, Guid orderId)
    {
        await using var db = await shop.DbAsync();
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.AggregateId == orderId).ToListAsync();
        return [.. messages.OrderBy(m => m.Sequence)];
    }
}

public sealed class RefundServiceTestsOnSqlite() : RefundServiceTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class RefundServiceTestsOnPostgreSQL() : RefundServiceTests(DatabaseProvider.PostgreSQL);
