using Checkout.Data.Shipping;

namespace Checkout.Data.Pricing;

/// <summary>
/// Server-computed prices and totals that a shopper reviews and an order is placed against. Until the shopper has
/// said where it goes (<see cref="Delivery"/> null) it has no shipping and no tax, and cannot be paid.
/// </summary>
public sealed record Quote(
    IReadOnlyList<QuoteLine> Lines, long SubtotalMinor, long DiscountMinor, long ShippingMinor, string Currency,
    QuoteDelivery? Delivery = null, QuoteTax? Tax = null)
{
    public long TaxMinor => Tax?.AmountMinor ?? 0;

    /// <summary>What the order weighs for delivery: each line's quantity times its product's weight.</summary>
    public long WeightGrams => Lines.Sum(l => l.LineWeightGrams);

    /// <summary>What the shopper pays: tax is added on top unless the prices include it.</summary>
    public long TotalMinor => SubtotalMinor - DiscountMinor + ShippingMinor + (Tax is { Included: false } tax ? tax.AmountMinor : 0);
}

/// <param name="UnitWeightGrams">The shipping weight of one unit, as the product has it when the quote is priced.</param>
public sealed record QuoteLine(string Sku, string Name, string Category, int Quantity, long UnitPriceMinor, int UnitWeightGrams = 0)
{
    public long LineTotalMinor => UnitPriceMinor * Quantity;

    public long LineWeightGrams => (long)UnitWeightGrams * Quantity;
}

/// <summary>Where the order goes and how: the address and the delivery method chosen for it.</summary>
public sealed record QuoteDelivery(ShippingAddress Address, Guid MethodId, string MethodName);

/// <summary>The quote's tax: its amount, the destination's rate and name, and whether the prices include it (ADR 11).</summary>
public sealed record QuoteTax(long AmountMinor, decimal RatePercent, string Name, bool Included);
