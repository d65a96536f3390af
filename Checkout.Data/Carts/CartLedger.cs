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
        await db.ExecuteAsync(
            """UPDATE "carts" SET "Status" = {1} WHERE "Id" = {0} AND "Status" = {1}""",
            ct, Column(nameof(Cart.Id), cartId), Column(nameof(Cart.Status), CartStatus.Open)) == 1;

    /// <summary>
    /// Open → CheckedOut for the cart's order, and what the order bought leaves the cart: what is left is what the
    /// shopper added after starting the checkout, which the next cart takes over. False when the cart was closed
    /// already (by another order).
    /// </summary>
    public static async Task<bool> CheckOutAsync(
        CheckoutDbContext db, Guid cartId, IEnumerable<(string Sku, int Quantity)> ordered, DateTimeOffset now, CancellationToken ct)
    {
        CartTransitions.Table.Require(CartStatus.CheckedOut, CartStatus.Open);
        var checkedOut = await db.ExecuteAsync(
            """UPDATE "carts" SET "Status" = {1}, "UpdatedAt" = {2} WHERE "Id" = {0} AND "Status" = {3}""",
            ct, Column(nameof(Cart.Id), cartId), Column(nameof(Cart.Status), CartStatus.CheckedOut),
            Column(nameof(Cart.UpdatedAt), now), Column(nameof(Cart.Status), CartStatus.Open)) == 1;
        if (checkedOut)
        {
            foreach (var (sku, quantity) in ordered)
            {
                await TakeOutAsync(db, cartId, sku, quantity, ct);
            }
        }
        return checkedOut;
    }

    /// <summary>Links a checked-out cart to its successor once; false when another request linked one first.</summary>
    public static async Task<bool> TryLinkSuccessorAsync(CheckoutDbContext db, Guid cartId, Guid nextCartId, CancellationToken ct) =>
        await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.CheckedOut && c.NextCartId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextCartId, nextCartId), ct) == 1;

    /// <summary>The line goes, or (when the shopper added more since) keeps what is over the ordered quantity.</summary>
    private static async Task TakeOutAsync(CheckoutDbContext db, Guid cartId, string sku, int quantity, CancellationToken ct)
    {
        Statements.Value[] line = [Line(nameof(CartLine.CartId), cartId), Line(nameof(CartLine.Sku), sku), Line(nameof(CartLine.Quantity), quantity)];
        if (await db.ExecuteAsync("""DELETE FROM "cart_lines" WHERE "CartId" = {0} AND "Sku" = {1} AND "Quantity" <= {2}""", ct, line) == 0)
        {
            await db.ExecuteAsync("""UPDATE "cart_lines" SET "Quantity" = "Quantity" - {2} WHERE "CartId" = {0} AND "Sku" = {1}""", ct, line);
        }
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<Cart>(property, value);

    private static Statements.Value Line(string property, object? value) => Statements.Value.Of<CartLine>(property, value);
}
