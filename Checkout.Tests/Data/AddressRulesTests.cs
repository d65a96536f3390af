using Checkout.Data.Common;
using Checkout.Data.Shipping;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Data;

/// <summary>A shipping address is checked field by field before it reaches an order, and stored and printed one way.</summary>
public class AddressRulesTests
{
    private const string ShipsTo =
        "We ship to the United States, Canada, the United Kingdom, Germany, France, the Netherlands and Australia.";

    private static readonly string[] AllFields = ["name", "line1", "line2", "city", "region", "postalCode", "country", "phone"];

    [Theory]
    [InlineData("us", "california", "94103-1234", "US", "CA", "94103-1234")]
    [InlineData("Ca", "qc", "h2x1y4", "CA", "QC", "H2X 1Y4")]
    [InlineData("gb", "", "sw1a2aa", "GB", null, "SW1A 2AA")]
    [InlineData("DE", " Bayern ", "10117", "DE", "Bayern", "10117")]
    [InlineData("fr", null, " 75001 ", "FR", null, "75001")]
    [InlineData("nl", "Noord-Holland", "1012js", "NL", "Noord-Holland", "1012 JS")]
    [InlineData("AU", "new south wales", "2000", "AU", "NSW", "2000")]
    public void Validate_ValidAddress_IsStoredNormalized(
        string country, string? region, string postalCode, string storedCountry, string? storedRegion, string storedPostalCode)
    {
        var input = new ShippingAddressInput("  Jane Doe ", "\u00A01 Main Street ", "   ", " Springfield ", region, postalCode, $" {country} ", "");

        var address = ResultAssert.Success(AddressRules.Validate(input));

        Assert.Equal(new ShippingAddress("Jane Doe", "1 Main Street", null, "Springfield", storedRegion, storedPostalCode, storedCountry, null), address);
    }

    [Fact]
    public void Validate_EveryOptionalField_IsTrimmedAndKept()
    {
        var input = Valid("US") with { Line2 = "  Suite 200  ", Phone = " +1 (415) 555-0100 " };

        var address = ResultAssert.Success(AddressRules.Validate(input));

        Assert.Equal(("Suite 200", "+1 (415) 555-0100"), (address.Line2, address.Phone));
    }

    [Theory]
    [InlineData("Zoë Łukasiewicz-Müller")]
    [InlineData("Seán O'Brien")]
    [InlineData("渡辺 健")]
    [InlineData("Ann & Bob Smith (c/o Acme, Inc.)")]
    public void Validate_NameInAnyScriptOrWithPunctuation_IsAccepted(string name) =>
        Assert.Equal(name, ResultAssert.Success(AddressRules.Validate(Valid("GB") with { Name = name })).Name);

    [Theory]
    [InlineData("name", "Enter the recipient's name.")]
    [InlineData("line1", "Enter the street address.")]
    [InlineData("city", "Enter the town or city.")]
    [InlineData("postalCode", "Enter the postal code.")]
    [InlineData("country", "Choose a country.")]
    public void Validate_RequiredFieldMissing_ReportsThatFieldOnly(string field, string message)
    {
        foreach (var missing in new[] { null, "", "   ", "\u00A0\u3000" })
        {
            var errors = Errors(AddressRules.Validate(With(Valid("US"), field, missing)));

            Assert.Equal([field], errors.Keys);
            Assert.Equal([message], errors[field]);
        }
    }

    [Fact]
    public void Validate_Failure_IsAValidationErrorLeadingWithTheFirstMessage()
    {
        var error = ResultAssert.Failure(AddressRules.Validate(Valid("US") with { City = null, Country = "JP" }), ErrorCodes.Validation);

        Assert.Equal("Check the shipping address: Enter the town or city.", error.Message);
        var errors = Assert.IsAssignableFrom<IReadOnlyDictionary<string, string[]>>(error.Details!["errors"]);
        Assert.Equal(["city", "country"], errors.Keys);
        Assert.Equal([ShipsTo], errors["country"]);
    }

    [Theory]
    [InlineData("name", AddressRules.MaxNameLength, "US")]
    [InlineData("line1", AddressRules.MaxLineLength, "US")]
    [InlineData("line2", AddressRules.MaxLineLength, "US")]
    [InlineData("city", AddressRules.MaxCityLength, "US")]
    [InlineData("region", AddressRules.MaxRegionLength, "GB")]
    [InlineData("region", AddressRules.MaxRegionLength, "DE")]
    public void Validate_FieldAtItsLimit_PassesAndOneMoreFails(string field, int limit, string country)
    {
        var atLimit = new string('x', limit);

        var address = ResultAssert.Success(AddressRules.Validate(With(Valid(country), field, atLimit)));
        var errors = Errors(AddressRules.Validate(With(Valid(country), field, atLimit + "x")));

        Assert.Contains(atLimit, new[] { address.Name, address.Line1, address.Line2, address.City, address.Region });
        Assert.Equal([field], errors.Keys);
        Assert.EndsWith($"can be at most {limit} characters.", Assert.Single(errors[field]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US", "94103", "94103")]
    [InlineData("US", "94103-1234", "94103-1234")]
    [InlineData("US", "00501", "00501")]
    [InlineData("CA", "K1A 0B1", "K1A 0B1")]
    [InlineData("CA", "k1a0b1", "K1A 0B1")]
    [InlineData("CA", "M5V 3L9", "M5V 3L9")]
    [InlineData("CA", "T2X 1V4", "T2X 1V4")]
    [InlineData("GB", "SW1A 1AA", "SW1A 1AA")]
    [InlineData("GB", "m1 1ae", "M1 1AE")]
    [InlineData("GB", "B338TH", "B33 8TH")]
    [InlineData("GB", "CR2 6XH", "CR2 6XH")]
    [InlineData("GB", "dn551pt", "DN55 1PT")]
    [InlineData("GB", "W1A 0AX", "W1A 0AX")]
    [InlineData("DE", "10117", "10117")]
    [InlineData("DE", "01067", "01067")]
    [InlineData("DE", "80331", "80331")]
    [InlineData("FR", "75001", "75001")]
    [InlineData("FR", "13008", "13008")]
    [InlineData("FR", "97400", "97400")]
    [InlineData("NL", "1012 JS", "1012 JS")]
    [InlineData("NL", "1012js", "1012 JS")]
    [InlineData("NL", "9999 ZZ", "9999 ZZ")]
    [InlineData("NL", "3011 sb", "3011 SB")]
    [InlineData("AU", "2000", "2000")]
    [InlineData("AU", "0800", "0800")]
    [InlineData("AU", "6000", "6000")]
    public void Validate_PostalCodeOfTheCountrysShape_IsStoredInItsUsualForm(string country, string postalCode, string stored) =>
        Assert.Equal(stored, ResultAssert.Success(AddressRules.Validate(Valid(country) with { PostalCode = postalCode })).PostalCode);

    [Theory]
    [InlineData("US", "9410")]
    [InlineData("US", "941031")]
    [InlineData("US", "94103-123")]
    [InlineData("US", "941031234")]
    [InlineData("US", "94103 1234")]
    [InlineData("US", "ABCDE")]
    [InlineData("US", "٩٤١٠٣")]
    [InlineData("CA", "W1A 0B1")]
    [InlineData("CA", "Z1A 0B1")]
    [InlineData("CA", "D1A 0B1")]
    [InlineData("CA", "K1O 0B1")]
    [InlineData("CA", "K1A 0U1")]
    [InlineData("CA", "K1A-0B1")]
    [InlineData("CA", "K1A 0B")]
    [InlineData("GB", "SW1A 1A")]
    [InlineData("GB", "1AA 1AA")]
    [InlineData("GB", "SWAA 1AA")]
    [InlineData("GB", "SW1A-1AA")]
    [InlineData("GB", "SW1A 1CA")]
    [InlineData("GB", "SW1A1AAA")]
    [InlineData("DE", "1011")]
    [InlineData("DE", "101170")]
    [InlineData("DE", "1O117")]
    [InlineData("DE", "D-10117")]
    [InlineData("FR", "7500")]
    [InlineData("FR", "75 001")]
    [InlineData("FR", "750011")]
    [InlineData("NL", "0123 AB")]
    [InlineData("NL", "1012 SA")]
    [InlineData("NL", "1012 SD")]
    [InlineData("NL", "1012 SS")]
    [InlineData("NL", "1012 A")]
    [InlineData("NL", "12345 AB")]
    [InlineData("AU", "200")]
    [InlineData("AU", "20000")]
    [InlineData("AU", "2OOO")]
    [InlineData("AU", "NSW 2000")]
    public void Validate_PostalCodeNotOfTheCountrysShape_IsRefused(string country, string postalCode)
    {
        var errors = Errors(AddressRules.Validate(Valid(country) with { PostalCode = postalCode }));

        Assert.Equal(["postalCode"], errors.Keys);
        Assert.StartsWith("Enter a", Assert.Single(errors["postalCode"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("US", "Enter a US ZIP code like 94103 or 94103-1234.")]
    [InlineData("CA", "Enter a Canadian postal code like K1A 0B1.")]
    [InlineData("GB", "Enter a UK postcode like SW1A 1AA.")]
    [InlineData("NL", "Enter a Dutch postcode like 1012 AB.")]
    [InlineData("AU", "Enter an Australian postcode of 4 digits like 2000.")]
    public void Validate_PostalCodeOfTheWrongShape_SaysTheCountrysShape(string country, string message) =>
        Assert.Equal([message], Errors(AddressRules.Validate(Valid(country) with { PostalCode = "12" }))["postalCode"]);

    [Theory]
    [InlineData(null)]
    [InlineData("JP")]
    public void Validate_CountryMissingOrUnsupported_ReportsNoPostalCodeShape(string? country)
    {
        var errors = Errors(AddressRules.Validate(Valid("US") with { Country = country, PostalCode = "garbage" }));

        Assert.Equal(["country"], errors.Keys);
    }

    [Theory]
    [InlineData("US", "Choose a state.")]
    [InlineData("CA", "Choose a province or territory.")]
    [InlineData("AU", "Choose a state or territory.")]
    public void Validate_RegionMissingWhereRequired_AsksForIt(string country, string message)
    {
        foreach (var missing in new[] { null, "", "  " })
        {
            var errors = Errors(AddressRules.Validate(Valid(country) with { Region = missing }));

            Assert.Equal([message], errors["region"]);
            Assert.Single(errors);
        }
    }

    [Theory]
    [InlineData("US", "ON")]
    [InlineData("US", "Ontario")]
    [InlineData("US", "ZZ")]
    [InlineData("US", "Calif")]
    [InlineData("US", "<script>")]
    [InlineData("CA", "CA")]
    [InlineData("CA", "NSW")]
    [InlineData("AU", "NW")]
    [InlineData("AU", "Texas")]
    public void Validate_RegionNotListedForTheCountry_IsRefused(string country, string region)
    {
        var errors = Errors(AddressRules.Validate(Valid(country) with { Region = region }));

        Assert.Equal(["region"], errors.Keys);
        Assert.StartsWith("Choose a", Assert.Single(errors["region"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownState_SaysHowToNameOne() =>
        Assert.Equal(
            ["Choose a state by its code or full name, like AL or Alabama."],
            Errors(AddressRules.Validate(Valid("US") with { Region = "Atlantis" }))["region"]);

    [Theory]
    [InlineData("US", "ca", "CA")]
    [InlineData("US", "california", "CA")]
    [InlineData("US", "District of Columbia", "DC")]
    [InlineData("US", " NEW YORK ", "NY")]
    [InlineData("CA", "Quebec", "QC")]
    [InlineData("CA", "bc", "BC")]
    [InlineData("CA", "Newfoundland and Labrador", "NL")]
    [InlineData("AU", "Tasmania", "TAS")]
    [InlineData("AU", "act", "ACT")]
    [InlineData("AU", "western australia", "WA")]
    public void Validate_RegionByCodeOrFullName_IsStoredAsTheCode(string country, string region, string stored) =>
        Assert.Equal(stored, ResultAssert.Success(AddressRules.Validate(Valid(country) with { Region = region })).Region);

    [Theory]
    [InlineData("GB", null, null)]
    [InlineData("GB", "", null)]
    [InlineData("GB", " Greater London ", "Greater London")]
    [InlineData("DE", null, null)]
    [InlineData("DE", "Bayern", "Bayern")]
    [InlineData("FR", "Île-de-France", "Île-de-France")]
    [InlineData("NL", "Noord-Holland", "Noord-Holland")]
    public void Validate_RegionWhereOptional_IsFreeTextOrNull(string country, string? region, string? stored) =>
        Assert.Equal(stored, ResultAssert.Success(AddressRules.Validate(Valid(country) with { Region = region })).Region);

    public static TheoryData<string, string> HostileValues()
    {
        string[] values =
        [
            "Jane\0Doe", "Jane\r\nDoe", "Jane\tDoe", "Jane Doe\n", "\u0007Jane", "Jane\u0085Doe", "Jane\u2028Doe",
            "Jane\u202EeoD", "<script>alert(1)</script>", "Jane <b>Doe</b>", "{{7*7}}", "Jane}", "a > b",
        ];
        var data = new TheoryData<string, string>();
        foreach (var field in AllFields)
        {
            foreach (var value in values)
            {
                data.Add(field, value);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(HostileValues), DisableDiscoveryEnumeration = true)]
    public void Validate_ControlCharactersOrMarkup_AreRefusedInEveryField(string field, string value)
    {
        foreach (var country in new[] { "US", "GB" })
        {
            var errors = Errors(AddressRules.Validate(With(Valid(country), field, value)));

            Assert.Equal([field], errors.Keys);
        }
    }

    [Theory]
    [InlineData("name", "The name")]
    [InlineData("line1", "Address line 1")]
    [InlineData("line2", "Address line 2")]
    [InlineData("city", "The town or city")]
    [InlineData("postalCode", "The postal code")]
    [InlineData("country", "The country")]
    [InlineData("phone", "The phone number")]
    public void Validate_Markup_IsRefusedWithAMessageNamingTheField(string field, string label) =>
        Assert.Equal(
            [$"{label} cannot contain line breaks, tabs, other control characters or any of < > {{ }}."],
            Errors(AddressRules.Validate(With(Valid("GB"), field, "<b>1</b>")))[field]);

    [Fact]
    public void Validate_BrokenSurrogatePair_IsRefused()
    {
        var errors = Errors(AddressRules.Validate(Valid("GB") with { Name = "Jane \uD800Doe", City = "London\uDC00" }));

        Assert.Equal(["name", "city"], errors.Keys);
    }

    [Theory]
    [InlineData("name")]
    [InlineData("line1")]
    [InlineData("line2")]
    [InlineData("city")]
    [InlineData("region")]
    [InlineData("postalCode")]
    [InlineData("country")]
    [InlineData("phone")]
    public void Validate_TenThousandCharacters_AreRefusedInEveryField(string field)
    {
        foreach (var country in new[] { "US", "GB" })
        {
            foreach (var filler in new[] { 'x', '9' })
            {
                var errors = Errors(AddressRules.Validate(With(Valid(country), field, new string(filler, 10_000))));

                Assert.Equal([field], errors.Keys);
            }
        }
    }

    [Fact]
    public void Validate_NullInput_ReportsEveryRequiredField()
    {
        var result = AddressRules.Validate(null);

        var error = ResultAssert.Failure(result, ErrorCodes.Validation);
        Assert.Equal("Check the shipping address: Enter the recipient's name.", error.Message);
        Assert.Equal(["name", "line1", "city", "postalCode", "country"], Errors(result).Keys);
    }

    [Theory]
    [InlineData("JP", ShipsTo)]
    [InlineData("USA", ShipsTo)]
    [InlineData("UK", ShipsTo)]
    [InlineData("U", ShipsTo)]
    [InlineData("12", ShipsTo)]
    [InlineData("United States", ShipsTo)]
    [InlineData("", "Choose a country.")]
    [InlineData("  ", "Choose a country.")]
    public void Validate_UnsupportedCountry_IsRefused(string country, string message)
    {
        var errors = Errors(AddressRules.Validate(Valid("US") with { Country = country }));

        Assert.Equal(["country"], errors.Keys);
        Assert.Equal([message], errors["country"]);
    }

    [Fact]
    public void ShipsTo_NamesEverySupportedCountry() =>
        Assert.All(Countries.Supported, c => Assert.Contains(c.Name, ShipsTo, StringComparison.Ordinal));

    [Theory]
    [InlineData("+1 (415) 555-0100", "+1 (415) 555-0100")]
    [InlineData("020 7946 0958", "020 7946 0958")]
    [InlineData("415.555.0100", "415.555.0100")]
    [InlineData("  +44 20 7946 0958  ", "+44 20 7946 0958")]
    [InlineData("123456", "123456")]
    [InlineData("+61 (2) 9999-9999 00", "+61 (2) 9999-9999 00")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Validate_PhoneOfDigitsAndSeparators_IsStoredTrimmed(string? phone, string? stored) =>
        Assert.Equal(stored, ResultAssert.Success(AddressRules.Validate(Valid("US") with { Phone = phone })).Phone);

    [Theory]
    [InlineData("12345")]
    [InlineData("+1 (4) 5-5")]
    [InlineData("+1 415 555 0100 ext 2")]
    [InlineData("555-CALL-NOW")]
    [InlineData("123456789012345678901")]
    [InlineData("+1 415 555 0100 / 2")]
    [InlineData("١٢٣٤٥٦٧")]
    public void Validate_PhoneNotOfDigitsAndSeparators_IsRefused(string phone)
    {
        var errors = Errors(AddressRules.Validate(Valid("US") with { Phone = phone }));

        Assert.Equal(["phone"], errors.Keys);
    }

    [Fact]
    public void Lines_OfAUsAddress_PutCityStateAndZipOnOneLine()
    {
        var address = ResultAssert.Success(AddressRules.Validate(
            new ShippingAddressInput("Jane Doe", "1 Market St", "Suite 200", "San Francisco", "California", "94103", "us", "+1 415 555 0100")));

        Assert.Equal(["Jane Doe", "1 Market St", "Suite 200", "San Francisco, CA 94103", "United States"], address.Lines());
    }

    [Fact]
    public void Lines_OfAUkAddress_PutThePostcodeOnItsOwnLine()
    {
        var address = ResultAssert.Success(AddressRules.Validate(
            new ShippingAddressInput("John Smith", "10 Downing Street", null, "London", null, "sw1a2aa", "GB", null)));

        Assert.Equal(["John Smith", "10 Downing Street", "London", "SW1A 2AA", "United Kingdom"], address.Lines());
    }

    [Fact]
    public void Lines_OfAGermanAddress_PutThePostcodeBeforeTheCity() =>
        Assert.Equal(
            ["Max Mustermann", "Unter den Linden 1", "10117 Berlin", "Germany"],
            ResultAssert.Success(AddressRules.Validate(Valid("DE"))).Lines());

    [Fact]
    public void Countries_ListTheSupportedCountriesAndTheirRegions()
    {
        Assert.Equal(["US", "CA", "GB", "DE", "FR", "NL", "AU"], Countries.Supported.Select(c => c.Code));
        Assert.Equal(
            [("US", 51, true), ("CA", 13, true), ("GB", 0, false), ("DE", 0, false), ("FR", 0, false), ("NL", 0, false), ("AU", 8, true)],
            Countries.Supported.Select(c => (c.Code, c.Regions.Count, c.RegionRequired)));
        Assert.All(Countries.Supported, c => Assert.Equal(c.Regions.Count, c.Regions.Select(r => r.Code).Distinct().Count()));
        Assert.Equal("Netherlands", Countries.Find("nl")?.Name);
        Assert.Null(Countries.Find("NLD"));
    }

    /// <summary>A valid address in <paramref name="country"/>, written as a shopper would type it.</summary>
    private static ShippingAddressInput Valid(string country) => country switch
    {
        "US" => new("Jane Doe", "1 Market St", null, "San Francisco", "CA", "94103", "US", null),
        "CA" => new("Jean Tremblay", "24 Sussex Dr", null, "Ottawa", "ON", "K1A 0A3", "CA", null),
        "GB" => new("John Smith", "10 Downing Street", null, "London", null, "SW1A 2AA", "GB", null),
        "DE" => new("Max Mustermann", "Unter den Linden 1", null, "Berlin", null, "10117", "DE", null),
        "FR" => new("Marie Curie", "1 Rue de Rivoli", null, "Paris", null, "75001", "FR", null),
        "NL" => new("Jan de Vries", "Dam 1", null, "Amsterdam", null, "1012 JS", "NL", null),
        "AU" => new("Bruce Wayne", "1 George St", null, "Sydney", "NSW", "2000", "AU", null),
        _ => throw new ArgumentOutOfRangeException(nameof(country), country, "No sample address for this country."),
    };

    /// <summary>The input with one field, named as in JSON, set to <paramref name="value"/>.</summary>
    private static ShippingAddressInput With(ShippingAddressInput input, string field, string? value) => field switch
    {
        "name" => input with { Name = value },
        "line1" => input with { Line1 = value },
        "line2" => input with { Line2 = value },
        "city" => input with { City = value },
        "region" => input with { Region = value },
        "postalCode" => input with { PostalCode = value },
        "country" => input with { Country = value },
        "phone" => input with { Phone = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "Not a field of a shipping address."),
    };

    private static IReadOnlyDictionary<string, string[]> Errors(Result<ShippingAddress> result) =>
        Assert.IsAssignableFrom<IReadOnlyDictionary<string, string[]>>(ResultAssert.Failure(result, ErrorCodes.Validation).Details!["errors"]);
}
