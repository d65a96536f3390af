using Checkout.Data.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Checkout.Data.Reliability;

internal static class ReliabilityRegistration
{
    /// <summary>
    /// Crash and ambiguity recovery: the database retry, the (inactive) fault seam, and the resilience decorator around
    /// whichever <see cref="IPaymentGateway"/> is registered so far. (The order reconciler registers with the orders.)
    /// </summary>
    public static IServiceCollection AddCheckoutReliability(this IServiceCollection services)
    {
        services.TryAddSingleton<ICheckoutFaults, NoCheckoutFaults>();
        services.AddSingleton<DbRetry>();

        var gateway = services.Last(d => d.ServiceType == typeof(IPaymentGateway) && !d.IsKeyedService);
        services.Remove(gateway);
        services.Add(ServiceDescriptor.Describe(
            typeof(IPaymentGateway),
            sp => ActivatorUtilities.CreateInstance<ResilientPaymentGateway>(sp, Create(sp, gateway)),
            gateway.Lifetime));
        return services;
    }

    private static IPaymentGateway Create(IServiceProvider services, ServiceDescriptor registered) => (IPaymentGateway)(
        registered.ImplementationInstance
        ?? registered.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, registered.ImplementationType!));
}
