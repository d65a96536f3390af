namespace Checkout.Data.Catalog.Images;

/// <summary>The formats a product picture may be uploaded in, each recognised by its first bytes.</summary>
public enum ProductImageFormat
{
    Jpeg,
    Png,
    Webp,
}

/// <summary>
/// An accepted product picture: its size as shown (after the EXIF orientation) for the alt text and the aspect ratio,
/// and its renditions. The upload itself is not kept: only the re-encoded renditions, which carry no metadata.
/// </summary>
/// <param name="Width">The picture's width as shown, in pixels (the stored width and height swap for a quarter turn).</param>
/// <param name="Height">The picture's height as shown, in pixels.</param>
/// <param name="SourceFormat">The format the upload was in, by its content.</param>
/// <param name="Renditions">One per width of the rules that fits the picture, narrowest first; never empty.</param>
public sealed record ProcessedImage(int Width, int Height, ProductImageFormat SourceFormat, IReadOnlyList<ImageRendition> Renditions)
{
    /// <summary>The widest rendition, for a page that shows only one.</summary>
    public ImageRendition Largest => Renditions[^1];
}

/// <summary>One encoded size of a product picture, ready to store and serve as it is.</summary>
/// <param name="Width">In pixels; never more than the picture's own width.</param>
/// <param name="Height">In pixels, rounded from the picture's aspect ratio.</param>
/// <param name="ContentType">The media type of <paramref name="Bytes"/>, <c>image/webp</c>.</param>
/// <param name="Bytes">The encoded picture. Not to be changed: <paramref name="ETag"/> is its hash.</param>
/// <param name="ETag">
/// A strong entity tag, quoted as the ETag header writes it: the first 128 bits of the SHA-256 of the bytes in base64url.
/// The same bytes always get the same tag, so it also names the rendition in a cache or a store.
/// </param>
public sealed record ImageRendition(int Width, int Height, string ContentType, byte[] Bytes, string ETag);
