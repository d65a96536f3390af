using Checkout.Data.Catalog;

namespace Checkout.Web.Catalog;

/// <summary>
/// The pictures of the products on a cart's, a checkout's or an order's lines, for the component that lists them (one
/// instance each): read from the database when the set of products changes, in one query, not on every render; an
/// archived product keeps its picture, so an order goes on showing what was bought.
/// </summary>
public sealed class LinePictures(ProductImageStore images)
{
    private HashSet<string> _skus = [];
    private Dictionary<string, ProductPictureSource> _pictures = [];

    /// <summary>Reads the pictures of <paramref name="skus"/>, unless they are the products read last time.</summary>
    public async Task ShowAsync(IEnumerable<string> skus, CancellationToken ct = default)
    {
        var wanted = skus.ToHashSet();
        if (wanted.SetEquals(_skus))
        {
            return;
        }
        var current = await images.CurrentAsync(wanted, ct);
        _pictures = current.ToDictionary(
            image => image.Sku,
            image => ProductPictureSource.Of(image.Sku, image.Version, image.Alt, image.ProductName));
        _skus = wanted;
    }

    /// <summary>The picture of <paramref name="sku"/>; null when it has none (or was not among those read).</summary>
    public ProductPictureSource? For(string sku) => _pictures.GetValueOrDefault(sku);
}
