using System.Globalization;
using Checkout.Data.Catalog;
using Checkout.Data.Common;

namespace Checkout.Web.Components.Admin;

/// <summary>
/// How the back office writes a product's figures and where its pages are. How its state looks (its word and colour)
/// is in <c>StatusDisplay</c> with every other status.
/// </summary>
public static class ProductDisplay
{
    public const string ListPath = "/admin/products";
    public const string NewPath = "/admin/products/new";

    public static string EditHref(string sku) => $"{ListPath}/{Uri.EscapeDataString(sku)}";

    /// <summary>The inventory page showing this SKU only, where its stock is restocked and adjusted.</summary>
    public static string InventoryHref(string sku) => $"/admin/inventory?sku={Uri.EscapeDataString(sku)}";

    public static string Price(ProductAdminView product) => Money.Format(product.PriceMinor, product.Currency);

    /// <summary>Grams as typed and stored: "1,050 g".</summary>
    public static string Weight(int grams) => $"{Count(grams)} g";

    public static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
