using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Checkout.Data.Payments;

/// <summary>
/// Wraps the registered gateway in a timeout per attempt, retries with jittered exponential backoff and a circuit
/// breaker (<c>Checkout:Gateway*</c>). Only unanswered calls are retried: a <see cref="GatewayOutcome.Timeout"/>
/// answer, an attempt that ran out of time, or a transport failure. Declines are answers and are never repeated.
/// Every retry sends the same idempotency key, so a retried authorization finds the first one instead of making a
/// second. When the retries are used up, or the circuit is open, the caller gets a <see cref="GatewayOutcome.Timeout"/>
/// result: the call may be repeated later with the same key, and checkout tells the shopper so.
/// </summary>
public sealed partial class ResilientPaymentGateway : IPaymentGateway
{
    /// <summary>Half of the calls in a window must go unanswered to open the circuit (and at least <c>GatewayBreakerThreshold</c> of them).</summary>
    private const double BreakerFailureRatio = 0.5;

    private static readonly TimeSpan BreakerSamplingDuration = TimeSpan.FromSeconds(30);

    private readonly IPaymentGateway _inner;
    private readonly ResiliencePipeline<GatewayResult?> _pipeline;
    private readonly ILogger<ResilientPaymentGateway> _logger;

    public ResilientPaymentGateway(IPaymentGateway inner, TimeProvider clock, IOptions<CheckoutOptions> options, ILogger<ResilientPaymentGateway> logger)
    {
        _inner = inner;
        _logger = logger;
        var settings = options.Value;
        var unanswered = new PredicateBuilder<GatewayResult?>()
            .HandleResult(r => r?.Outcome == GatewayOutcome.Timeout)
            .Handle<TimeoutRejectedException>()
            .Handle<HttpRequestException>();
        var builder = new ResiliencePipelineBuilder<GatewayResult?> { TimeProvider = clock };
        if (settings.GatewayRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<GatewayResult?>
            {
                ShouldHandle = unanswered,
                MaxRetryAttempts = settings.GatewayRetries,
                Delay = settings.GatewayRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<GatewayResult?>
            {
                ShouldHandle = unanswered,
                FailureRatio = BreakerFailureRatio,
                MinimumThroughput = settings.GatewayBreakerThreshold,
                SamplingDuration = BreakerSamplingDuration,
                BreakDuration = settings.GatewayBreakDuration,
                OnOpened = args =>
                {
                    LogOpened(args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(settings.GatewayAttemptTimeout);
        _pipeline = builder.Build();
    }

    public Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default) =>
        CallAsync(token => _inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, token), ct);

    public Task<GatewayResult> CaptureAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default) =>
        CallAsync(token => _inner.CaptureAsync(idempotencyKey, authorizationId, amountMinor, token), ct);

    public Task<GatewayResult> VoidAsync(string idempotencyKey, string authorizationId, CancellationToken ct = default) =>
        CallAsync(token => _inner.VoidAsync(idempotencyKey, authorizationId, token), ct);

    public Task<GatewayResult> RefundAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default) =>
        CallAsync(token => _inner.RefundAsync(idempotencyKey, authorizationId, amountMinor, token), ct);

    /// <summary>A look-up is a call like the others: retried when unanswered, refused while the circuit is open.</summary>
    public Task<GatewayResult?> FindAsync(GatewayOperationKind kind, string idempotencyKey, CancellationToken ct = default) =>
        RunAsync(token => _inner.FindAsync(kind, idempotencyKey, token), ct);

    private async Task<GatewayResult> CallAsync(Func<CancellationToken, Task<GatewayResult>> call, CancellationToken ct) =>
        await RunAsync(async token => await call(token), ct) ?? throw new InvalidOperationException("The gateway answered a payment call with nothing.");

    private async Task<GatewayResult?> RunAsync(Func<CancellationToken, Task<GatewayResult?>> call, CancellationToken ct)
    {
        try
        {
            return await _pipeline.ExecuteAsync(async token => await call(token), ct);
        }
        catch (BrokenCircuitException)
        {
            return new GatewayResult(GatewayOutcome.Timeout, null, "The payment provider is unavailable; try again shortly.");
        }
        catch (Exception e) when (e is TimeoutRejectedException or HttpRequestException)
        {
            LogUnanswered(e);
            return new GatewayResult(GatewayOutcome.Timeout, null, "The payment provider did not answer in time.");
        }
    }

    [LoggerMessage(LogLevel.Warning, "The payment gateway did not answer; retry {Retry} with the same idempotency key in {Delay}")]
    private partial void LogRetry(int retry, TimeSpan delay);

    [LoggerMessage(LogLevel.Error, "The payment gateway keeps failing; calls are refused for {BreakDuration}")]
    private partial void LogOpened(TimeSpan breakDuration);

    [LoggerMessage(LogLevel.Warning, "The payment gateway did not answer after the retries")]
    private partial void LogUnanswered(Exception exception);
}
