using Checkout.Data.Common;

namespace Checkout.Data.Carts;

public enum CartStatus
{
    /// <summary>Being filled; it can be checked out.</summary>
    Open,

    /// <summary>An order from it was authorized: it never changes again and no second order can come from it.</summary>
    CheckedOut,
}

/// <summary>A shopper's cart, kept server-side. Each line remembers the price the shopper last saw.</summary>
public sealed class Cart
{
    private readonly List<CartLine> _lines = [];

    private Cart()
    {
    }

    public Cart(Guid id, DateTimeOffset now)
    {
        Id = id;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// Open until an order from it is authorized. An edit saves only while the cart is still open (the condition of
    /// <see cref="CartLedger.SaveEditAsync"/>), so an edit racing the authorization that closes it fails instead of
    /// changing a cart that has become an order; it is a concurrency token for any tracked save as well.
    /// </summary>
    public CartStatus Status { get; private set; }

    public IReadOnlyList<CartLine> Lines => _lines;

    public bool IsOpen => Status == CartStatus.Open;

    /// <summary>Once checked out, the shopper's next cart: it starts with what the order did not take.</summary>
    public Guid? NextCartId { get; private set; }

    /// <summary>The cart that follows this checked-out one, holding the lines the order left (added after checkout started).</summary>
    internal Cart Successor(Guid id, DateTimeOffset now)
    {
        if (IsOpen)
        {
            throw new InvalidOperationException($"Cart {Id} is open; only a checked-out cart has a successor.");
        }
        var next = new Cart(id, now);
        next._lines.AddRange(_lines.Select(l => new CartLine(id, l.Sku, l.Quantity, l.SeenPriceMinor)));
        return next;
    }

    internal static Error Closed() =>
        new(ErrorCodes.CartClosed, "This cart was checked out and can no longer change; start a new cart.");

    /// <summary>
    /// Sets a line's quantity (0 removes it). A new line records the price the shopper is shown now; an existing
    /// line keeps the price it was added at, so a price change is only ever accepted through <see cref="AcceptPrice"/>.
    /// </summary>
    public Error? SetQuantity(string sku, int quantity, long shownPriceMinor, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return Closed();
        }
        var line = _lines.Find(l => l.Sku == sku);
        if (quantity == 0)
        {
            if (line is not null)
            {
                _lines.Remove(line);
            }
        }
        else if (InputRules.LineQuantity(quantity) is { } error)
        {
            return error;
        }
        else if (line is null)
        {
            if (_lines.Count >= InputRules.MaxLines)
            {
                return Error.Validation($"A cart holds at most {InputRules.MaxLines} different items.");
            }
            _lines.Add(new CartLine(Id, sku, quantity, shownPriceMinor));
        }
        else
        {
            line.ChangeQuantity(quantity);
        }
        UpdatedAt = now;
        return null;
    }

    /// <summary>The shopper accepts the current price of a line.</summary>
    public Error? AcceptPrice(string sku, long priceMinor, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return Closed();
        }
        _lines.Find(l => l.Sku == sku)?.AcceptPrice(priceMinor);
        UpdatedAt = now;
        return null;
    }
}

public sealed class CartLine
{
    private CartLine()
    {
    }

    internal CartLine(Guid cartId, string sku, int quantity, long seenPriceMinor)
    {
        CartId = cartId;
        Sku = sku;
        Quantity = quantity;
        SeenPriceMinor = seenPriceMinor;
    }

    public Guid CartId { get; private set; }
    public string Sku { get; private set; } = "";
    public int Quantity { get; private set; }

    /// <summary>The unit price the shopper was shown; a different current price must be accepted explicitly.</summary>
    public long SeenPriceMinor { get; private set; }

    internal void ChangeQuantity(int quantity) => Quantity = quantity;

    internal void AcceptPrice(long priceMinor) => SeenPriceMinor = priceMinor;
}
