using Checkout.Data.Payments.Simulator;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Payments;

/// <summary>
/// A test gateway whose ledger is persisted in a store of its own (<see cref="SimulatorLedger"/>), so that idempotency
/// survives restarts and a payment never waits on the shop's database locks. Test cards:
/// 4242 4242 4242 4242 approves; 4000 0000 0000 0002 declines; 4000 0000 0000 9995 has insufficient funds;
/// 4000 0000 0000 0119 authorizes but the first answer times out (a retry with the same key returns the approval).
/// Any other card is declined.
/// </summary>
public sealed class SimulatedPaymentGateway(SimulatorLedger ledger, TimeProvider clock, IOptions<CheckoutOptions> options) : IPaymentGateway
{
    public const string ApprovedCard = "4242424242424242";
    public const string DeclinedCard = "4000000000000002";
    public const string InsufficientFundsCard = "4000000000009995";
    public const string TimeoutCard = "4000000000000119";

    public static readonly IReadOnlyList<(string Number, string Behaviour)> TestCards =
    [
        ("4242 4242 4242 4242", "approved"),
        ("4000 0000 0000 0002", "declined"),
        ("4000 0000 0000 9995", "insufficient funds"),
        ("4000 0000 0000 0119", "approved, but the first answer times out"),
    ];

    public async Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default)
    {
        var outcome = card.Digits switch
        {
            ApprovedCard or TimeoutCard => GatewayOutcome.Approved,
            InsufficientFundsCard => GatewayOutcome.InsufficientFunds,
            _ => GatewayOutcome.Declined,
        };
        var (operation, first) = await RecordAsync(GatewayOperationKind.Authorize, idempotencyKey, null, amountMinor, outcome, card.Summary, ct);
        return first && card.Digits == TimeoutCard
            ? new GatewayResult(GatewayOutcome.Timeout, null, "The payment provider did not answer in time.")
            : ToResult(operation);
    }

    public async Task<GatewayResult> CaptureAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default)
    {
        var outcome = await CanSettleAsync(authorizationId, amountMinor, ct) ? GatewayOutcome.Approved : GatewayOutcome.Declined;
        return ToResult((await RecordAsync(GatewayOperationKind.Capture, idempotencyKey, authorizationId, amountMinor, outcome, null, ct)).Operation);
    }

    public async Task<GatewayResult> VoidAsync(string idempotencyKey, string authorizationId, CancellationToken ct = default)
    {
        var outcome = await CanSettleAsync(authorizationId, 0, ct) ? GatewayOutcome.Approved : GatewayOutcome.Declined;
        return ToResult((await RecordAsync(GatewayOperationKind.Void, idempotencyKey, authorizationId, 0, outcome, null, ct)).Operation);
    }

    public async Task<GatewayResult> RefundAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default)
    {
        var settled = (await ledger.WithFollowUpsAsync([authorizationId], ct))
            .Where(o => o.ParentTransactionId == authorizationId && o.Outcome == GatewayOutcome.Approved)
            .ToList();
        var captured = settled.Where(o => o.Kind == GatewayOperationKind.Capture).Sum(o => o.AmountMinor);
        var refunded = settled.Where(o => o.Kind == GatewayOperationKind.Refund).Sum(o => o.AmountMinor);
        var outcome = amountMinor > 0 && amountMinor <= captured - refunded ? GatewayOutcome.Approved : GatewayOutcome.Declined;
        return ToResult((await RecordAsync(GatewayOperationKind.Refund, idempotencyKey, authorizationId, amountMinor, outcome, null, ct)).Operation);
    }

    public async Task<GatewayResult?> FindAsync(GatewayOperationKind kind, string idempotencyKey, CancellationToken ct = default)
    {
        var stored = await ledger.FindAsync(GatewayOperation.KeyOf(kind, idempotencyKey), ct);
        return stored is null ? null : ToResult(stored);
    }

    /// <summary>An authorization can be captured or voided once, and only while neither has happened.</summary>
    private async Task<bool> CanSettleAsync(string authorizationId, long amountMinor, CancellationToken ct)
    {
        var operations = await ledger.WithFollowUpsAsync([authorizationId], ct);
        var authorization = operations.FirstOrDefault(o => o.TransactionId == authorizationId && o.Kind == GatewayOperationKind.Authorize);
        if (authorization is not { Outcome: GatewayOutcome.Approved } || amountMinor > authorization.AmountMinor)
        {
            return false;
        }
        return !operations.Any(o => o.ParentTransactionId == authorizationId && o.Outcome == GatewayOutcome.Approved
                                    && o.Kind is GatewayOperationKind.Capture or GatewayOperationKind.Void);
    }

    /// <summary>Stores the operation under its idempotency key, or returns the one stored first (see <see cref="SimulatorLedger.RecordAsync"/>).</summary>
    private async Task<(GatewayOperation Operation, bool First)> RecordAsync(
        GatewayOperationKind kind, string idempotencyKey, string? parent, long amountMinor, GatewayOutcome outcome, CardSummary? card, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        if (options.Value.SimulatedGatewayLatency > TimeSpan.Zero)
        {
            await Task.Delay(options.Value.SimulatedGatewayLatency, clock, ct);
        }
        return await ledger.RecordAsync(new GatewayOperation(kind, idempotencyKey, parent, amountMinor, outcome, card, clock.GetUtcNow()), ct);
    }

    private static GatewayResult ToResult(GatewayOperation operation) => operation.Outcome switch
    {
        GatewayOutcome.Approved => new GatewayResult(GatewayOutcome.Approved, operation.TransactionId, "Approved.",
            operation is { CardBrand: { } brand, CardLast4: { } last4 } ? new CardSummary(brand, last4) : null),
        GatewayOutcome.InsufficientFunds => new GatewayResult(GatewayOutcome.InsufficientFunds, null, "The card has insufficient funds."),
        _ => new GatewayResult(GatewayOutcome.Declined, null, operation.Kind == GatewayOperationKind.Authorize
            ? "The card was declined."
            : $"The {operation.Kind.ToString().ToLowerInvariant()} was refused."),
    };
}
