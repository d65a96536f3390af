using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Shipping;

/// <summary>A delivery method as offered to one order: its price for that order's amount, weight and promo.</summary>
public sealed record DeliveryOption(Guid MethodId, string Name, string? Description, long PriceMinor);

/// <summary>Which delivery methods reach a country, and what each costs an order.</summary>
public static class DeliveryOptions
{
    /// <summary>
    /// The active methods of the zone that holds <paramref name="country"/> (a supported two-letter code), each priced
    /// for an order worth <paramref name="afterDiscountMinor"/> that weighs <paramref name="weightGrams"/>, cheapest
    /// first (then the admin's order); empty when no zone delivers there. One query.
    /// </summary>
    public static async Task<IReadOnlyList<DeliveryOption>> ForAsync(
        CheckoutDbContext db, string country, long afterDiscountMinor, long weightGrams, bool freeShipping, CancellationToken ct)
    {
        // A zone's codes are two letters each, comma-separated: a two-letter code found in them is one of them.
        var methods = await db.DeliveryMethods.AsNoTracking()
            .Where(m => m.Active && db.ShippingZones.Any(z => z.Id == m.ZoneId && z.CountryCodes.Contains(country)))
            .ToListAsync(ct);
        return [.. methods
            .Select(m => (Method: m, Price: m.PriceFor(afterDiscountMinor, weightGrams, freeShipping)))
            .OrderBy(m => m.Price).ThenBy(m => m.Method.SortOrder).ThenBy(m => m.Method.Name, StringComparer.Ordinal)
            .Select(m => new DeliveryOption(m.Method.Id, m.Method.Name, m.Method.Description, m.Price))];
    }
}
