using System.Text.RegularExpressions;
using Checkout.Data.Common;

namespace Checkout.Data.Catalog;

/// <summary>
/// A sellable item. The price here is the only price the shop ever charges. A product is never deleted (orders and
/// carts name it): one the shop stops selling is archived (<see cref="Active"/> false) and can be sold again.
/// </summary>
public sealed partial class Product
{
    private Product()
    {
    }

    public Product(
        string sku, string name, string category, string icon, long priceMinor, string currency = Money.DefaultCurrency, bool isHot = false,
        string description = "", int weightGrams = 0)
    {
        if (InputRules.Sku(sku) is { } error)
        {
            throw new ArgumentException(error.Message, nameof(sku));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priceMinor);
        Sku = sku;
        Name = name;
        Category = category;
        Icon = icon;
        PriceMinor = priceMinor;
        Currency = currency;
        IsHot = isHot;
        Active = true;
        Description = DescriptionOf(description);
        WeightGrams = CheckedWeight(weightGrams);
    }

    public const int MaxNameLength = 100;
    public const int MaxCategoryLength = 50;
    public const int MaxDescriptionLength = 2_000;
    public const int MaxImageAltLength = 200;

    /// <summary>The heaviest unit the shop ships, one tonne: a larger weight is a typo (kilograms typed as grams twice over).</summary>
    public const int MaxWeightGrams = 1_000_000;

    /// <summary>The highest price (1,000,000.00): a larger one is a typo, and a full cart's total stays far from overflowing.</summary>
    public const long MaxPriceMinor = 100_000_000;

    public string Sku { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Category { get; private set; } = "";

    /// <summary>The emoji the storefront showed before products had pictures: kept in its column, shown nowhere.</summary>
    public string Icon { get; private set; } = "";

    /// <summary>What the product page and the admin show under the name; plain text.</summary>
    public string Description { get; private set; } = "";

    /// <summary>The shipping weight of one unit, in grams: what weight-based delivery rates charge for.</summary>
    public int WeightGrams { get; private set; }

    /// <summary>The current picture's version (its largest rendition's ETag), carried by every picture address; null when it has none.</summary>
    public string? ImageVersion { get; private set; }

    /// <summary>The picture's text alternative for those who cannot see it.</summary>
    public string? ImageAlt { get; private set; }
    public long PriceMinor { get; private set; }
    public string Currency { get; private set; } = Money.DefaultCurrency;
    public bool IsHot { get; private set; }
    public bool Active { get; private set; }

    /// <summary>
    /// The new price, in the product's currency: carts read it at once (a line added before shows "was, now" until the
    /// shopper accepts it), and open checkouts keep the price they locked.
    /// </summary>
    public void ChangePrice(long priceMinor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priceMinor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priceMinor, MaxPriceMinor);
        PriceMinor = priceMinor;
    }

    /// <summary>Changes what the shop says about the product, its shipping weight and whether it sells as a hot item.</summary>
    public void Change(string name, string? description, string category, int weightGrams, bool hot)
    {
        if (!InputRules.IsText(name, MaxNameLength, required: true) || !InputRules.IsText(category, MaxCategoryLength, required: true))
        {
            throw new ArgumentException($"A product's name is 1–{MaxNameLength} printable characters, its category 1–{MaxCategoryLength}.");
        }
        var checkedDescription = DescriptionOf(description);
        WeightGrams = CheckedWeight(weightGrams);
        Name = name.Trim();
        Description = checkedDescription;
        Category = category.Trim();
        IsHot = hot;
    }

    /// <summary>Archives the product: no longer listed, added to a cart or checked out; its orders keep it as they have it.</summary>
    public void Deactivate() => Active = false;

    /// <summary>Sells an archived product again.</summary>
    public void Reactivate() => Active = true;

    /// <summary>
    /// Shows the picture whose renditions are stored under <paramref name="version"/> (the largest one's ETag without its
    /// quotes: every address of the picture carries it, so a new picture is never served from an old one's cache),
    /// described by <paramref name="alt"/> for those who cannot see it.
    /// </summary>
    public void ShowImage(string version, string alt)
    {
        if (string.IsNullOrEmpty(version) || version.Length > ProductImage.MaxETagLength || !version.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"A picture's version is 1–{ProductImage.MaxETagLength} letters, digits, - or _.", nameof(version));
        }
        if (!IsImageAlt(alt))
        {
            throw new ArgumentException($"A picture's text alternative is plain text on one line, 1–{MaxImageAltLength} characters.", nameof(alt));
        }
        ImageVersion = version;
        ImageAlt = alt;
    }

    /// <summary>The product is shown without a picture (the storefront's placeholder).</summary>
    public void RemoveImage()
    {
        ImageVersion = null;
        ImageAlt = null;
    }

    /// <summary>A text alternative a picture may have: 1–200 characters of plain text on one line, without spaces around it.</summary>
    public static bool IsImageAlt(string? alt) =>
        !string.IsNullOrWhiteSpace(alt) && alt.Length <= MaxImageAltLength && alt.Trim() == alt && !alt.Any(char.IsControl) && IsPlainText(alt);

    /// <summary>
    /// Whether <paramref name="text"/> is plain text a page can show as written: line breaks and tabs but no other
    /// control character, no direction overrides, and nothing that reads as a markup tag (<c>&lt;b&gt;</c>, <c>&lt;/p&gt;</c>,
    /// <c>&lt;!--</c>); a lone &lt; as in "fits cups &lt; 9 cm" is text. The length is checked apart.
    /// </summary>
    public static bool IsPlainText(string? text) =>
        text is null
        || (!text.Any(c => (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            && !MarkupTag().IsMatch(text));

    private static string DescriptionOf(string? description)
    {
        var trimmed = description?.Trim() ?? "";
        if (trimmed.Length > MaxDescriptionLength || !IsPlainText(trimmed))
        {
            throw new ArgumentException($"A description is plain text of at most {MaxDescriptionLength} characters.", nameof(description));
        }
        return trimmed;
    }

    private static int CheckedWeight(int weightGrams)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weightGrams);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weightGrams, MaxWeightGrams);
        return weightGrams;
    }

    [GeneratedRegex(@"<[A-Za-z/!?]")]
    private static partial Regex MarkupTag();
}
