using Checkout.Data.Pricing;
using Checkout.Data.Tax;

namespace Checkout.Data.Orders;

/// <summary>
/// What a refund of order lines gives back: what the shopper paid for those units. Pure code, so every figure can be
/// checked by hand (ADR 14).
/// </summary>
public static class RefundPricing
{
    /// <summary>
    /// What the shopper paid for each goods line: its total less its share of the order's discount, spread as the
    /// quote spread it (<see cref="TaxCalculator"/>, ADR 11: the lines in SKU order, as a quote lists them), plus the
    /// line's own rounded tax when tax was added on top. Shipping is not in any line.
    /// </summary>
    /// <param name="lines">The order's lines: SKU and total before discount.</param>
    /// <param name="tax">The order's tax; null (orders placed before tax was quoted) is no tax.</param>
    public static IReadOnlyDictionary<string, long> PaidPerLine(
        IReadOnlyList<(string Sku, long LineTotalMinor)> lines, long discountMinor, long shippingMinor, QuoteTax? tax)
    {
        var ordered = lines.OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
        var breakdown = TaxCalculator.Compute(
            [.. ordered.Select(l => l.LineTotalMinor)], discountMinor, shippingMinor, tax?.RatePercent ?? 0m, tax?.Included ?? false);
        var paid = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < ordered.Count; i++)
        {
            var line = breakdown.Lines[i];
            paid[ordered[i].Sku] = line.AmountMinor + (breakdown.Included ? 0 : line.TaxMinor);
        }
        return paid;
    }

    /// <summary>
    /// The refund of <paramref name="quantity"/> units of a line of <paramref name="lineQuantity"/> units the shopper
    /// paid <paramref name="paidMinor"/> for, after <paramref name="refundedBefore"/> units were refunded: the line's
    /// payment for units refundedBefore+1 … refundedBefore+quantity, each count's share rounded half away from zero.
    /// The refunds of a line's units, in any steps, add up to exactly what was paid for it.
    /// </summary>
    public static long PriceUnits(long paidMinor, int lineQuantity, int refundedBefore, int quantity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(paidMinor);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lineQuantity);
        ArgumentOutOfRangeException.ThrowIfNegative(refundedBefore);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(refundedBefore + quantity, lineQuantity, nameof(quantity));
        return PaidFor(refundedBefore + quantity) - PaidFor(refundedBefore);

        long PaidFor(int units) => (long)Math.Round((decimal)paidMinor * units / lineQuantity, MidpointRounding.AwayFromZero);
    }
}
