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

    public string Sku { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string Category { get; private set; } = "";
    public string Icon { get; private set; } = "";
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
