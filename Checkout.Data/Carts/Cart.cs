using Checkout.Data.Common;

namespace Checkout.Data.Carts;

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
    public IReadOnlyList<CartLine> Lines => _lines;

    /// <summary>
    /// Sets a line's quantity (0 removes it). A new line records the price the shopper is shown now; an existing
    /// line keeps the price it was added at, so a price change is only ever accepted through <see cref="AcceptPrice"/>.
    /// </summary>
    public Error? SetQuantity(string sku, int quantity, long shownPriceMinor, DateTimeOffset now)
    {
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
    public void AcceptPrice(string sku, long priceMinor, DateTimeOffset now)
    {
        _lines.Find(l => l.Sku == sku)?.AcceptPrice(priceMinor);
        UpdatedAt = now;
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
