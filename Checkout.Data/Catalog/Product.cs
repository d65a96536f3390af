using Checkout.Data.Common;

namespace Checkout.Data.Catalog;

/// <summary>A sellable item. The price here is the only price the shop ever charges.</summary>
public sealed class Product
{
    private Product()
    {
    }

    public Product(string sku, string name, string category, string icon, long priceMinor, string currency = Money.DefaultCurrency, bool isHot = false)
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
    }

    public const int MaxNameLength = 100;
    public const int MaxCategoryLength = 50;
    public const int MaxDescriptionLength = 2_000;
    public const int MaxImageAltLength = 200;

    public string Sku { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Category { get; private set; } = "";
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

    public void ChangePrice(long priceMinor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(priceMinor);
        PriceMinor = priceMinor;
    }

    public void Deactivate() => Active = false;
}
