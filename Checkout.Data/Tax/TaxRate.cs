using Checkout.Data.Common;

namespace Checkout.Data.Tax;

/// <summary>Whether the shop's prices include tax (VAT style) or tax is added at checkout (US sales-tax style).</summary>
public enum TaxMode
{
    Exclusive,
    Inclusive,
}

/// <summary>
/// The tax rate of a destination: a country's row (no region), or a region's row that overrides it. A destination with
/// no row pays no tax. One rate applies to a whole order (ADR 11).
/// </summary>
public sealed class TaxRate
{
    public const int MaxNameLength = 40;

    private TaxRate()
    {
    }

    public TaxRate(Guid id, string country, string? region, decimal ratePercent, string name)
    {
        Id = id;
        Country = country.Trim().ToUpperInvariant();
        Region = string.IsNullOrWhiteSpace(region) ? null : region.Trim().ToUpperInvariant();
        Change(ratePercent, name);
    }

    public Guid Id { get; private set; }
    public string Country { get; private set; } = "";

    /// <summary>The region's code (a US state, a Canadian province…); null for the whole country.</summary>
    public string? Region { get; private set; }

    /// <summary>Percent, up to three decimals (8.875 for 8.875 %).</summary>
    public decimal RatePercent { get; private set; }

    /// <summary>What the receipt calls it: "Sales tax", "VAT", "GST"…</summary>
    public string Name { get; private set; } = "";

    public void Change(decimal ratePercent, string name)
    {
        if (ratePercent is < 0 or > 100 || decimal.Round(ratePercent, 3) != ratePercent)
        {
            throw new ArgumentOutOfRangeException(nameof(ratePercent), "A tax rate is 0–100 %, with at most three decimals.");
        }
        if (!InputRules.IsText(name, MaxNameLength, required: true))
        {
            throw new ArgumentException($"A tax's name is 1–{MaxNameLength} printable characters.", nameof(name));
        }
        RatePercent = ratePercent;
        Name = name.Trim();
    }
}
