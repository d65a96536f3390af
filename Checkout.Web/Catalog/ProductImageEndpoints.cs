using System.Globalization;
using Checkout.Data.Catalog;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Net.Http.Headers;

namespace Checkout.Web.Catalog;

/// <summary>
/// Serves the products' pictures to everyone (the storefront shows them before anyone signs in), from the database
/// every instance shares, at <c>/images/products/{sku}/{width}.webp?v={version}</c>. An address carries the version
/// of the picture it shows, so the bytes at an address never change: the current version's answer is cached for a
/// year (<c>immutable</c>), and a new picture gets new addresses. An address with another version (a page older
/// than the picture) or none is redirected (302, not cached) to the current version's, so it still shows the current
/// picture and every version keeps one address to cache. Each answer has the rendition's strong ETag and answers a
/// matching <c>If-None-Match</c> with 304. A request costs one query of one row.
/// </summary>
public static class ProductImageEndpoints
{
    public const string PathBase = "/images/products";

    /// <summary>A year: the longest a cache is told to keep anything, and longer than a picture's address is in use.</summary>
    public const string ImmutableCaching = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapProductImages(this IEndpointRouteBuilder app)
    {
        app.MapGet(PathBase + "/{sku}/{width:int}.webp", ServeAsync).WithName("ProductImage").ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    /// <summary>The address of the picture of <paramref name="sku"/> at version <paramref name="version"/>, <paramref name="width"/> pixels wide.</summary>
    public static string Url(string sku, string version, int width) =>
        string.Create(CultureInfo.InvariantCulture, $"{PathBase}/{Uri.EscapeDataString(sku)}/{width}.webp?v={Uri.EscapeDataString(version)}");

    /// <summary>A <c>srcset</c> of the picture at each of <paramref name="widths"/>.</summary>
    public static string SrcSet(string sku, string version, IEnumerable<int> widths) =>
        string.Join(", ", widths.Select(w => string.Create(CultureInfo.InvariantCulture, $"{Url(sku, version, w)} {w}w")));

    private static async Task<IResult> ServeAsync(string sku, int width, string? v, ProductImageStore store, HttpContext http, CancellationToken ct)
    {
        // A missing picture is an empty 404: the storefront's HTML "not found" page is no use to an <img>.
        if (http.Features.Get<IStatusCodePagesFeature>() is { } statusPages)
        {
            statusPages.Enabled = false;
        }
        if (width < 1 || await store.GetAsync(sku, width, ct) is not { } image)
        {
            return TypedResults.NotFound();
        }
        if (v != image.Version)
        {
            http.Response.Headers.CacheControl = "no-cache";
            return TypedResults.Redirect(Url(sku, image.Version, width));
        }
        http.Response.Headers.CacheControl = ImmutableCaching;
        // Handles If-None-Match (304 with the same headers and no body) and ranges.
        return TypedResults.Bytes(image.Bytes, image.ContentType, entityTag: EntityTagHeaderValue.Parse(image.ETag));
    }
}
