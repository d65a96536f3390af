using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Promotions;
using Checkout.Data.Waitlist;

namespace Checkout.Tests.Data;

/// <summary>The agreed moves of every status-bearing entity except orders (see OrderStateMachineTests), written out independently of the product's tables.</summary>
internal static class AgreedTransitions
{
    public static readonly (CartStatus From, CartStatus To)[] Cart =
    [
        (CartStatus.Open, CartStatus.CheckedOut),
    ];

    public static readonly (CheckoutSessionStatus From, CheckoutSessionStatus To)[] Session =
    [
        (CheckoutSessionStatus.Open, CheckoutSessionStatus.Completed),
        (CheckoutSessionStatus.Open, CheckoutSessionStatus.Failed),
        (CheckoutSessionStatus.Open, CheckoutSessionStatus.Expired),
        (CheckoutSessionStatus.Open, CheckoutSessionStatus.Cancelled),
    ];

    public static readonly (HoldStatus From, HoldStatus To)[] Hold =
    [
        (HoldStatus.Active, HoldStatus.Converted),
        (HoldStatus.Active, HoldStatus.Released),
    ];

    public static readonly (WaitlistStatus From, WaitlistStatus To)[] Waitlist =
    [
        (WaitlistStatus.Waiting, WaitlistStatus.Offered),
        (WaitlistStatus.Waiting, WaitlistStatus.Cancelled),
        (WaitlistStatus.Offered, WaitlistStatus.Claimed),
        (WaitlistStatus.Offered, WaitlistStatus.Expired),
        (WaitlistStatus.Offered, WaitlistStatus.Cancelled),
    ];

    public static readonly (RedemptionStatus From, RedemptionStatus To)[] Redemption =
    [
        (RedemptionStatus.Reserved, RedemptionStatus.Consumed),
        (RedemptionStatus.Reserved, RedemptionStatus.Released),
        (RedemptionStatus.Consumed, RedemptionStatus.Released),
    ];

    public static readonly (PaymentStatus From, PaymentStatus To)[] Payment =
    [
        (PaymentStatus.Authorized, PaymentStatus.Captured),
        (PaymentStatus.Authorized, PaymentStatus.Voided),
        (PaymentStatus.Captured, PaymentStatus.Refunded),
    ];

    public static readonly (RefundStatus From, RefundStatus To)[] Refund =
    [
        (RefundStatus.Pending, RefundStatus.Succeeded),
        (RefundStatus.Pending, RefundStatus.Failed),
    ];
}

/// <summary>
/// One product transition table against its agreed table: every pair of statuses, <see cref="TransitionTable{TStatus}.Require"/>
/// for every pair, and the constructor's refusal of a table with a row missing. One sealed subclass per table below.
/// </summary>
public abstract class TransitionTableTests<TStatus>
    where TStatus : struct, Enum
{
    /// <summary>The agreed table, written out in the test.</summary>
    protected abstract (TStatus From, TStatus To)[] Agreed { get; }

    /// <summary>The product's table.</summary>
    protected abstract TransitionTable<TStatus> Product { get; }

    public static TheoryData<TStatus, TStatus> EveryPair
    {
        get
        {
            var data = new TheoryData<TStatus, TStatus>();
            foreach (var from in Enum.GetValues<TStatus>())
            {
                foreach (var to in Enum.GetValues<TStatus>())
                {
                    data.Add(from, to);
                }
            }
            return data;
        }
    }

    public static TheoryData<TStatus> EveryStatus => [.. Enum.GetValues<TStatus>()];

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void IsAllowed_ForEveryPairOfStatuses_MatchesTheAgreedTable(TStatus from, TStatus to) =>
        Assert.Equal(Agreed.Contains((from, to)), Product.IsAllowed(from, to));

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Require_ForEveryPairOfStatuses_ThrowsExactlyOutsideTheAgreedTable(TStatus from, TStatus to)
    {
        var error = Record.Exception(() => Product.Require(to, from));

        if (Agreed.Contains((from, to)))
        {
            Assert.Null(error);
        }
        else
        {
            var refused = Assert.IsType<InvalidOperationException>(error);
            Assert.Equal($"{typeof(TStatus).Name} {from} → {to} is not in the transition table.", refused.Message);
        }
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void Require_WithSeveralFromStatuses_ThrowsWhenAnyOneIsOutsideTheAgreedTable(TStatus to)
    {
        var allowedFrom = Agreed.Where(e => e.To.Equals(to)).Select(e => e.From).ToArray();

        Assert.Null(Record.Exception(() => Product.Require(to, allowedFrom)));
        foreach (var outsider in Enum.GetValues<TStatus>().Except(allowedFrom))
        {
            Assert.Throws<InvalidOperationException>(() => Product.Require(to, [.. allowedFrom, outsider]));
        }
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void From_ForEveryStatus_MatchesTheAgreedTable_TerminalOnesEmpty(TStatus from)
    {
        var agreedTargets = Agreed.Where(e => e.From.Equals(from)).Select(e => e.To).Order().ToList();

        Assert.Equal(agreedTargets, Product.From(from).Order().ToList());
        Assert.Equal(agreedTargets.Count == 0, Product.From(from).Count == 0);
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public void Constructor_WithARowMissing_ThrowsNamingTheMissingStatus(TStatus missing)
    {
        var rows = AgreedRows();
        Assert.True(rows.Remove(missing));

        var error = Assert.Throws<ArgumentException>(() => new TransitionTable<TStatus>(rows));

        Assert.Equal("allowed", error.ParamName);
        Assert.StartsWith($"The {typeof(TStatus).Name} table has no row for {missing}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WithEveryRow_BuildsTheAgreedTable()
    {
        var table = new TransitionTable<TStatus>(AgreedRows());

        foreach (var from in Enum.GetValues<TStatus>())
        {
            foreach (var to in Enum.GetValues<TStatus>())
            {
                Assert.Equal(Agreed.Contains((from, to)), table.IsAllowed(from, to));
            }
        }
    }

    /// <summary>The agreed table as constructor rows: one per status, terminal ones empty.</summary>
    private Dictionary<TStatus, TStatus[]> AgreedRows() =>
        Enum.GetValues<TStatus>().ToDictionary(s => s, s => Agreed.Where(e => e.From.Equals(s)).Select(e => e.To).ToArray());
}

public sealed class RefundTransitionTableTests : TransitionTableTests<RefundStatus>
{
    protected override (RefundStatus From, RefundStatus To)[] Agreed => AgreedTransitions.Refund;
    protected override TransitionTable<RefundStatus> Product => RefundTransitions.Table;
}

public sealed class CartTransitionTableTests : TransitionTableTests<CartStatus>
{
    protected override (CartStatus From, CartStatus To)[] Agreed => AgreedTransitions.Cart;
    protected override TransitionTable<CartStatus> Product => CartTransitions.Table;
}

public sealed class CheckoutSessionTransitionTableTests : TransitionTableTests<CheckoutSessionStatus>
{
    protected override (CheckoutSessionStatus From, CheckoutSessionStatus To)[] Agreed => AgreedTransitions.Session;
    protected override TransitionTable<CheckoutSessionStatus> Product => CheckoutSessionTransitions.Table;
}

public sealed class HoldTransitionTableTests : TransitionTableTests<HoldStatus>
{
    protected override (HoldStatus From, HoldStatus To)[] Agreed => AgreedTransitions.Hold;
    protected override TransitionTable<HoldStatus> Product => HoldTransitions.Table;
}

public sealed class WaitlistTransitionTableTests : TransitionTableTests<WaitlistStatus>
{
    protected override (WaitlistStatus From, WaitlistStatus To)[] Agreed => AgreedTransitions.Waitlist;
    protected override TransitionTable<WaitlistStatus> Product => WaitlistTransitions.Table;
}

public sealed class RedemptionTransitionTableTests : TransitionTableTests<RedemptionStatus>
{
    protected override (RedemptionStatus From, RedemptionStatus To)[] Agreed => AgreedTransitions.Redemption;
    protected override TransitionTable<RedemptionStatus> Product => RedemptionTransitions.Table;
}

public sealed class PaymentTransitionTableTests : TransitionTableTests<PaymentStatus>
{
    protected override (PaymentStatus From, PaymentStatus To)[] Agreed => AgreedTransitions.Payment;
    protected override TransitionTable<PaymentStatus> Product => PaymentTransitions.Table;
}

/// <summary>The payment's own intent methods follow its table: each allowed move once, a repeat changes nothing, anything else throws.</summary>
public sealed class PaymentMovesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<PaymentStatus, PaymentStatus> EveryPair
    {
        get
        {
            var data = new TheoryData<PaymentStatus, PaymentStatus>();
            foreach (var from in Enum.GetValues<PaymentStatus>())
            {
                foreach (var to in Enum.GetValues<PaymentStatus>().Where(to => to != PaymentStatus.Authorized && to != from))
                {
                    data.Add(from, to);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Move_FromEveryStatus_FollowsTheAgreedTable(PaymentStatus from, PaymentStatus to)
    {
        var payment = PaymentIn(from);
        var allowed = AgreedTransitions.Payment.Contains((from, to));

        var moved = Record.Exception(() => Move(payment, to));

        if (allowed)
        {
            Assert.Null(moved);
            Assert.Equal(to, payment.Status);
            var updatedAt = payment.UpdatedAt;
            Move(payment, to);
            Assert.Equal((to, updatedAt), (payment.Status, payment.UpdatedAt));
        }
        else
        {
            Assert.IsType<InvalidOperationException>(moved);
            Assert.Equal(from, payment.Status);
        }
    }

    [Fact]
    public void Capture_ThenRefund_RecordsTheAmounts()
    {
        var payment = PaymentIn(PaymentStatus.Authorized);

        payment.MarkCaptured(Now);
        payment.MarkRefunded(Now.AddMinutes(1));

        Assert.Equal((1_250L, 1_250L, Now.AddMinutes(1)), (payment.CapturedMinor, payment.RefundedMinor, payment.UpdatedAt));
    }

    private static Payment PaymentIn(PaymentStatus status)
    {
        var payment = new Payment(Guid.NewGuid(), "auth_1", 1_250, "EUR", new CardSummary("Visa", "4242"), Now);
        switch (status)
        {
            case PaymentStatus.Captured:
                payment.MarkCaptured(Now);
                break;
            case PaymentStatus.Voided:
                payment.MarkVoided(Now);
                break;
            case PaymentStatus.Refunded:
                payment.MarkCaptured(Now);
                payment.MarkRefunded(Now);
                break;
        }
        return payment;
    }

    private static void Move(Payment payment, PaymentStatus to)
    {
        var at = Now.AddMinutes(5);
        switch (to)
        {
            case PaymentStatus.Captured:
                payment.MarkCaptured(at);
                break;
            case PaymentStatus.Voided:
                payment.MarkVoided(at);
                break;
            case PaymentStatus.Refunded:
                payment.MarkRefunded(at);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(to), to, "Nothing moves a payment back to authorized.");
        }
    }
}
