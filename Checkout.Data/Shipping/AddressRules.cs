using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Checkout.Data.Common;
using FluentValidation;

namespace Checkout.Data.Shipping;

/// <summary>
/// Turns what a client sent as a shipping address into a <see cref="ShippingAddress"/>, or says field by field what a
/// shopper has to fix. A null input is read as an empty form: each required field reports itself missing.
/// </summary>
public static partial class AddressRules
{
    public const int MaxNameLength = 100;
    public const int MaxLineLength = 100;
    public const int MaxCityLength = 60;
    public const int MaxRegionLength = 60;
    public const int MaxPhoneLength = 20;

    private const string ShipsTo =
        "We ship to the United States, Canada, the United Kingdom, Germany, France, the Netherlands and Australia.";

    private static readonly ShippingAddressInput Blank = new(null, null, null, null, null, null, null, null);

    /// <summary>Ordinary and other Unicode spaces, trimmed from every field; a line break or tab is refused wherever it is.</summary>
    private static readonly char[] Spaces =
        [.. Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => char.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator)];

    private static readonly Dictionary<string, Format> Formats = new(StringComparer.Ordinal)
    {
        ["US"] = new(UsZipCode(), "$0", "Enter a US ZIP code like 94103 or 94103-1234.", "state"),
        ["CA"] = new(CanadianPostalCode(), "$1 $2", "Enter a Canadian postal code like K1A 0B1.", "province or territory"),
        ["GB"] = new(UkPostcode(), "$1 $2", "Enter a UK postcode like SW1A 1AA."),
        ["DE"] = new(FiveDigits(), "$0", "Enter a German postcode of 5 digits like 10115."),
        ["FR"] = new(FiveDigits(), "$0", "Enter a French postcode of 5 digits like 75001."),
        ["NL"] = new(DutchPostcode(), "$1 $2", "Enter a Dutch postcode like 1012 AB."),
        ["AU"] = new(FourDigits(), "$0", "Enter an Australian postcode of 4 digits like 2000.", "state or territory"),
    };

    private static readonly Validator Rules = new();

    /// <summary>The address as it is stored, or a validation error whose details hold the messages of each field by its JSON name.</summary>
    public static Result<ShippingAddress> Validate(ShippingAddressInput? input)
    {
        var form = Trimmed(input ?? Blank);
        if (FieldErrors.Check(Rules, form, "the shipping address") is { } refused)
        {
            return refused;
        }

        var country = Countries.Find(form.Country!)!;
        return new ShippingAddress(
            form.Name!, form.Line1!, form.Line2, form.City!,
            country.RegionRequired ? country.FindRegion(form.Region!)!.Code : form.Region,
            Formats[country.Code].PostalCodeOf(form.PostalCode!)!, country.Code, form.Phone);
    }

    private static ShippingAddressInput Trimmed(ShippingAddressInput input) => new(
        Trimmed(input.Name), Trimmed(input.Line1), Trimmed(input.Line2), Trimmed(input.City),
        Trimmed(input.Region), Trimmed(input.PostalCode), Trimmed(input.Country), Trimmed(input.Phone));

    private static string? Trimmed(string? value) => value?.Trim(Spaces) is { Length: > 0 } trimmed ? trimmed : null;

    private static Country? CountryOf(ShippingAddressInput input) => input.Country is null ? null : Countries.Find(input.Country);

    private static Format? FormatOf(ShippingAddressInput input) => CountryOf(input) is { } country ? Formats[country.Code] : null;

    /// <summary>
    /// Whether text prints as it reads on a label, a page or a CSV cell: no control characters, line or paragraph
    /// separators, bidirectional overrides or broken surrogate pairs, and none of the markup characters &lt; &gt; { }.
    /// </summary>
    private static bool IsPlain(string? value)
    {
        var rest = value.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != OperationStatus.Done || IsRefused(rune))
            {
                return false;
            }
            rest = rest[used..];
        }
        return true;
    }

    private static bool IsRefused(Rune rune) =>
        rune.Value is '<' or '>' or '{' or '}' or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static IRuleBuilderOptions<ShippingAddressInput, string?> Plain(this IRuleBuilder<ShippingAddressInput, string?> rule, string label) =>
        rule.Must(IsPlain).WithMessage($"{label} cannot contain line breaks, tabs, other control characters or any of < > {{ }}.");

    private static IRuleBuilderOptions<ShippingAddressInput, string?> Text(
        this IRuleBuilder<ShippingAddressInput, string?> rule, string label, int maxLength) =>
        rule.Plain(label).MaximumLength(maxLength).WithMessage($"{label} can be at most {maxLength} characters.");

    /// <summary>How one supported country's postal codes look and are written, and what its listed regions are called.</summary>
    /// <param name="PostalCode">The shape of an uppercased postal code, anchored at both ends.</param>
    /// <param name="Written">The replacement pattern that writes a matching postal code the stored way.</param>
    private sealed record Format(Regex PostalCode, string Written, string PostalCodeMessage, string? RegionNoun = null)
    {
        /// <summary>The postal code as it is stored, or null when it does not have the country's shape.</summary>
        public string? PostalCodeOf(string code) => PostalCode.Match(code.ToUpperInvariant()) is { Success: true } match ? match.Result(Written) : null;
    }

    private sealed class Validator : AbstractValidator<ShippingAddressInput>
    {
        public Validator()
        {
            RuleLevelCascadeMode = CascadeMode.Stop;

            RuleFor(x => x.Name).NotNull().WithMessage("Enter the recipient's name.").Text("The name", MaxNameLength);
            RuleFor(x => x.Line1).NotNull().WithMessage("Enter the street address.").Text("Address line 1", MaxLineLength);
            RuleFor(x => x.Line2).Text("Address line 2", MaxLineLength);
            RuleFor(x => x.City).NotNull().WithMessage("Enter the town or city.").Text("The town or city", MaxCityLength);

            RuleFor(x => x.Region).Text("The region", MaxRegionLength).Unless(HasListedRegions);
            RuleFor(x => x.Region)
                .NotNull().WithMessage(x => $"Choose a {FormatOf(x)!.RegionNoun}.")
                .Must((x, region) => CountryOf(x)!.FindRegion(region!) is not null).WithMessage(x => UnknownRegion(CountryOf(x)!))
                .When(HasListedRegions);

            RuleFor(x => x.PostalCode)
                .NotNull().WithMessage("Enter the postal code.")
                .Plain("The postal code")
                .Must((x, code) => FormatOf(x) is not { } format || format.PostalCodeOf(code!) is not null)
                .WithMessage(x => FormatOf(x)!.PostalCodeMessage);

            RuleFor(x => x.Country)
                .NotNull().WithMessage("Choose a country.")
                .Plain("The country")
                .Must(code => Countries.Find(code!) is not null).WithMessage(ShipsTo);

            RuleFor(x => x.Phone)
                .Text("The phone number", MaxPhoneLength)
                .Matches(PhoneNumber()).WithMessage("A phone number has at least 6 digits, with only spaces and + - ( ) . between them.");
        }

        private static bool HasListedRegions(ShippingAddressInput input) => CountryOf(input)?.RegionRequired == true;

        private static string UnknownRegion(Country country) =>
            $"Choose a {Formats[country.Code].RegionNoun} by its code or full name, like {country.Regions[0].Code} or {country.Regions[0].Name}.";
    }

    [GeneratedRegex(@"^[0-9]{5}(?:-[0-9]{4})?\z")]
    private static partial Regex UsZipCode();

    // No D, F, I, O, Q or U anywhere, and no W or Z first.
    [GeneratedRegex(@"^([ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z]) ?([0-9][ABCEGHJ-NPRSTV-Z][0-9])\z")]
    private static partial Regex CanadianPostalCode();

    // Outward code A9, A99, AA9, AA99, A9A or AA9A; inward code a digit and two letters, never C, I, K, M, O or V.
    [GeneratedRegex(@"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][ABD-HJLNP-UW-Z]{2})\z")]
    private static partial Regex UkPostcode();

    // Four digits not starting with 0, then two letters other than SA, SD and SS.
    [GeneratedRegex(@"^([1-9][0-9]{3}) ?((?!SA|SD|SS)[A-Z]{2})\z")]
    private static partial Regex DutchPostcode();

    [GeneratedRegex(@"^[0-9]{5}\z")]
    private static partial Regex FiveDigits();

    [GeneratedRegex(@"^[0-9]{4}\z")]
    private static partial Regex FourDigits();

    [GeneratedRegex(@"^(?=(?:[^0-9]*[0-9]){6})[0-9 +\-().]+\z")]
    private static partial Regex PhoneNumber();
}
