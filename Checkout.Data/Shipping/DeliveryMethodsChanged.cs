using Checkout.Data.Realtime;

namespace Checkout.Data.Shipping;

/// <summary>An admin changed a shipping zone or a delivery method: every instance's <see cref="DeliveryOptions"/> reads them again. Published after the commit.</summary>
public sealed record DeliveryMethodsChanged : CheckoutEvent;
