namespace Checkout.Data.Payments;

public enum GatewayOperationKind
{
    Authorize,
    Capture,
    Void,
    Refund,
}

/// <summary>
/// The simulated gateway's own ledger (a stand-in for the provider's side). The key is kind + idempotency key, so
/// a repeated call finds the first result instead of moving money again.
/// </summary>
public sealed class GatewayOperation
{
    private GatewayOperation()
    {
    }

    internal GatewayOperation(
        GatewayOperationKind kind, string idempotencyKey, string? parentTransactionId, long amountMinor,
        GatewayOutcome outcome, CardSummary? card, DateTimeOffset now)
    {
        Key = $"{kind}:{idempotencyKey}";
        Kind = kind;
        TransactionId = $"sim_{kind.ToString().ToLowerInvariant()}_{Guid.CreateVersion7(now):N}";
        ParentTransactionId = parentTransactionId;
        AmountMinor = amountMinor;
        Outcome = outcome;
        CardBrand = card?.Brand;
        CardLast4 = card?.Last4;
        CreatedAt = now;
    }

    public string Key { get; private set; } = "";
    public GatewayOperationKind Kind { get; private set; }
    public string TransactionId { get; private set; } = "";
    public string? ParentTransactionId { get; private set; }
    public long AmountMinor { get; private set; }
    public GatewayOutcome Outcome { get; private set; }

    /// <summary>The authorized card (authorizations only), returned with every repeat of the call.</summary>
    public string? CardBrand { get; private set; }
    public string? CardLast4 { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
}
