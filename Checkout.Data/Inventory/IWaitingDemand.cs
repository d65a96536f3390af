using Checkout.Data.Persistence;

namespace Checkout.Data.Inventory;

/// <summary>
/// Shoppers waiting for units that are all held (the waitlist). Units freed by a released hold or a restock are offered
/// here before they go back on sale; Inventory knows only this interface, never who implements it.
/// </summary>
public interface IWaitingDemand
{
    /// <summary>
    /// Offers up to <paramref name="units"/> freed units of <paramref name="sku"/>, inside the caller's transaction, each
    /// as a hold of its own. Returns how many were taken: those stay reserved, the rest are the caller's to put on sale.
    /// </summary>
    Task<int> TakeAsync(CheckoutDbContext db, string sku, int units, DateTimeOffset now, CancellationToken ct);
}
