using Checkout.Data.Orders;
using Checkout.Data.Pricing;

namespace Checkout.Tests.Data;

/// <summary>
/// What a refund of lines gives back: each line's payment after its share of the discount, with its tax when tax is
/// added on top, split over its units so that refunding all of them, in any steps, gives back exactly that payment.
/// </summary>
public sealed class RefundPricingTests
{
    [Fact]
    public void PaidPerLine_WithoutDiscountOrTax_IsTheLineTotal()
    {
        var paid = RefundPricing.PaidPerLine([("TEE", 3_000), ("MUG", 5_000)], 0, 499, null);

        Assert.Equal(new Dictionary<string, long> { ["MUG"] = 5_000, ["TEE"] = 3_000 }, paid);
    }

    [Fact]
    public void PaidPerLine_SpreadsTheDiscountAsTheQuoteDid_InSkuOrder()
    {
        // A discount of 1 minor unit over two equal lines goes to the earlier line of the quote, which lists lines by SKU.
        var paid = RefundPricing.PaidPerLine([("B-LINE", 1_000), ("A-LINE", 1_000)], 1, 0, null);

        Assert.Equal((999L, 1_000L), (paid["A-LINE"], paid["B-LINE"]));
    }

    [Fact]
    public void PaidPerLine_WithTaxAddedOnTop_AddsTheLinesOwnRoundedTax()
    {
        // 10 % off 3000 + 7000 is 300 + 700; 8.875 % of 2700 is 239.625 → 240, of 6300 is 559.125 → 559.
        var paid = RefundPricing.PaidPerLine([("A", 3_000), ("B", 7_000)], 1_000, 499, new QuoteTax(0, 8.875m, "Sales tax", Included: false));

        Assert.Equal((2_700L + 240, 6_300L + 559), (paid["A"], paid["B"]));
    }

    [Fact]
    public void PaidPerLine_WithTaxIncluded_IsTheLineAfterDiscount_TheTaxIsInIt()
    {
        var paid = RefundPricing.PaidPerLine([("A", 3_000), ("B", 7_000)], 1_000, 499, new QuoteTax(0, 20m, "VAT", Included: true));

        Assert.Equal((2_700L, 6_300L), (paid["A"], paid["B"]));
    }

    [Fact]
    public void PaidPerLine_AddsUpToTheOrdersGoodsAndTheirTax()
    {
        var lines = new (string Sku, long LineTotalMinor)[] { ("A", 1_004), ("B", 1_004), ("C", 1_004) };
        var paid = RefundPricing.PaidPerLine(lines, 7, 0, new QuoteTax(0, 10m, "Tax", Included: false));
        var tax = Checkout.Data.Tax.TaxCalculator.Compute([1_004, 1_004, 1_004], 7, 0, 10m, included: false);

        Assert.Equal((3 * 1_004) - 7 + tax.TaxMinor, paid.Values.Sum());
    }

    [Theory]
    [InlineData(1_000, 3, 0, 1, 333)]
    [InlineData(1_000, 3, 1, 1, 334)]
    [InlineData(1_000, 3, 2, 1, 333)]
    [InlineData(1_000, 3, 0, 3, 1_000)]
    [InlineData(1_000, 3, 1, 2, 667)]
    [InlineData(2_500, 2, 0, 1, 1_250)]
    [InlineData(0, 2, 0, 1, 0)]
    public void PriceUnits_IsThePaymentForThoseUnits(long paid, int bought, int before, int quantity, long expected) =>
        Assert.Equal(expected, RefundPricing.PriceUnits(paid, bought, before, quantity));

    [Fact]
    public void PriceUnits_InAnySteps_AddsUpToExactlyTheLinesPayment()
    {
        var random = new Random(14);
        for (var round = 0; round < 500; round++)
        {
            var bought = random.Next(1, 12);
            var paid = (long)random.Next(0, 100_000);
            var refunded = 0;
            var total = 0L;
            while (refunded < bought)
            {
                var step = random.Next(1, bought - refunded + 1);
                total += RefundPricing.PriceUnits(paid, bought, refunded, step);
                refunded += step;
            }
            Assert.Equal(paid, total);
        }
    }

    [Theory]
    [InlineData(1_000, 3, 2, 2)]
    [InlineData(1_000, 3, 0, 0)]
    [InlineData(1_000, 3, -1, 1)]
    [InlineData(-1, 3, 0, 1)]
    public void PriceUnits_OfUnitsTheLineDoesNotHave_IsABug(long paid, int bought, int before, int quantity) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RefundPricing.PriceUnits(paid, bought, before, quantity));
}
