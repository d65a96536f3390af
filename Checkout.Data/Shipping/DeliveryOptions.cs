using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Shipping;

/// <summary>A delivery method as offered to one order: its price for that order's amount, weight and promo.</summary>
public sealed record DeliveryOption(Guid MethodId, string Name, string? Description, long PriceMinor);

/// <summary>
/// Which delivery methods reach a country, and what each costs an order. The zones and their active methods are kept in
/// memory (<see cref="TableSnapshot{T}"/>): every quote asks, and only an admin's change (<see cref="DeliveryMethodsChanged"/>)
/// makes them read again.
/// </summary>
public sealed class DeliveryOptions
{
    private readonly TableSnapshot<IReadOnlyDictionary<string, DeliveryMethod[]>> _byCountry;

    private readonly CheckoutEvents _events;

    public DeliveryOptions(TimeProvider clock, IOptions<CheckoutOptions> options, CheckoutEvents events)
    {
        _byCountry = new(clock, options.Value.CatalogMaxAge, ReadAsync);
        _events = events;
        // Another instance's change arrives through the relay; this instance's own change has invalidated already.
        events.WatchFor<DeliveryMethodsChanged>(_byCountry.Invalidate);
    }

    /// <summary>An admin's change was committed: this instance reads again at once, and every other one on the event.</summary>
    internal Task ChangedAsync()
    {
        _byCountry.Invalidate();
        return _events.PublishAsync(new DeliveryMethodsChanged());
    }

    /// <summary>
    /// The active methods of the zone that holds <paramref name="country"/> (a supported two-letter code), each priced
    /// for an order worth <paramref name="afterDiscountMinor"/> that weighs <paramref name="weightGrams"/>, cheapest
    /// first (then the admin's order); empty when no zone delivers there.
    /// </summary>
    public async Task<IReadOnlyList<DeliveryOption>> ForAsync(
        CheckoutDbContext db, string country, long afterDiscountMinor, long weightGrams, bool freeShipping, CancellationToken ct)
    {
        var byCountry = await _byCountry.CurrentAsync(db, ct);
        return byCountry.TryGetValue(country, out var methods)
            ? [.. methods
                .Select(m => (Method: m, Price: m.PriceFor(afterDiscountMinor, weightGrams, freeShipping)))
                .OrderBy(m => m.Price).ThenBy(m => m.Method.SortOrder).ThenBy(m => m.Method.Name, StringComparer.Ordinal)
                .Select(m => new DeliveryOption(m.Method.Id, m.Method.Name, m.Method.Description, m.Price))]
            : [];
    }

    /// <summary>Each country of a zone with the zone's active methods; a country is in one zone at most.</summary>
    private static async Task<IReadOnlyDictionary<string, DeliveryMethod[]>> ReadAsync(CheckoutDbContext db, CancellationToken ct)
    {
        var zones = await db.ShippingZones.AsNoTracking().ToListAsync(ct);
        var methods = (await db.DeliveryMethods.AsNoTracking().Where(m => m.Active).ToListAsync(ct)).ToLookup(m => m.ZoneId);
        return zones
            .SelectMany(z => z.Countries.Select(country => (Country: country, Methods: methods[z.Id].ToArray())))
            .ToDictionary(c => c.Country, c => c.Methods, StringComparer.Ordinal);
    }
}
