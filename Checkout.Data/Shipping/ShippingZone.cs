using Checkout.Data.Common;

namespace Checkout.Data.Shipping;

/// <summary>
/// A set of countries the shop delivers to with the same delivery methods. A country belongs to at most one zone, so a
/// destination has one list of methods; a country in no zone cannot be delivered to.
/// </summary>
public sealed class ShippingZone
{
    public const int MaxNameLength = 60;

    private ShippingZone()
    {
    }

    public ShippingZone(Guid id, string name, IEnumerable<string> countries)
    {
        Id = id;
        Rename(name);
        ChangeCountries(countries);
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>The zone's ISO 3166-1 alpha-2 codes, comma-separated and sorted (one column; a zone has a handful).</summary>
    public string CountryCodes { get; private set; } = "";

    public IReadOnlyList<string> Countries => CountryCodes.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public void Rename(string name)
    {
        if (!InputRules.IsText(name, MaxNameLength, required: true))
        {
            throw new ArgumentException($"A zone's name is 1–{MaxNameLength} printable characters.", nameof(name));
        }
        Name = name.Trim();
    }

    public void ChangeCountries(IEnumerable<string> countries)
    {
        var codes = countries.Select(c => c.Trim().ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();
        if (codes.Count == 0 || codes.Any(c => Checkout.Data.Shipping.Countries.Find(c) is null))
        {
            throw new ArgumentException("A zone lists one or more supported countries.", nameof(countries));
        }
        CountryCodes = string.Join(',', codes);
    }
}

/// <summary>
/// A way a zone's orders travel, with its price: a flat rate plus a rate per started kilogram of the order's weight, free
/// from an order amount (after discounts) when set. An inactive method is kept for the orders that used it but offered
/// to no one.
/// </summary>
public sealed class DeliveryMethod
{
    public const int MaxNameLength = 60;
    public const int MaxDescriptionLength = 100;

    private DeliveryMethod()
    {
    }

    public DeliveryMethod(
        Guid id, Guid zoneId, string name, string? description, long rateMinor, long? freeFromMinor, int sortOrder = 0, long perKgMinor = 0)
    {
        Id = id;
        ZoneId = zoneId;
        Active = true;
        Change(name, description, rateMinor, freeFromMinor, sortOrder, perKgMinor);
    }

    public Guid Id { get; private set; }
    public Guid ZoneId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>What the shopper reads beside the name, such as "3–5 business days".</summary>
    public string? Description { get; private set; }

    public long RateMinor { get; private set; }

    /// <summary>The amount (after discounts, before tax) from which the method is free; null = never free.</summary>
    public long? FreeFromMinor { get; private set; }

    /// <summary>Added for each started kilogram of the order's shipping weight (0 = a flat rate).</summary>
    public long PerKgMinor { get; private set; }

    public int SortOrder { get; private set; }
    public bool Active { get; private set; }

    public void Change(string name, string? description, long rateMinor, long? freeFromMinor, int sortOrder, long perKgMinor)
    {
        if (!InputRules.IsText(name, MaxNameLength, required: true) || !InputRules.IsText(description, MaxDescriptionLength, required: false))
        {
            throw new ArgumentException($"A method's name is 1–{MaxNameLength} printable characters, its description up to {MaxDescriptionLength}.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(rateMinor);
        ArgumentOutOfRangeException.ThrowIfNegative(perKgMinor);
        if (freeFromMinor is { } free)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(free, nameof(freeFromMinor));
        }
        Name = name.Trim();
        Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        RateMinor = rateMinor;
        FreeFromMinor = freeFromMinor;
        SortOrder = sortOrder;
        PerKgMinor = perKgMinor;
    }

    public void Activate(bool active) => Active = active;

    /// <summary>
    /// The price for an order worth <paramref name="afterDiscountMinor"/> that weighs <paramref name="weightGrams"/>: the
    /// rate plus the rate per kilogram for each kilogram started (1,001 g are 2 kg; a weightless order pays the rate
    /// alone). Free from the free-from amount whatever the weight, and a free-shipping promo code makes any method free.
    /// </summary>
    public long PriceFor(long afterDiscountMinor, long weightGrams, bool freeShipping) =>
        freeShipping || (FreeFromMinor is { } free && afterDiscountMinor >= free) ? 0 : RateMinor + PerKgMinor * StartedKilograms(weightGrams);

    /// <summary>The kilograms an order of <paramref name="weightGrams"/> has started: every gram past a whole kilogram starts the next.</summary>
    public static long StartedKilograms(long weightGrams) => weightGrams <= 0 ? 0 : ((weightGrams - 1) / 1000) + 1;
}
