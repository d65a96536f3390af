namespace Checkout.Data.Pricing;

/// <summary>Server-computed prices and totals that a shopper reviews and an order is placed against.</summary>
public sealed record Quote(
    IReadOnlyList<QuoteLine> Lines, long SubtotalMinor, long DiscountMinor, long ShippingMinor, string Currency)
{
    public long TotalMinor => SubtotalMinor - DiscountMinor + ShippingMinor;
}

public sealed record QuoteLine(string Sku, string Name, string Category, int Quantity, long UnitPriceMinor)
{
    public long LineTotalMinor => UnitPriceMinor * Quantity;
}
