using Checkout.Data.Persistence;

namespace Checkout.Data.Inventory;

/// <summary>
/// The only code that moves units between available, reserved and sold. Every move is an UPDATE of the SKU's row
/// (the take a conditional one whose affected-row count is the check), and each runs inside the caller's transaction.
/// </summary>
internal static class StockLedger
{
    /// <summary><c>UPDATE inventory SET quantity = quantity - n, reserved = reserved + n WHERE sku = s AND quantity &gt;= n</c>.</summary>
    public static async Task<bool> TryReserveAsync(CheckoutDbContext db, string sku, int quantity, CancellationToken ct)
    {
        TakesTurn(db, sku);
        var reserved = await db.ExpectAsync(
            """UPDATE "inventory" SET "Quantity" = "Quantity" - {1}, "Reserved" = "Reserved" + {1} WHERE "Sku" = {0} AND "Quantity" >= {1}""",
            1, ct, Sku(sku), Units(quantity));
        if (reserved)
        {
            db.AvailableMoved(sku, -quantity);
        }
        return reserved;
    }

    /// <summary>Reserved units go back on sale (a released hold's units that nobody waits for).</summary>
    public static Task ReturnToSaleAsync(CheckoutDbContext db, string sku, int quantity, CancellationToken ct) =>
        MoveAsync(db, sku, availableDelta: quantity, reservedDelta: -quantity, soldDelta: 0, ct);

    /// <summary>Reserved units become sold (a converted hold).</summary>
    public static Task SellReservedAsync(CheckoutDbContext db, string sku, int quantity, CancellationToken ct) =>
        MoveAsync(db, sku, availableDelta: 0, reservedDelta: -quantity, soldDelta: quantity, ct);

    /// <summary>Puts sold units back on sale (cancellation after payment, return).</summary>
    public static async Task RestockSoldAsync(CheckoutDbContext db, IEnumerable<(string Sku, int Quantity)> lines, CancellationToken ct)
    {
        foreach (var (sku, quantity) in lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            await MoveAsync(db, sku, availableDelta: quantity, reservedDelta: 0, soldDelta: -quantity, ct);
        }
    }

    private static async Task MoveAsync(CheckoutDbContext db, string sku, int availableDelta, int reservedDelta, int soldDelta, CancellationToken ct)
    {
        if (availableDelta == 0 && reservedDelta == 0 && soldDelta == 0)
        {
            return;
        }
        TakesTurn(db, sku);
        await db.WriteAsync(
            """UPDATE "inventory" SET "Quantity" = "Quantity" + {1}, "Reserved" = "Reserved" + {2}, "Sold" = "Sold" + {3} WHERE "Sku" = {0}""",
            ct, Sku(sku), Units(availableDelta), Units(reservedDelta), Units(soldDelta));
        if (availableDelta != 0)
        {
            db.AvailableMoved(sku, availableDelta);
        }
    }

    /// <summary>A batched unit that writes the SKU's row waits for a turn at it before it is sent (<see cref="RowTurns"/>): a hot SKU's buyers queue in the process, not in the database.</summary>
    private static void TakesTurn(CheckoutDbContext db, string sku) => db.Batch?.Rows.Add($"inventory:{sku}");

    private static Statements.Value Sku(string sku) => Statements.Value.Of<InventoryItem>(nameof(InventoryItem.Sku), sku);

    private static Statements.Value Units(int units) => Statements.Value.Of<InventoryItem>(nameof(InventoryItem.Quantity), units);
}
