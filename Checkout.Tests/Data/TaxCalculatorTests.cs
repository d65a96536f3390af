using Checkout.Data.Tax;

namespace Checkout.Tests.Data;

/// <summary>
/// The tax of a quote: per-line rounding half away from zero, the discount spread before tax by largest remainder,
/// shipping taxed as a line of its own, and the invariants over many random quotes.
/// </summary>
public sealed class TaxCalculatorTests
{
    [Fact]
    public void Inclusive_TenEuroAtTwentyPercent_Contains167()
    {
        var tax = TaxCalculator.Compute([1_000], 0, 0, 20m, included: true);

        Assert.Equal(167, tax.TaxMinor);
        Assert.Equal(new TaxedLine(1_000, 0, 167), Assert.Single(tax.Lines));
        Assert.True(tax.Included);
        Assert.Equal(20m, tax.RatePercent);
    }

    [Fact]
    public void Exclusive_NewYorkRateOn1999_Adds177()
    {
        // 1999 × 8.875 % = 177.41125.
        var tax = TaxCalculator.Compute([1_999], 0, 0, 8.875m, included: false);

        Assert.Equal(177, tax.TaxMinor);
        Assert.False(tax.Included);
    }

    /// <summary>Amounts whose exact tax is a half minor unit: away from zero rounds each up, to even would round it down.</summary>
    public static TheoryData<long, decimal, bool, long> Midpoints => new()
    {
        { 5, 10m, false, 1 },          // 0.5
        { 1_005, 10m, false, 101 },    // 100.5
        { 1_200, 8.875m, false, 107 }, // 106.5
        { 1_011, 20m, true, 169 },     // 1011 × 20 / 120 = 168.5
        { 201, 100m, true, 101 },      // 201 × 100 / 200 = 100.5
    };

    [Theory]
    [MemberData(nameof(Midpoints))]
    public void HalfAMinorUnit_RoundsAwayFromZero(long amountMinor, decimal ratePercent, bool included, long expectedTax)
    {
        var tax = TaxCalculator.Compute([amountMinor], 0, 0, ratePercent, included);

        Assert.Equal(expectedTax, tax.TaxMinor);
    }

    [Fact]
    public void ThreeLinesEachRoundingDown_TaxLessThanTaxOnTheirSum()
    {
        // Each line: 1004 × 10 % = 100.4 → 100. On the sum: 3012 × 10 % = 301.2 → 301.
        var tax = TaxCalculator.Compute([1_004, 1_004, 1_004], 0, 0, 10m, included: false);

        Assert.Equal([100L, 100L, 100L], tax.Lines.Select(l => l.TaxMinor));
        Assert.Equal(300, tax.TaxMinor);
    }

    [Fact]
    public void Discount_SpreadInProportionToTheLines()
    {
        var tax = TaxCalculator.Compute([1_000, 2_000, 3_000], 600, 0, 10m, included: false);

        Assert.Equal([100L, 200L, 300L], Shares(tax));
        Assert.Equal([900L, 1_800L, 2_700L], tax.Lines.Select(l => l.AmountMinor));
        Assert.Equal([90L, 180L, 270L], tax.Lines.Select(l => l.TaxMinor));
        Assert.Equal(540, tax.TaxMinor);
    }

    [Fact]
    public void Discount_LeftoverUnitGoesToTheLargestRemainder()
    {
        // Exact shares 1.0, 1.7, 7.3: the floors give 9 of 10, and the unit left goes to the middle line's 0.7.
        var tax = TaxCalculator.Compute([100, 170, 730], 10, 0, 0m, included: false);

        Assert.Equal([1L, 2L, 7L], Shares(tax));
    }

    [Fact]
    public void Discount_LeftoverUnitsOnTiedRemainders_GoToTheEarlierLine()
    {
        // Exact shares 1.0, 0.5, 0.5: one unit left, two equal remainders.
        var tax = TaxCalculator.Compute([200, 100, 100], 2, 0, 0m, included: false);

        Assert.Equal([1L, 1L, 0L], Shares(tax));
    }

    [Fact]
    public void Discount_OneCentOverThreeEqualLines_GoesToTheFirst()
    {
        var tax = TaxCalculator.Compute([500, 500, 500], 1, 0, 20m, included: false);

        Assert.Equal([1L, 0L, 0L], Shares(tax));
        Assert.Equal([499L, 500L, 500L], tax.Lines.Select(l => l.AmountMinor));
    }

    [Fact]
    public void Discount_SkipsALineWithNothingToDiscount()
    {
        var tax = TaxCalculator.Compute([0, 1_000, 0], 100, 0, 0m, included: false);

        Assert.Equal([0L, 100L, 0L], Shares(tax));
    }

    [Fact]
    public void Discount_EqualToTheSubtotal_LeavesOnlyTheShippingTaxed()
    {
        var tax = TaxCalculator.Compute([333, 667, 1], 1_001, 500, 20m, included: false);

        Assert.Equal([333L, 667L, 1L], Shares(tax));
        Assert.All(tax.Lines, l => Assert.Equal(0, l.TaxMinor));
        Assert.Equal(100, tax.ShippingTaxMinor);
        Assert.Equal(100, tax.TaxMinor);
    }

    [Fact]
    public void Shipping_IsTaxedAtTheGoodsRate_AsALineOfItsOwn()
    {
        // 499 × 10 % = 49.9 → 50, rounded apart from the goods' 100.
        var exclusive = TaxCalculator.Compute([1_000], 0, 499, 10m, included: false);
        // 499 × 20 / 120 = 83.17 → 83.
        var inclusive = TaxCalculator.Compute([1_000], 0, 499, 20m, included: true);

        Assert.Equal(50, exclusive.ShippingTaxMinor);
        Assert.Equal(150, exclusive.TaxMinor);
        Assert.Equal(83, inclusive.ShippingTaxMinor);
        Assert.Equal(167 + 83, inclusive.TaxMinor);
    }

    [Fact]
    public void FreeShipping_IsTaxedZero()
    {
        var tax = TaxCalculator.Compute([1_000], 0, 0, 20m, included: false);

        Assert.Equal(0, tax.ShippingTaxMinor);
        Assert.Equal(200, tax.TaxMinor);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RateZero_TaxesNothing(bool included)
    {
        var tax = TaxCalculator.Compute([1_999, 5], 4, 499, 0m, included);

        Assert.Equal(0, tax.TaxMinor);
        Assert.Equal(0, tax.ShippingTaxMinor);
        Assert.All(tax.Lines, l => Assert.Equal(0, l.TaxMinor));
    }

    [Fact]
    public void RateHundred_DoublesAnExclusivePrice_AndIsHalfOfAnInclusiveOne()
    {
        Assert.Equal(1_000, TaxCalculator.Compute([1_000], 0, 0, 100m, included: false).TaxMinor);
        Assert.Equal(500, TaxCalculator.Compute([1_000], 0, 0, 100m, included: true).TaxMinor);
    }

    [Fact]
    public void NoLines_TaxOnlyTheShipping()
    {
        var tax = TaxCalculator.Compute([], 0, 499, 10m, included: false);

        Assert.Empty(tax.Lines);
        Assert.Equal(50, tax.TaxMinor);
        Assert.Equal(0, TaxCalculator.Compute([], 0, 0, 10m, included: false).TaxMinor);
    }

    public static TheoryData<string, long[], long, long, decimal> BadArguments => new()
    {
        { "ratePercent", [1_000], 0, 0, -0.001m },
        { "ratePercent", [1_000], 0, 0, 100.001m },
        { "lineTotalsMinor", [1_000, -1], 0, 0, 20m },
        { "discountMinor", [1_000], -1, 0, 20m },
        { "discountMinor", [600, 400], 1_001, 0, 20m },
        { "discountMinor", [], 1, 0, 20m },
        { "shippingMinor", [1_000], 0, -1, 20m },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void BadArgument_Throws(string parameter, long[] lines, long discountMinor, long shippingMinor, decimal ratePercent)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => TaxCalculator.Compute(lines, discountMinor, shippingMinor, ratePercent, included: false));

        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void NoLineList_Throws() =>
        Assert.Throws<ArgumentNullException>(() => TaxCalculator.Compute(null!, 0, 0, 20m, included: false));

    [Fact]
    public void RandomQuotes_KeepTheInvariants()
    {
        var random = new Random(20_240_611);
        decimal[] rates = [0m, 5m, 7.25m, 8.875m, 19m, 20m, 21m, 25.5m, 100m];
        for (var n = 0; n < 500; n++)
        {
            long[] lines = [.. Enumerable.Range(0, random.Next(0, 7)).Select(_ => random.Next(4) == 0 ? random.Next(0, 3) : random.NextInt64(1, 200_000))];
            var subtotal = lines.Sum();
            var discount = random.Next(3) == 0 ? 0 : random.NextInt64(0, subtotal + 1);
            var shipping = random.Next(3) == 0 ? 0 : random.NextInt64(0, 5_000);
            var rate = random.Next(2) == 0 ? rates[random.Next(rates.Length)] : random.Next(0, 100_001) / 1_000m;
            var included = random.Next(2) == 0;
            var quote = $"quote {n}: lines [{string.Join(", ", lines)}], discount {discount}, shipping {shipping}, rate {rate}, included {included}";

            var tax = TaxCalculator.Compute(lines, discount, shipping, rate, included);

            Assert.True(lines.Length == tax.Lines.Count, quote);
            Assert.True(discount == Shares(tax).Sum(), quote);
            Assert.True(tax.Lines.Sum(l => l.TaxMinor) + tax.ShippingTaxMinor == tax.TaxMinor, quote);
            AssertTaxWithinHalfAUnit(shipping, tax.ShippingTaxMinor, rate, included, quote);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = tax.Lines[i];
                Assert.True(line.DiscountMinor >= 0 && line.DiscountMinor <= lines[i], quote);
                Assert.True(line.AmountMinor == lines[i] - line.DiscountMinor, quote);
                // Proportional: within one unit of the exact share discount × line / subtotal (with no subtotal, every share is 0 above).
                Assert.True(subtotal == 0 || Math.Abs((decimal)line.DiscountMinor * subtotal - (decimal)discount * lines[i]) < subtotal, quote);
                AssertTaxWithinHalfAUnit(line.AmountMinor, line.TaxMinor, rate, included, quote);
            }
        }
    }

    private static long[] Shares(TaxBreakdown tax) => [.. tax.Lines.Select(l => l.DiscountMinor)];

    /// <summary>
    /// The rounded tax is within half a minor unit of the exact one, checked without dividing (so no rounding of the
    /// check's own): |tax − a·r/d| ≤ ½ ⇔ |2·tax·d − 2·a·r| ≤ d, with d = 100 + r inclusive, 100 exclusive. An
    /// inclusive tax never exceeds its amount, and is less than it once the amount is above one minor unit.
    /// </summary>
    private static void AssertTaxWithinHalfAUnit(long amountMinor, long taxMinor, decimal ratePercent, bool included, string quote)
    {
        var divisor = included ? 100m + ratePercent : 100m;
        Assert.True(Math.Abs(2 * taxMinor * divisor - 2 * amountMinor * ratePercent) <= divisor, $"{quote}: {taxMinor} on {amountMinor}");
        if (included)
        {
            Assert.True(taxMinor <= amountMinor && (amountMinor <= 1 || taxMinor < amountMinor), $"{quote}: {taxMinor} on {amountMinor}");
        }
    }
}
