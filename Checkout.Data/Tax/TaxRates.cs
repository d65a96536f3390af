using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Tax;

/// <summary>The rate that applies to a destination, and its name.</summary>
public sealed record ApplicableTax(decimal RatePercent, string Name)
{
    public static readonly ApplicableTax None = new(0m, "Tax");
}

/// <summary>
/// The tax table, kept in memory (<see cref="TableSnapshot{T}"/>): every quote asks, and only an admin's change
/// (<see cref="TaxRatesChanged"/>) makes it read again.
/// </summary>
public sealed class TaxRates
{
    private readonly TableSnapshot<IReadOnlyDictionary<(string Country, string? Region), TaxRate>> _rows;

    private readonly CheckoutEvents _events;

    public TaxRates(TimeProvider clock, IOptions<CheckoutOptions> options, CheckoutEvents events)
    {
        _rows = new(clock, options.Value.CatalogMaxAge, ReadAsync);
        _events = events;
        // Another instance's change arrives through the relay; this instance's own change has invalidated already.
        events.WatchFor<TaxRatesChanged>(_rows.Invalidate);
    }

    /// <summary>An admin's change was committed: this instance reads again at once, and every other one on the event.</summary>
    internal Task ChangedAsync()
    {
        _rows.Invalidate();
        return _events.PublishAsync(new TaxRatesChanged());
    }

    /// <summary>The region's row when the table has one, else the country's, else no tax.</summary>
    public async Task<ApplicableTax> ForAsync(CheckoutDbContext db, string country, string? region, CancellationToken ct)
    {
        var rows = await _rows.CurrentAsync(db, ct);
        var row = (region is not null ? rows.GetValueOrDefault((country, region)) : null) ?? rows.GetValueOrDefault((country, null));
        return row is null ? ApplicableTax.None : new ApplicableTax(row.RatePercent, row.Name);
    }

    private static async Task<IReadOnlyDictionary<(string Country, string? Region), TaxRate>> ReadAsync(CheckoutDbContext db, CancellationToken ct) =>
        (await db.TaxRates.AsNoTracking().ToListAsync(ct)).ToDictionary(r => (r.Country, r.Region));
}
