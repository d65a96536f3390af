using System.Diagnostics.CodeAnalysis;
using Checkout.Data.Catalog;

namespace Checkout.Web.Catalog;

/// <summary>
/// A product's picture as a page shows it: the one place its <c>src</c>, <c>srcset</c> and text alternative are worked
/// out, for the storefront's pictures (<c>ProductPicture</c>) and for the catalog API (<c>GET /api/products</c>) alike,
/// so a client of the API shows what the storefront shows.
/// </summary>
/// <param name="Src">The address for a browser that ignores <c>srcset</c>: the picture <see cref="FallbackWidth"/> pixels wide.</param>
/// <param name="SrcSet">The picture at each of the <see cref="Widths"/> a page offers, for an <c>img</c> element's <c>srcset</c>.</param>
/// <param name="Alt">What the picture shows, for those who cannot see it.</param>
public sealed record ProductPictureSource(string Src, string SrcSet, string Alt)
{
    /// <summary>The widths a page offers the browser to pick from, by the space it gives the picture.</summary>
    public static readonly IReadOnlyList<int> Widths = [160, 320, 640];

    /// <summary>For a browser that ignores <c>srcset</c>: the width of a catalog card's picture.</summary>
    public const int FallbackWidth = 320;

    /// <summary>
    /// The picture of <paramref name="sku"/> at <paramref name="version"/>, described by <paramref name="alt"/> (the
    /// product's name when it has none); null when the product has no picture.
    /// </summary>
    [return: NotNullIfNotNull(nameof(version))]
    public static ProductPictureSource? Of(string sku, string? version, string? alt, string productName) =>
        version is null
            ? null
            : new(ProductImageEndpoints.Url(sku, version, FallbackWidth), ProductImageEndpoints.SrcSet(sku, version, Widths), alt ?? productName);

    /// <summary>The picture of a product as the catalog lists it; null when it has none.</summary>
    public static ProductPictureSource? Of(ProductView product) => Of(product.Sku, product.ImageVersion, product.ImageAlt, product.Name);
}
