using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Shipping;

/// <summary>A delivery method as offered to one order: its price for that order's amount and promo.</summary>
public sealed record DeliveryOption(Guid MethodId, string Name, string? Description, long PriceMinor);

/// <summary>Which delivery methods reach a country, and what each costs an order.</summary>
public static class DeliveryOptions
{
    /// <summary>
    /// The active methods of the zone that holds <paramref name="country"/>, cheapest first (then the admin's order);
    /// empty when no zone delivers there.
    /// </summary>
    public static async Task<IReadOnlyList<DeliveryOption>> ForAsync(
        CheckoutDbContext db, string country, long afterDiscountMinor, bool freeShipping, CancellationToken ct)
    {
        // A zone lists a country as one of its comma-separated codes; zones are few, so they are read whole.
        var zones = await db.ShippingZones.AsNoTracking().ToListAsync(ct);
        if (zones.FirstOrDefault(z => z.Countries.Contains(country, StringComparer.Ordinal)) is not { } zone)
        {
            return [];
        }
        var methods = await db.DeliveryMethods.AsNoTracking().Where(m => m.ZoneId == zone.Id && m.Active).ToListAsync(ct);
        return [.. methods
            .Select(m => (Method: m, Price: m.PriceFor(afterDiscountMinor, freeShipping)))
            .OrderBy(m => m.Price).ThenBy(m => m.Method.SortOrder).ThenBy(m => m.Method.Name, StringComparer.Ordinal)
            .Select(m => new DeliveryOption(m.Method.Id, m.Method.Name, m.Method.Description, m.Price))];
    }
}
