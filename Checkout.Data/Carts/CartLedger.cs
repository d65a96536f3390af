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
        await db.ExpectAsync(
            """UPDATE "carts" SET "Status" = {1} WHERE "Id" = {0} AND "Status" = {1}""",
            1, ct, Column(nameof(Cart.Id), cartId), Column(nameof(Cart.Status), CartStatus.Open));

    /// <summary>
    /// Open → CheckedOut for the cart's order, and what the order bought leaves the cart: what is left is what the
    /// shopper added after starting the checkout, which the next cart takes over. False when the cart was closed
    /// already (by another order).
    /// </summary>
    public static async Task<bool> CheckOutAsync(
        CheckoutDbContext db, Guid cartId, IEnumerable<(string Sku, int Quantity)> ordered, DateTimeOffset now, CancellationToken ct)
    {
        CartTransitions.Table.Require(CartStatus.CheckedOut, CartStatus.Open);
        var checkedOut = await db.ExpectAsync(
            """UPDATE "carts" SET "Status" = {1}, "UpdatedAt" = {2} WHERE "Id" = {0} AND "Status" = {3}""",
            1, ct, Column(nameof(Cart.Id), cartId), Column(nameof(Cart.Status), CartStatus.CheckedOut),
            Column(nameof(Cart.UpdatedAt), now), Column(nameof(Cart.Status), CartStatus.Open));
        if (checkedOut)
        {
            foreach (var (sku, quantity) in ordered)
            {
                await TakeOutAsync(db, cartId, sku, quantity, ct);
            }
        }
        return checkedOut;
    }

    /// <summary>
    /// Saves an edit of a cart read while open, inside the caller's transaction: the cart's row first, conditional on it
    /// still being open (so an authorization that closed it meanwhile wins and the edit changes nothing; false), then
    /// each line that differs from <paramref name="before"/>. The row lock makes edits of one cart take turns, so a line
    /// another edit added since the read is updated, not added twice.
    /// </summary>
    public static async Task<bool> SaveEditAsync(CheckoutDbContext db, Cart cart, IReadOnlyList<LineState> before, CancellationToken ct)
    {
        if (!await db.ExpectAsync(
                """UPDATE "carts" SET "UpdatedAt" = {2} WHERE "Id" = {0} AND "Status" = {1}""",
                1, ct, Column(nameof(Cart.Id), cart.Id), Column(nameof(Cart.Status), CartStatus.Open), Column(nameof(Cart.UpdatedAt), cart.UpdatedAt)))
        {
            return false;
        }
        foreach (var gone in before.Where(b => cart.Lines.All(l => l.Sku != b.Sku)))
        {
            await db.WriteAsync("""DELETE FROM "cart_lines" WHERE "CartId" = {0} AND "Sku" = {1}""",
                ct, Line(nameof(CartLine.CartId), cart.Id), Line(nameof(CartLine.Sku), gone.Sku));
        }
        foreach (var line in cart.Lines.Where(l => !before.Contains(LineState.Of(l))))
        {
            Statements.Value[] values =
            [
                Line(nameof(CartLine.CartId), cart.Id), Line(nameof(CartLine.Sku), line.Sku),
                Line(nameof(CartLine.Quantity), line.Quantity), Line(nameof(CartLine.SeenPriceMinor), line.SeenPriceMinor),
            ];
            if (db is not SqlServerCheckoutDbContext)
            {
                // One statement, whose count nobody needs, so a batched unit stays one round trip.
                await db.WriteAsync(
                    """
                    INSERT INTO "cart_lines" ("CartId", "Sku", "Quantity", "SeenPriceMinor") VALUES ({0}, {1}, {2}, {3})
                    ON CONFLICT ("CartId", "Sku") DO UPDATE SET "Quantity" = excluded."Quantity", "SeenPriceMinor" = excluded."SeenPriceMinor"
                    """, ct, values);
            }
            else if (await db.ExecuteAsync(
                    """UPDATE "cart_lines" SET "Quantity" = {2}, "SeenPriceMinor" = {3} WHERE "CartId" = {0} AND "Sku" = {1}""", ct, values) == 0)
            {
                // SQL Server has no ON CONFLICT.
                await db.InsertAsync(line, ct);
            }
        }
        return true;
    }

    /// <summary>Links a checked-out cart to its successor once; false when another request linked one first.</summary>
    public static async Task<bool> TryLinkSuccessorAsync(CheckoutDbContext db, Guid cartId, Guid nextCartId, CancellationToken ct) =>
        await db.Carts
            .Where(c => c.Id == cartId && c.Status == CartStatus.CheckedOut && c.NextCartId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextCartId, nextCartId), ct) == 1;

    /// <summary>
    /// The line goes, or (when the shopper added more since) keeps what is over the ordered quantity: the UPDATE finds
    /// the line only when the DELETE left it, so neither needs the other's count.
    /// </summary>
    private static async Task TakeOutAsync(CheckoutDbContext db, Guid cartId, string sku, int quantity, CancellationToken ct)
    {
        Statements.Value[] line = [Line(nameof(CartLine.CartId), cartId), Line(nameof(CartLine.Sku), sku), Line(nameof(CartLine.Quantity), quantity)];
        await db.WriteAsync("""DELETE FROM "cart_lines" WHERE "CartId" = {0} AND "Sku" = {1} AND "Quantity" <= {2}""", ct, line);
        await db.WriteAsync("""UPDATE "cart_lines" SET "Quantity" = "Quantity" - {2} WHERE "CartId" = {0} AND "Sku" = {1}""", ct, line);
    }

    /// <summary>A line as it was read, to tell what an edit changed.</summary>
    public readonly record struct LineState(string Sku, int Quantity, long SeenPriceMinor)
    {
        public static LineState Of(CartLine line) => new(line.Sku, line.Quantity, line.SeenPriceMinor);

        public static IReadOnlyList<LineState> Of(Cart cart) => [.. cart.Lines.Select(Of)];
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<Cart>(property, value);

    private static Statements.Value Line(string property, object? value) => Statements.Value.Of<CartLine>(property, value);
}
