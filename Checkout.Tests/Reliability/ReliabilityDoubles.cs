using System.Collections.Concurrent;
using System.Threading.Channels;
using Checkout.Data.Payments;
using Checkout.Data.Reliability;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Reliability;

/// <summary>Thrown by <see cref="CrashAt"/>: the process dies here, and nothing after it in that call runs.</summary>
public sealed class SimulatedCrash(CheckoutFaultPoint point) : Exception($"The process died at {point}.")
{
    public CheckoutFaultPoint Point { get; } = point;
}

/// <summary>Kills the checkout call when it reaches <paramref name="point"/>.</summary>
public sealed class CrashAt(CheckoutFaultPoint point) : ICheckoutFaults
{
    public void At(CheckoutFaultPoint reached, Guid checkoutSessionId)
    {
        if (reached == point)
        {
            throw new SimulatedCrash(point);
        }
    }
}

/// <summary>How a scripted gateway call fails.</summary>
public enum GatewayFailure
{
    /// <summary>The gateway does the work, but its answer is lost: the caller sees a timeout.</summary>
    AnswerLost,

    /// <summary>The gateway does the work, but the connection breaks before the answer arrives.</summary>
    ConnectionDropped,

    /// <summary>The gateway is down: it answers "timeout" without doing anything.</summary>
    Down,

    /// <summary>The gateway never answers; only the caller's cancellation ends the wait.</summary>
    Hangs,
}

/// <summary>
/// The simulated gateway behind a script of failures for authorizations: each scripted failure is used once, in order,
/// then calls pass through. Every authorization that reaches it is counted with its idempotency key.
/// </summary>
public sealed class ScriptedGateway(IPaymentGateway inner) : DelegatingPaymentGateway(inner)
{
    private readonly ConcurrentQueue<GatewayFailure> _script = new();
    private readonly ConcurrentQueue<string> _authorizationKeys = new();

    public IReadOnlyList<string> AuthorizationKeys => [.. _authorizationKeys];

    public ScriptedGateway Fail(GatewayFailure failure, int times)
    {
        for (var i = 0; i < times; i++)
        {
            _script.Enqueue(failure);
        }
        return this;
    }

    public override async Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default)
    {
        _authorizationKeys.Enqueue(idempotencyKey);
        if (!_script.TryDequeue(out var failure))
        {
            return await Inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, ct);
        }
        switch (failure)
        {
            case GatewayFailure.AnswerLost:
                await Inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, ct);
                return new GatewayResult(GatewayOutcome.Timeout, null, "No answer.");
            case GatewayFailure.ConnectionDropped:
                await Inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, ct);
                throw new HttpRequestException("The connection was reset.");
            case GatewayFailure.Down:
                return new GatewayResult(GatewayOutcome.Timeout, null, "Service unavailable.");
            default:
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                throw new InvalidOperationException("An infinite wait ended without cancellation.");
        }
    }

}

/// <summary>
/// A gateway that cannot look earlier calls up: it keeps <see cref="IPaymentGateway.FindAsync"/>'s default, like a
/// provider without that feature.
/// </summary>
public sealed class GatewayWithoutLookup(IPaymentGateway inner) : DelegatingPaymentGateway(inner)
{
    public override Task<GatewayResult?> FindAsync(GatewayOperationKind kind, string idempotencyKey, CancellationToken ct = default) =>
        Task.FromResult<GatewayResult?>(GatewayResult.CannotLookUp);
}

/// <summary>
/// The shop's fake clock as seen by code that waits on it: every timer started is reported, so a test lets exactly the
/// waits it means to elapse run out (by advancing the fake clock) and nothing sleeps.
/// </summary>
public sealed class WatchedClock(FakeTimeProvider clock) : TimeProvider
{
    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

    public override DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public override long GetTimestamp() => clock.GetTimestamp();

    public override long TimestampFrequency => clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => clock.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(clock.CreateTimer(callback, state, dueTime, period), _waits.Writer);
        timer.Started(dueTime);
        return timer;
    }

    /// <summary>
    /// Until <paramref name="call"/> is done, lets every wait that <paramref name="elapses"/> picks run out, one after the
    /// other, as it is started; the others are left to the call. Returns the waits that ran out, in order.
    /// </summary>
    public async Task<IReadOnlyList<TimeSpan>> ElapseUntilDoneAsync(Task call, Func<TimeSpan, bool> elapses)
    {
        var elapsed = new List<TimeSpan>();
        while (await Task.WhenAny(call, _waits.Reader.WaitToReadAsync().AsTask()) != call)
        {
            while (_waits.Reader.TryRead(out var wait))
            {
                if (elapses(wait))
                {
                    elapsed.Add(wait);
                    clock.Advance(wait);
                }
            }
        }
        await call;
        return elapsed;
    }

    /// <summary>A timer is a wait when it is started, or restarted (a cancellation source's <c>CancelAfter</c>), with a due time.</summary>
    private sealed class WatchedTimer(ITimer timer, ChannelWriter<TimeSpan> waits) : ITimer
    {
        public void Started(TimeSpan dueTime)
        {
            if (dueTime > TimeSpan.Zero)
            {
                waits.TryWrite(dueTime);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = timer.Change(dueTime, period);
            Started(dueTime);
            return changed;
        }

        public void Dispose() => timer.Dispose();

        public ValueTask DisposeAsync() => timer.DisposeAsync();
    }
}
