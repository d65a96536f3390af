namespace Checkout.Data.Payments;

public enum PaymentStatus
{
    Authorized,
    Captured,
    Voided,
    Refunded,
    Failed,
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
    public long RefundedMinor { get; private set; }
    public string Currency { get; private set; } = "";
    public string CardBrand { get; private set; } = "";
    public string CardLast4 { get; private set; } = "";
    public PaymentStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public void MarkCaptured(DateTimeOffset now)
    {
        if (Status == PaymentStatus.Captured)
        {
            return;
        }
        EnsureStatus(PaymentStatus.Authorized);
        CapturedMinor = AmountMinor;
        Status = PaymentStatus.Captured;
        UpdatedAt = now;
    }

    public void MarkVoided(DateTimeOffset now)
    {
        if (Status == PaymentStatus.Voided)
        {
            return;
        }
        EnsureStatus(PaymentStatus.Authorized);
        Status = PaymentStatus.Voided;
        UpdatedAt = now;
    }

    public void MarkRefunded(DateTimeOffset now)
    {
        if (Status == PaymentStatus.Refunded)
        {
            return;
        }
        EnsureStatus(PaymentStatus.Captured);
        RefundedMinor = CapturedMinor;
        Status = PaymentStatus.Refunded;
        UpdatedAt = now;
    }

    private void EnsureStatus(PaymentStatus expected)
    {
        if (Status != expected)
        {
            throw new InvalidOperationException($"Payment {Id} is {Status}, expected {expected}.");
        }
    }
}
