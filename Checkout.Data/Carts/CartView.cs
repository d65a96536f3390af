namespace Checkout.Data.Carts;

public enum CartProblemKind
{
    /// <summary>The product no longer exists or is no longer sold.</summary>
    ItemUnavailable,

    /// <summary>The current price differs from the one the shopper saw; the shopper must accept it.</summary>
    PriceChanged,

    /// <summary>Fewer units are available than the line asks for.</summary>
    InsufficientStock,
}

/// <summary>One thing wrong with one line, with the facts needed to offer the fix.</summary>
public sealed record CartProblem(CartProblemKind Kind, string Sku, string Message, long? WasMinor = null, long? NowMinor = null, int? Available = null);

public sealed record CartLineView(string Sku, string Name, int Quantity, long UnitPriceMinor, long LineTotalMinor);

/// <summary>A cart priced from the database, with its itemised problems. Unavailable lines are not in the subtotal.</summary>
/// <param name="Status">A checked-out cart became an order: it no longer changes, and the shopper's next cart follows it.</param>
public sealed record CartView(
    Guid CartId, IReadOnlyList<CartLineView> Lines, long SubtotalMinor, string Currency, IReadOnlyList<CartProblem> Problems,
    CartStatus Status = CartStatus.Open)
{
    public int ItemCount => Lines.Sum(l => l.Quantity);

    public bool IsEmpty => Lines.Count == 0;
}
