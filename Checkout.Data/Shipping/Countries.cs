namespace Checkout.Data.Shipping;

/// <summary>A state, province or territory a carrier needs on the label, by its postal abbreviation.</summary>
public sealed record Region(string Code, string Name);

/// <summary>A country the store ships to, by its ISO 3166-1 alpha-2 code.</summary>
/// <param name="Regions">The regions an address must name one of; empty where the region is optional free text.</param>
/// <param name="RegionRequired">Whether an address must name one of <paramref name="Regions"/>.</param>
public sealed record Country(string Code, string Name, IReadOnlyList<Region> Regions, bool RegionRequired)
{
    /// <summary>The listed region with this code or English name, in any case; null when there is none.</summary>
    public Region? FindRegion(string codeOrName) => Regions.FirstOrDefault(r =>
        string.Equals(r.Code, codeOrName, StringComparison.OrdinalIgnoreCase) || string.Equals(r.Name, codeOrName, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The countries the store ships to: an address anywhere else is refused before it reaches an order.</summary>
public static class Countries
{
    private static readonly Region[] UnitedStates =
    [
        new("AL", "Alabama"), new("AK", "Alaska"), new("AZ", "Arizona"), new("AR", "Arkansas"), new("CA", "California"),
        new("CO", "Colorado"), new("CT", "Connecticut"), new("DE", "Delaware"), new("DC", "District of Columbia"),
        new("FL", "Florida"), new("GA", "Georgia"), new("HI", "Hawaii"), new("ID", "Idaho"), new("IL", "Illinois"),
        new("IN", "Indiana"), new("IA", "Iowa"), new("KS", "Kansas"), new("KY", "Kentucky"), new("LA", "Louisiana"),
        new("ME", "Maine"), new("MD", "Maryland"), new("MA", "Massachusetts"), new("MI", "Michigan"), new("MN", "Minnesota"),
        new("MS", "Mississippi"), new("MO", "Missouri"), new("MT", "Montana"), new("NE", "Nebraska"), new("NV", "Nevada"),
        new("NH", "New Hampshire"), new("NJ", "New Jersey"), new("NM", "New Mexico"), new("NY", "New York"),
        new("NC", "North Carolina"), new("ND", "North Dakota"), new("OH", "Ohio"), new("OK", "Oklahoma"), new("OR", "Oregon"),
        new("PA", "Pennsylvania"), new("RI", "Rhode Island"), new("SC", "South Carolina"), new("SD", "South Dakota"),
        new("TN", "Tennessee"), new("TX", "Texas"), new("UT", "Utah"), new("VT", "Vermont"), new("VA", "Virginia"),
        new("WA", "Washington"), new("WV", "West Virginia"), new("WI", "Wisconsin"), new("WY", "Wyoming"),
    ];

    private static readonly Region[] Canada =
    [
        new("AB", "Alberta"), new("BC", "British Columbia"), new("MB", "Manitoba"), new("NB", "New Brunswick"),
        new("NL", "Newfoundland and Labrador"), new("NT", "Northwest Territories"), new("NS", "Nova Scotia"), new("NU", "Nunavut"),
        new("ON", "Ontario"), new("PE", "Prince Edward Island"), new("QC", "Quebec"), new("SK", "Saskatchewan"), new("YT", "Yukon"),
    ];

    private static readonly Region[] Australia =
    [
        new("NSW", "New South Wales"), new("VIC", "Victoria"), new("QLD", "Queensland"), new("WA", "Western Australia"),
        new("SA", "South Australia"), new("TAS", "Tasmania"), new("ACT", "Australian Capital Territory"), new("NT", "Northern Territory"),
    ];

    public static IReadOnlyList<Country> Supported { get; } =
    [
        new("US", "United States", UnitedStates, RegionRequired: true),
        new("CA", "Canada", Canada, RegionRequired: true),
        new("GB", "United Kingdom", [], RegionRequired: false),
        new("DE", "Germany", [], RegionRequired: false),
        new("FR", "France", [], RegionRequired: false),
        new("NL", "Netherlands", [], RegionRequired: false),
        new("AU", "Australia", Australia, RegionRequired: true),
    ];

    /// <summary>The supported country with this two-letter code, in any case; null for any other code.</summary>
    public static Country? Find(string code) =>
        Supported.FirstOrDefault(c => string.Equals(c.Code, code, StringComparison.OrdinalIgnoreCase));
}
