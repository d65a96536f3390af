namespace Checkout.Data.Tax;

/// <summary>
/// One goods line as taxed: <paramref name="AmountMinor"/> is the line's total after its share of the order's discount
/// (<paramref name="DiscountMinor"/>), the amount the tax is computed on; <paramref name="TaxMinor"/> is that tax, rounded.
/// </summary>
public sealed record TaxedLine(long AmountMinor, long DiscountMinor, long TaxMinor);

/// <summary>
/// The tax of a quote, line by line: <paramref name="TaxMinor"/> is the sum of the lines' and the shipping's rounded
/// taxes, so the figures a receipt shows always add up. <paramref name="Included"/> says the tax is contained in the
/// prices (shown as "includes … tax", not added to the total) rather than added on top.
/// </summary>
public sealed record TaxBreakdown(IReadOnlyList<TaxedLine> Lines, long ShippingTaxMinor, long TaxMinor, decimal RatePercent, bool Included);

/// <summary>
/// Taxes a quote at one rate, the destination's (ADR 11). The discount is spread over the lines first, because tax is
/// due on what the shopper pays; then each line, and the shipping as a line of its own, is taxed in minor units and
/// rounded half away from zero. All arithmetic is <see cref="decimal"/>: a binary fraction cannot hold 8.875 % exactly,
/// and a midpoint it misses rounds the wrong way.
/// </summary>
public static class TaxCalculator
{
    /// <param name="lineTotalsMinor">Each goods line's total before discount (unit price × quantity), in quote order.</param>
    /// <param name="discountMinor">The order's discount, from 0 to the sum of the lines.</param>
    /// <param name="shippingMinor">The chosen delivery method's price (0 when a promo made it free), taxed at the goods' rate.</param>
    /// <param name="ratePercent">The rate in percent (8.875m is 8.875 %), from 0 to 100.</param>
    /// <param name="included">
    /// True when prices include tax: each tax is the part of its amount that is tax, amount × rate / (100 + rate).
    /// False when tax is added on top: amount × rate / 100.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A negative amount, a discount above the sum of the lines or a rate outside 0–100: the caller's bug, not the
    /// shopper's input.
    /// </exception>
    public static TaxBreakdown Compute(
        IReadOnlyList<long> lineTotalsMinor, long discountMinor, long shippingMinor, decimal ratePercent, bool included)
    {
        ArgumentNullException.ThrowIfNull(lineTotalsMinor);
        var subtotalMinor = 0L;
        foreach (var lineMinor in lineTotalsMinor)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(lineMinor, nameof(lineTotalsMinor));
            subtotalMinor = checked(subtotalMinor + lineMinor);
        }
        ArgumentOutOfRangeException.ThrowIfNegative(discountMinor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(discountMinor, subtotalMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(shippingMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(ratePercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ratePercent, 100m);

        var shares = SpreadDiscount(lineTotalsMinor, subtotalMinor, discountMinor);
        var lines = new TaxedLine[shares.Length];
        for (var i = 0; i < lines.Length; i++)
        {
            var amountMinor = lineTotalsMinor[i] - shares[i];
            lines[i] = new TaxedLine(amountMinor, shares[i], TaxOf(amountMinor, ratePercent, included));
        }
        var shippingTaxMinor = TaxOf(shippingMinor, ratePercent, included);
        return new TaxBreakdown(lines, shippingTaxMinor, lines.Sum(l => l.TaxMinor) + shippingTaxMinor, ratePercent, included);
    }

    /// <summary>
    /// The tax of one amount in whole minor units, rounded half away from zero: a receipt can show no fraction of a
    /// cent, and each line is rounded on its own so every line shown is the line charged.
    /// </summary>
    private static long TaxOf(long amountMinor, decimal ratePercent, bool included) =>
        (long)Math.Round(amountMinor * ratePercent / (included ? 100m + ratePercent : 100m), MidpointRounding.AwayFromZero);

    /// <summary>
    /// Each line's share of the discount, in proportion to its total, by the largest-remainder method: a line first
    /// gets the whole minor units of its exact share, then the units left over go one each to the lines with the
    /// largest remainders, the earlier line first on a tie. The shares add up to the discount exactly, and none exceeds
    /// its line (a line whose exact share is its whole total has no remainder).
    /// </summary>
    private static long[] SpreadDiscount(IReadOnlyList<long> lineTotalsMinor, long subtotalMinor, long discountMinor)
    {
        var shares = new long[lineTotalsMinor.Count];
        if (discountMinor == 0)
        {
            return shares;
        }
        var remainders = new decimal[shares.Length];
        for (var i = 0; i < shares.Length; i++)
        {
            // Discount × line is a whole number, so % and the division after it are exact: no rounding decides a share.
            var scaled = (decimal)discountMinor * lineTotalsMinor[i];
            remainders[i] = scaled % subtotalMinor;
            shares[i] = (long)((scaled - remainders[i]) / subtotalMinor);
        }
        var leftoverMinor = discountMinor - shares.Sum();
        // OrderByDescending is stable: among equal remainders the earlier line comes first.
        foreach (var i in Enumerable.Range(0, shares.Length).OrderByDescending(i => remainders[i]).Take((int)leftoverMinor))
        {
            shares[i]++;
        }
        return shares;
    }
}
