using Checkout.Data.Payments;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// The simulated gateway with a door in front of authorizations: while a test holds it shut, every payment is "in
/// flight" for as long as the test needs (a reload, a second click), with no sleep and no race against a latency.
/// Open by default.
/// </summary>
public sealed class GatedPaymentGateway(IPaymentGateway inner) : DelegatingPaymentGateway(inner)
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _door = Opened();
    private int _waiting;

    /// <summary>Authorizations that reached the gateway and wait at the shut door.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Holds every authorization that arrives from now on until <see cref="Open"/>.</summary>
    public void Shut()
    {
        lock (_lock)
        {
            if (_door.Task.IsCompleted)
            {
                _door = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Open()
    {
        lock (_lock)
        {
            _door.TrySetResult();
        }
    }

    public override async Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default)
    {
        Task door;
        lock (_lock)
        {
            door = _door.Task;
        }
        Interlocked.Increment(ref _waiting);
        try
        {
            await door.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return await Inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, ct);
    }


    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
