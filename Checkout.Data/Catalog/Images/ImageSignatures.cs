namespace Checkout.Data.Catalog.Images;

/// <summary>
/// Recognises a picture by its first bytes, the only evidence an upload's type is taken from: a file name or a declared
/// content type is the sender's claim, and a script named <c>photo.png</c> is still a script.
/// </summary>
internal static class ImageSignatures
{
    /// <summary>The bytes needed to tell the accepted formats apart: WebP's RIFF header is the longest.</summary>
    public const int Length = 12;

    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> Png => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static ReadOnlySpan<byte> Riff => "RIFF"u8;
    private static ReadOnlySpan<byte> Webp => "WEBP"u8;

    /// <summary>The format <paramref name="upload"/> starts like, or null for anything else (a script, HTML, SVG, GIF, an archive…).</summary>
    public static ProductImageFormat? Sniff(ReadOnlySpan<byte> upload)
    {
        if (upload.StartsWith(Jpeg))
        {
            return ProductImageFormat.Jpeg;
        }
        if (upload.StartsWith(Png))
        {
            return ProductImageFormat.Png;
        }
        // RIFF, then the size of the rest (4 bytes, little-endian), then the form type.
        if (upload.Length >= Length && upload.StartsWith(Riff) && upload[8..Length].SequenceEqual(Webp))
        {
            return ProductImageFormat.Webp;
        }
        return null;
    }
}
