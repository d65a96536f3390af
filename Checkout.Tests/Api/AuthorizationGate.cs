using Checkout.Data.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Api;

/// <summary>Holds every authorization until the test releases it, and says when the first one arrived.</summary>
public sealed class AuthorizationGate
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _authorizations;

    public int Authorizations => Volatile.Read(ref _authorizations);
    public Task Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    public async Task PassAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _authorizations);
        _entered.TrySetResult();
        // Bounded, so a test that never releases fails instead of hanging.
        await _released.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
    }
}

public static class AuthorizationGates
{
    /// <summary>Puts <paramref name="gate"/> in front of the app's own gateway (the resilient one around the simulator), outermost.</summary>
    public static IWebHostBuilder HoldAuthorizations(this IWebHostBuilder web, AuthorizationGate gate) => web.ConfigureTestServices(services =>
    {
        var registered = services.Last(d => d.ServiceType == typeof(IPaymentGateway) && !d.IsKeyedService);
        services.Remove(registered);
        services.Add(ServiceDescriptor.Describe(typeof(IPaymentGateway), sp => new GatedGateway(Build(sp, registered), gate), registered.Lifetime));
    });

    private static IPaymentGateway Build(IServiceProvider services, ServiceDescriptor registered) => (IPaymentGateway)(
        registered.ImplementationInstance
        ?? registered.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));

    private sealed class GatedGateway(IPaymentGateway inner, AuthorizationGate gate) : DelegatingPaymentGateway(inner)
    {
        public override async Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default)
        {
            await gate.PassAsync(ct);
            return await Inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, ct);
        }
    }
}
