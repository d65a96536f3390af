using Checkout.Data.Realtime;

namespace Checkout.Data.Tax;

/// <summary>An admin changed the tax table: every instance's <see cref="TaxRates"/> reads it again. Published after the commit.</summary>
public sealed record TaxRatesChanged : CheckoutEvent;
