using Checkout.Data.Pricing;

namespace Checkout.Data.CheckoutSessions;

public enum CheckoutSessionStatus
{
    /// <summary>Holds are active; the quote can be paid.</summary>
    Open,

    /// <summary>An order was placed against the quote.</summary>
    Completed,

    /// <summary>Payment failed; holds and promo use were given back.</summary>
    Failed,

    /// <summary>The hold expired before payment; holds and promo use were given back.</summary>
    Expired,

    /// <summary>The shopper gave up the checkout; holds and promo use were given back.</summary>
    Cancelled,
}

/// <summary>
/// A price-locked quote. Its id is the idempotency key of the whole checkout: it is minted when the checkout
/// form is created, and placing the order for it twice returns the first order.
/// </summary>
public sealed class CheckoutSession
{
    private readonly List<CheckoutSessionLine> _lines = [];

    private CheckoutSession()
    {
    }

    internal CheckoutSession(
        Guid id, Guid cartId, string email, string customerName, string? promoCode, Quote quote,
        DateTimeOffset now, DateTimeOffset holdExpiresAt, string? traceParent = null)
    {
        Id = id;
        TraceParent = traceParent;
        CartId = cartId;
        Email = email;
        CustomerName = customerName;
        PromoCode = promoCode;
        SubtotalMinor = quote.SubtotalMinor;
        DiscountMinor = quote.DiscountMinor;
        ShippingMinor = quote.ShippingMinor;
        TotalMinor = quote.TotalMinor;
        Currency = quote.Currency;
        Delivery = quote.Delivery;
        Tax = quote.Tax;
        CreatedAt = now;
        HoldExpiresAt = holdExpiresAt;
        Status = CheckoutSessionStatus.Open;
        _lines.AddRange(quote.Lines.Select(l => new CheckoutSessionLine(id, l.Sku, l.Name, l.Quantity, l.UnitPriceMinor)));
    }

    public Guid Id { get; private set; }
    public Guid CartId { get; private set; }
    public string Email { get; private set; } = "";
    public string CustomerName { get; private set; } = "";
    public string? PromoCode { get; private set; }
    public long SubtotalMinor { get; private set; }
    public long DiscountMinor { get; private set; }
    public long ShippingMinor { get; private set; }
    public long TotalMinor { get; private set; }
    public string Currency { get; private set; } = "";

    /// <summary>Where and how the order goes; null until the shopper gave an address, and then it cannot be paid.</summary>
    public QuoteDelivery? Delivery { get; private set; }

    /// <summary>The quote's tax, priced with <see cref="Delivery"/>; null while there is none.</summary>
    public QuoteTax? Tax { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset HoldExpiresAt { get; private set; }
    public bool HoldExtended { get; private set; }
    public CheckoutSessionStatus Status { get; private set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that started the checkout, when it was traced: its payment's spans join
    /// that trace, so one checkout is one trace however many requests it takes.
    /// </summary>
    public string? TraceParent { get; private set; }
    public IReadOnlyList<CheckoutSessionLine> Lines => _lines;
}

public sealed class CheckoutSessionLine
{
    private CheckoutSessionLine()
    {
    }

    internal CheckoutSessionLine(Guid checkoutSessionId, string sku, string name, int quantity, long unitPriceMinor)
    {
        CheckoutSessionId = checkoutSessionId;
        Sku = sku;
        Name = name;
        Quantity = quantity;
        UnitPriceMinor = unitPriceMinor;
    }

    public Guid CheckoutSessionId { get; private set; }
    public string Sku { get; private set; } = "";
    public string Name { get; private set; } = "";
    public int Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }
    public long LineTotalMinor => UnitPriceMinor * Quantity;
}
