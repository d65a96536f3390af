using Checkout.Data.Common;

namespace Checkout.Data.Payments;

public enum PaymentStatus
{
    Authorized,
    Captured,
    Voided,
    Refunded,
}

/// <summary>
/// The one table of a payment's moves: an authorization is captured or voided, a capture refunded. A capture refunded
/// in part stays Captured, with <see cref="Payment.RefundedMinor"/> above 0; it becomes Refunded when all of it is.
/// </summary>
public static class PaymentTransitions
{
    public static readonly TransitionTable<PaymentStatus> Table = new(new()
    {
        [PaymentStatus.Authorized] = [PaymentStatus.Captured, PaymentStatus.Voided],
        [PaymentStatus.Captured] = [PaymentStatus.Refunded],
        [PaymentStatus.Voided] = [],
        [PaymentStatus.Refunded] = [],
    });
}

/// <summary>The shop's record of the money of one order. Card data is reduced to brand and last four digits.</summary>
public sealed class Payment
{
    private Payment()
    {
    }

    public Payment(Guid orderId, string authorizationId, long amountMinor, string currency, CardSummary card, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        OrderId = orderId;
        AuthorizationId = authorizationId;
        AmountMinor = amountMinor;
        Currency = currency;
        CardBrand = card.Brand;
        CardLast4 = card.Last4;
        Status = PaymentStatus.Authorized;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public string AuthorizationId { get; private set; } = "";
    public long AmountMinor { get; private set; }
    public long CapturedMinor { get; private set; }

    /// <summary>What the gateway has refunded of the capture.</summary>
    public long RefundedMinor { get; private set; }

    /// <summary>
    /// What refunds asked of the gateway hold of the capture until it answers: taken before the call, so that
    /// <see cref="RefundedMinor"/> + this never exceeds <see cref="CapturedMinor"/>, whatever refunds race.
    /// </summary>
    public long RefundPendingMinor { get; private set; }

    /// <summary>What is left to refund: the capture less what is refunded and what refunds under way hold.</summary>
    public long RefundableMinor => Status == PaymentStatus.Captured ? CapturedMinor - RefundedMinor - RefundPendingMinor : 0;
    public string Currency { get; private set; } = "";
    public string CardBrand { get; private set; } = "";
    public string CardLast4 { get; private set; } = "";
    public PaymentStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void MarkCaptured(DateTimeOffset now)
    {
        if (!Moves(PaymentStatus.Captured))
        {
            return;
        }
        CapturedMinor = AmountMinor;
        Status = PaymentStatus.Captured;
        UpdatedAt = now;
    }

    public void MarkVoided(DateTimeOffset now)
    {
        if (!Moves(PaymentStatus.Voided))
        {
            return;
        }
        Status = PaymentStatus.Voided;
        UpdatedAt = now;
    }

    public void MarkRefunded(DateTimeOffset now)
    {
        if (!Moves(PaymentStatus.Refunded))
        {
            return;
        }
        RefundedMinor = CapturedMinor;
        Status = PaymentStatus.Refunded;
        UpdatedAt = now;
    }

    /// <summary>False when the payment is in <paramref name="to"/> already (a repeat); throws when the table forbids the move.</summary>
    private bool Moves(PaymentStatus to)
    {
        if (Status == to)
        {
            return false;
        }
        PaymentTransitions.Table.Require(to, Status);
        return true;
    }
}
