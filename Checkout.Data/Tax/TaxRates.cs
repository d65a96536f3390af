using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Tax;

/// <summary>The rate that applies to a destination, and its name.</summary>
public sealed record ApplicableTax(decimal RatePercent, string Name)
{
    public static readonly ApplicableTax None = new(0m, "Tax");
}

public static class TaxRates
{
    /// <summary>The region's row when the table has one, else the country's, else no tax.</summary>
    public static async Task<ApplicableTax> ForAsync(CheckoutDbContext db, string country, string? region, CancellationToken ct)
    {
        var rows = await db.TaxRates.AsNoTracking().Where(r => r.Country == country && (r.Region == null || r.Region == region)).ToListAsync(ct);
        var row = rows.FirstOrDefault(r => r.Region is not null) ?? rows.FirstOrDefault();
        return row is null ? ApplicableTax.None : new ApplicableTax(row.RatePercent, row.Name);
    }
}
