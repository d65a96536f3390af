namespace Checkout.Data.Catalog.Images;

/// <summary>
/// The limits of a product picture upload and the renditions made of it, in one place. <see cref="Default"/> is what the
/// shop uses; a test may pass smaller limits. The accepted formats are not a setting: the processor sniffs exactly
/// JPEG, PNG and WebP (<see cref="AcceptedContentTypes"/>).
/// </summary>
public sealed record ProductImageRules
{
    public static readonly ProductImageRules Default = new();

    /// <summary>The content types a picture may have, for an upload form's <c>accept</c> attribute. The content decides, never the name.</summary>
    public static readonly IReadOnlyList<string> AcceptedContentTypes = ["image/jpeg", "image/png", "image/webp"];

    /// <summary>The most bytes an upload may have; a stream is not read past it.</summary>
    public long MaxUploadBytes { get; init; } = 5 * 1024 * 1024;

    /// <summary>
    /// The most pixels a picture may declare. Its decoded pixels take 4 bytes each (160 MB at 40 megapixels): a small
    /// file declaring more is a decompression bomb and is refused before any pixel is allocated.
    /// </summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>The longest side a picture may declare, in pixels, however few its pixels in all.</summary>
    public int MaxSide { get; init; } = 8_000;

    /// <summary>
    /// The widths of the renditions, in pixels. A width above the picture's own is skipped (a picture is never
    /// enlarged); a picture narrower than all of them gets one rendition at its own width.
    /// </summary>
    public IReadOnlyList<int> Widths { get; init; } = [160, 320, 640, 1280];

    /// <summary>The lossy WebP quality of every rendition, 0–100.</summary>
    public int WebpQuality { get; init; } = 80;

    /// <summary>The widths a picture <paramref name="sourceWidth"/> pixels wide is rendered at, narrowest first; never empty.</summary>
    public IReadOnlyList<int> WidthsFor(int sourceWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        int[] widths = [.. Widths.Where(w => w > 0 && w <= sourceWidth).Distinct().Order()];
        return widths.Length > 0 ? widths : [sourceWidth];
    }
}
