namespace Checkout.Data.Payments;

/// <summary>
/// A gateway in front of another that passes every call on; a decorator overrides only the calls it changes (as
/// <see cref="System.Net.Http.DelegatingHandler"/> does for HTTP).
/// </summary>
public abstract class DelegatingPaymentGateway(IPaymentGateway inner) : IPaymentGateway
{
    protected IPaymentGateway Inner => inner;

    public virtual Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default) =>
        inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, ct);

    public virtual Task<GatewayResult> CaptureAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default) =>
        inner.CaptureAsync(idempotencyKey, authorizationId, amountMinor, ct);

    public virtual Task<GatewayResult> VoidAsync(string idempotencyKey, string authorizationId, CancellationToken ct = default) =>
        inner.VoidAsync(idempotencyKey, authorizationId, ct);

    public virtual Task<GatewayResult> RefundAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default) =>
        inner.RefundAsync(idempotencyKey, authorizationId, amountMinor, ct);

    public virtual Task<GatewayResult?> FindAsync(GatewayOperationKind kind, string idempotencyKey, CancellationToken ct = default) =>
        inner.FindAsync(kind, idempotencyKey, ct);
}
