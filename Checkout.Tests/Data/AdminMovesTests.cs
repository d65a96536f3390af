using Checkout.Data.Orders;
using Checkout.Data.Payments;

namespace Checkout.Tests.Data;

/// <summary>
/// What the back office may do with an order: the admin's steps of the transition table (never the shopper's return,
/// never a payment step), a refund only while a cancelled or returned order still holds the shopper's money, and a
/// reason when there is nothing to do. Pure: orders are built by hand, no database.
/// </summary>
public class AdminMovesTests
{
    public static TheoryData<OrderStatus, AdminMoveKind[]> StepsPerStatus => new()
    {
        { OrderStatus.Pending, [AdminMoveKind.Cancel] },
        { OrderStatus.PaymentAuthorized, [AdminMoveKind.Cancel] },
        { OrderStatus.Confirmed, [AdminMoveKind.Ship, AdminMoveKind.Cancel] },
        { OrderStatus.Shipped, [AdminMoveKind.Deliver] },
        { OrderStatus.Delivered, [] },
        { OrderStatus.ReturnInitiated, [AdminMoveKind.AcceptReturn] },
        { OrderStatus.PaymentFailed, [AdminMoveKind.Cancel] },
        { OrderStatus.Cancelled, [] },
        { OrderStatus.Returned, [] },
    };

    [Theory]
    [MemberData(nameof(StepsPerStatus))]
    public void WithoutMoneyLeft_TheStepsAreTheAdminsPartOfTheTransitionTable(OrderStatus status, AdminMoveKind[] expected)
    {
        var moves = AdminMoves.For(Order(status, Payment(PaymentStatus.Voided)));

        Assert.Equal(expected, moves.Moves.Select(m => m.Kind));
        Assert.All(moves.Moves, m => Assert.True(OrderTransitions.IsAllowed(status, m.To!.Value)));
        Assert.All(moves.Moves, m => Assert.False(OrderTransitions.IsPaymentStep(status, m.To!.Value)));
    }

    [Fact]
    public void AReturn_IsNeverOffered_TheShopperStartsIt()
    {
        var moves = AdminMoves.For(Order(OrderStatus.Delivered, Payment(PaymentStatus.Captured)));

        Assert.Empty(moves.Moves);
        Assert.Equal(AdminIdleReason.WaitsForShopper, moves.Idle);
    }

    [Fact]
    public void EachStep_LeadsToItsStatus_AndOnlyShippingNeedsATrackingNumber()
    {
        var confirmed = AdminMoves.For(Order(OrderStatus.Confirmed, Payment(PaymentStatus.Captured))).Moves;
        var shipped = AdminMoves.For(Order(OrderStatus.Shipped, Payment(PaymentStatus.Captured))).Moves;
        var returning = AdminMoves.For(Order(OrderStatus.ReturnInitiated, Payment(PaymentStatus.Captured))).Moves;

        Assert.Equal(
            [
                new AdminMove(AdminMoveKind.Ship, OrderStatus.Shipped, NeedsTracking: true),
                new AdminMove(AdminMoveKind.Cancel, OrderStatus.Cancelled),
                new AdminMove(AdminMoveKind.Deliver, OrderStatus.Delivered),
                new AdminMove(AdminMoveKind.AcceptReturn, OrderStatus.Returned),
            ],
            [.. confirmed, .. shipped, .. returning]);
    }

    [Theory]
    [InlineData(OrderStatus.Cancelled, PaymentStatus.Captured, 4999L)]
    [InlineData(OrderStatus.Returned, PaymentStatus.Captured, 4999L)]
    [InlineData(OrderStatus.Cancelled, PaymentStatus.Authorized, 5200L)]
    [InlineData(OrderStatus.Returned, PaymentStatus.Authorized, 5200L)]
    public void AnOrderThatIsOver_WithMoneyLeft_OffersOnlyARefundOfThatMoney(OrderStatus status, PaymentStatus payment, long refund)
    {
        var moves = AdminMoves.For(Order(status, Payment(payment, authorized: 5200, captured: payment == PaymentStatus.Captured ? 4999 : 0)));

        var move = Assert.Single(moves.Moves);
        Assert.Equal(new AdminMove(AdminMoveKind.Refund, null, RefundMinor: refund), move);
        Assert.Null(moves.Idle);
    }

    [Theory]
    [InlineData(OrderStatus.Cancelled, PaymentStatus.Voided)]
    [InlineData(OrderStatus.Cancelled, PaymentStatus.Refunded)]
    [InlineData(OrderStatus.Returned, PaymentStatus.Refunded)]
    [InlineData(OrderStatus.Cancelled, null)]
    [InlineData(OrderStatus.Returned, null)]
    public void AnOrderThatIsOver_WithoutMoneyLeft_IsClosed(OrderStatus status, PaymentStatus? payment)
    {
        var moves = AdminMoves.For(Order(status, payment is { } p ? Payment(p) : null));

        Assert.Empty(moves.Moves);
        Assert.Equal(AdminIdleReason.Closed, moves.Idle);
    }

    [Theory]
    [InlineData(OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Shipped)]
    [InlineData(OrderStatus.Delivered)]
    [InlineData(OrderStatus.ReturnInitiated)]
    [InlineData(OrderStatus.PaymentAuthorized)]
    public void AnOrderStillUnderWay_IsNeverRefunded_EvenWithMoneyCaptured(OrderStatus status)
    {
        var moves = AdminMoves.For(Order(status, Payment(PaymentStatus.Captured)));

        Assert.DoesNotContain(moves.Moves, m => m.Kind == AdminMoveKind.Refund);
    }

    [Fact]
    public void AnOrderWithSteps_HasNoIdleReason()
    {
        Assert.All(Enum.GetValues<OrderStatus>(), status =>
        {
            var moves = AdminMoves.For(Order(status, Payment(PaymentStatus.Captured)));
            Assert.Equal(moves.Moves.Count == 0, moves.Idle is not null);
        });
    }

    [Fact]
    public void TheRefundRule_IsTheOneTheServiceApplies()
    {
        var pairs = from order in Enum.GetValues<OrderStatus>()
                    from payment in Enum.GetValues<PaymentStatus>()
                    select (order, payment);

        Assert.All(pairs, p => Assert.Equal(
            p.order is OrderStatus.Cancelled or OrderStatus.Returned && p.payment is PaymentStatus.Authorized or PaymentStatus.Captured,
            RefundRule.Applies(p.order, p.payment)));
    }

    private static PaymentView Payment(PaymentStatus status, long authorized = 4999, long captured = 4999) =>
        new(status, authorized, status is PaymentStatus.Captured or PaymentStatus.Refunded ? captured : 0,
            status == PaymentStatus.Refunded ? captured : 0, "Visa", "4242");

    private static OrderView Order(OrderStatus status, PaymentView? payment) => new(
        Guid.NewGuid(), "CK-TEST", Guid.NewGuid(), status, Version: 1, "shopper@example.com",
        [new OrderLineView("MUG", "Mug", 1, 4500, 4500)], SubtotalMinor: 4500, DiscountMinor: 0, ShippingMinor: 499, TotalMinor: 4999,
        "USD", PromoCode: null, TrackingNumber: null, CreatedAt: DateTimeOffset.UnixEpoch, payment, History: [], Refunds: []);
}
