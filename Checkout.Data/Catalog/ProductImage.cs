namespace Checkout.Data.Catalog;

/// <summary>
/// One rendition of a product's picture, stored in the database so that every instance serves it: the bytes as
/// they are sent (re-encoded, without metadata), their size, type and strong ETag. A product has one rendition per
/// width; a new picture replaces them all.
/// </summary>
public sealed class ProductImage
{
    public const int MaxContentTypeLength = 32;
    public const int MaxETagLength = 64;

    private ProductImage()
    {
    }

    public ProductImage(string sku, int width, int height, string contentType, byte[] bytes, string etag, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfZero(bytes.Length);
        Sku = sku;
        Width = width;
        Height = height;
        ContentType = contentType;
        Bytes = bytes;
        ETag = etag;
        CreatedAt = now;
    }

    public string Sku { get; private set; } = "";
    public int Width { get; private set; }
    public int Height { get; private set; }
    public string ContentType { get; private set; } = "";
    public byte[] Bytes { get; private set; } = [];
    public string ETag { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}
