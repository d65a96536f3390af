using Checkout.Data.Realtime;

namespace Checkout.Data.Catalog;

/// <summary>
/// An admin changed what the shop says or charges for a product, or whether it sells it at all: the catalog snapshot of
/// every instance reads the catalog again (ADR 8). Published after the commit.
/// </summary>
public sealed record ProductChanged(string Sku) : CheckoutEvent;
