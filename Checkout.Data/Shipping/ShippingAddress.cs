namespace Checkout.Data.Shipping;

/// <summary>A shipping address as a client sent it: any field may be missing, blank or malformed until <see cref="AddressRules.Validate"/> accepts it.</summary>
public sealed record ShippingAddressInput(
    string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country, string? Phone);

/// <summary>
/// An accepted shipping address, written the one way it is stored and printed: text trimmed, blank optional fields
/// null, the country and a listed region as uppercase codes, the postal code in its country's usual form.
/// </summary>
public sealed record ShippingAddress(
    string Name, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string? Phone)
{
    /// <summary>The address as a client would send it again (a new checkout to the same place).</summary>
    public ShippingAddressInput ToInput() => new(Name, Line1, Line2, City, Region, PostalCode, Country, Phone);

    /// <summary>The lines of a parcel label, in the order the destination country's post reads them, its English name last.</summary>
    public IReadOnlyList<string> Lines()
    {
        List<string> lines = [Name, Line1];
        if (Line2 is not null)
        {
            lines.Add(Line2);
        }
        switch (Country)
        {
            case "US" or "CA":
                lines.Add(Joined($"{City},", Region, PostalCode));
                break;
            case "AU":
                lines.Add(Joined(City, Region, PostalCode));
                break;
            case "GB":
                lines.Add(City);
                AddRegion(lines);
                lines.Add(PostalCode);
                break;
            default:
                lines.Add(Joined(PostalCode, City));
                AddRegion(lines);
                break;
        }
        lines.Add(Countries.Find(Country)?.Name ?? Country);
        return lines;
    }

    private void AddRegion(List<string> lines)
    {
        if (Region is not null)
        {
            lines.Add(Region);
        }
    }

    private static string Joined(params string?[] parts) => string.Join(' ', parts.OfType<string>());
}
