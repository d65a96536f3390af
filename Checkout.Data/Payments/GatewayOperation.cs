namespace Checkout.Data.Payments;

public enum GatewayOperationKind
{
    Authorize,
    Capture,
    Void,
    Refund,
}

/// <summary>
/// One call the simulated gateway answered, as its own ledger keeps it (a stand-in for the provider's side, in a
/// store of its own: <see cref="Simulator.SimulatorLedger"/>). The key is kind + idempotency key, so a repeated call
/// finds the first result instead of moving money again.
/// </summary>
public sealed class GatewayOperation
{
    internal GatewayOperation(
        GatewayOperationKind kind, string idempotencyKey, string? parentTransactionId, long amountMinor,
        GatewayOutcome outcome, CardSummary? card, DateTimeOffset now)
        : this(KeyOf(kind, idempotencyKey), kind, $"sim_{kind.ToString().ToLowerInvariant()}_{Guid.CreateVersion7(now):N}",
            parentTransactionId, amountMinor, outcome, card?.Brand, card?.Last4, now)
    {
    }

    /// <summary>An operation as the ledger stored it.</summary>
    internal GatewayOperation(
        string key, GatewayOperationKind kind, string transactionId, string? parentTransactionId, long amountMinor,
        GatewayOutcome outcome, string? cardBrand, string? cardLast4, DateTimeOffset createdAt)
    {
        Key = key;
        Kind = kind;
        TransactionId = transactionId;
        ParentTransactionId = parentTransactionId;
        AmountMinor = amountMinor;
        Outcome = outcome;
        CardBrand = cardBrand;
        CardLast4 = cardLast4;
        CreatedAt = createdAt;
    }

    public string Key { get; }
    public GatewayOperationKind Kind { get; }
    public string TransactionId { get; }

    /// <summary>The authorization a capture, void or refund was made on; null on an authorization.</summary>
    public string? ParentTransactionId { get; }

    public long AmountMinor { get; }
    public GatewayOutcome Outcome { get; }

    /// <summary>The authorized card (authorizations only), returned with every repeat of the call.</summary>
    public string? CardBrand { get; }
    public string? CardLast4 { get; }
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The idempotency key the call was made with (an authorization's is its checkout session's id).</summary>
    public string IdempotencyKey => Key[(Kind.ToString().Length + 1)..];

    /// <summary>The ledger's key of the call of <paramref name="kind"/> made with <paramref name="idempotencyKey"/>.</summary>
    public static string KeyOf(GatewayOperationKind kind, string idempotencyKey) => $"{kind}:{idempotencyKey}";
}
