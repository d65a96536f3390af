using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Carts;

/// <summary>
/// The cart's status moves once, Open → CheckedOut, when an order from it is authorized. Both writes are conditional on
/// the cart being open and run inside the caller's transaction; each takes the cart row's write lock, so a checkout
/// starting and an order being authorized for one cart happen one after the other, never interleaved.
/// </summary>
internal static class CartLedger
{
    /// <summary>True while the cart is open; locks its row until the caller's transaction ends.</summary>
    public static async Task<bool> LockOpenAsync(CheckoutDbContext db, Guid cartId, CancellationToken ct) =>
        await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CartStatus.Open), ct) == 1;

    /// <summary>Closes the cart for its order; false when it was closed already (by another order).</summary>
    public static async Task<bool> TryCheckOutAsync(CheckoutDbContext db, Guid cartId, DateTimeOffset now, CancellationToken ct) =>
        await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CartStatus.CheckedOut).SetProperty(c => c.UpdatedAt, now), ct) == 1;

    /// <summary>Links a checked-out cart to its successor once; false when another request linked one first.</summary>
    public static async Task<bool> TryLinkSuccessorAsync(CheckoutDbContext db, Guid cartId, Guid nextCartId, CancellationToken ct) =>
        await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.CheckedOut && c.NextCartId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextCartId, nextCartId), ct) == 1;
}
