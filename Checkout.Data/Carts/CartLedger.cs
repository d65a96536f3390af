using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Carts;

/// <summary>The one table of a cart's moves: it closes once, when an order from it is authorized.</summary>
public static class CartTransitions
{
    public static readonly TransitionTable<CartStatus> Table = new(new()
    {
        [CartStatus.Open] = [CartStatus.CheckedOut],
        [CartStatus.CheckedOut] = [],
    });
}

/// <summary>
/// The only writes of a cart's status. Each is conditional on the cart being open and runs inside the caller's
/// transaction; each takes the cart row's write lock, so a checkout starting and an order being authorized for one
/// cart happen one after the other, never interleaved.
/// </summary>
internal static class CartLedger
{
    /// <summary>True while the cart is open; locks its row until the caller's transaction ends (the status is rewritten unchanged).</summary>
    public static async Task<bool> LockOpenAsync(CheckoutDbContext db, Guid cartId, CancellationToken ct) =>
        await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CartStatus.Open), ct) == 1;

    /// <summary>Open → CheckedOut for the cart's order; false when it was closed already (by another order).</summary>
    public static async Task<bool> CheckOutAsync(CheckoutDbContext db, Guid cartId, DateTimeOffset now, CancellationToken ct)
    {
        CartTransitions.Table.Require(CartStatus.CheckedOut, CartStatus.Open);
        return await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.Open)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CartStatus.CheckedOut).SetProperty(c => c.UpdatedAt, now), ct) == 1;
    }

    /// <summary>Links a checked-out cart to its successor once; false when another request linked one first.</summary>
    public static async Task<bool> TryLinkSuccessorAsync(CheckoutDbContext db, Guid cartId, Guid nextCartId, CancellationToken ct) =>
        await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.CheckedOut && c.NextCartId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextCartId, nextCartId), ct) == 1;
}
