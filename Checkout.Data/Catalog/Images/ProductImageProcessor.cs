using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Checkout.Data.Common;
using SkiaSharp;

namespace Checkout.Data.Catalog.Images;

/// <summary>
/// Turns an uploaded product picture into the WebP renditions the shop serves, or refuses it with a result that says
/// why. Each step guards the next: the size before anything is read, the first bytes before a decoder sees the file,
/// the declared dimensions before a pixel is allocated, a decode read to the end before anything is encoded. Nothing of
/// the upload survives but its pixels, turned upright and re-encoded: EXIF (camera, GPS), XMP, colour profiles and
/// text chunks are dropped on the way. A refusal returns nothing to store. Pure and thread-safe: no I/O, no state.
/// </summary>
public static class ProductImageProcessor
{
    public const string RenditionContentType = "image/webp";

    /// <summary>The most bytes read from a stream at a time.</summary>
    private const int ReadChunk = 81_920;

    /// <summary>
    /// Linear filtering between mipmap levels: a picture shrunk many times over (8,000 pixels to 160) is averaged, not
    /// sampled, so fine patterns do not alias into moiré the way a plain bilinear or bicubic filter lets them.
    /// </summary>
    private static readonly SKSamplingOptions Downscale = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>
    /// Reads <paramref name="upload"/> to its end, never past <see cref="ProductImageRules.MaxUploadBytes"/>, and
    /// processes what it read as <see cref="Process(ReadOnlySpan{byte}, ProductImageRules?)"/> does. A stream over the
    /// limit is refused as soon as the limit is passed, the rest unread.
    /// </summary>
    public static async Task<Result<ProcessedImage>> ProcessAsync(Stream upload, ProductImageRules? rules = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        rules ??= ProductImageRules.Default;
        if (upload.CanSeek && upload.Length - upload.Position > rules.MaxUploadBytes)
        {
            return TooLarge(rules);
        }

        // One byte past the limit is enough to know the upload is over it.
        var copy = new ArrayBufferWriter<byte>(ReadChunk);
        int read;
        do
        {
            var room = (int)Math.Min(ReadChunk, rules.MaxUploadBytes + 1 - copy.WrittenCount);
            read = await upload.ReadAsync(copy.GetMemory(room)[..room], ct);
            copy.Advance(read);
            if (copy.WrittenCount > rules.MaxUploadBytes)
            {
                return TooLarge(rules);
            }
        }
        while (read > 0);
        return Process(copy.WrittenSpan, rules);
    }

    /// <summary>
    /// The renditions of the picture in <paramref name="upload"/> at each width of <paramref name="rules"/> (the shop's
    /// <see cref="ProductImageRules.Default"/> when null) that fits it, as lossy WebP without metadata; or a refusal:
    /// <see cref="ErrorCodes.ImageEmpty"/>, <see cref="ErrorCodes.ImageTooLarge"/>,
    /// <see cref="ErrorCodes.ImageUnsupportedFormat"/> (not a JPEG, PNG or WebP by its first bytes),
    /// <see cref="ErrorCodes.ImageDimensionsTooLarge"/> (checked on the header, before decoding) or
    /// <see cref="ErrorCodes.ImageCorrupt"/> (does not decode to the end). The type is taken from the content only.
    /// </summary>
    public static Result<ProcessedImage> Process(ReadOnlySpan<byte> upload, ProductImageRules? rules = null)
    {
        rules ??= ProductImageRules.Default;
        if (upload.IsEmpty)
        {
            return new Error(ErrorCodes.ImageEmpty, "The file is empty: choose a JPEG, PNG or WebP picture.");
        }
        if (upload.Length > rules.MaxUploadBytes)
        {
            return TooLarge(rules);
        }
        if (ImageSignatures.Sniff(upload) is not { } format)
        {
            return new Error(ErrorCodes.ImageUnsupportedFormat,
                "The file is not a JPEG, PNG or WebP picture, whatever its name says: only those are accepted.");
        }

        using var data = SKData.CreateCopy(upload);
        // Reads the header only: the dimensions are known before a pixel is decoded.
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return Corrupt($"The file starts like a {NameOf(format)} picture but cannot be read as one: it is damaged or not a picture.");
        }
        // Skia picks its decoder from the same first bytes, so the two agree for every file seen so far; a file they
        // disagreed on would be built to be read two ways, and is refused rather than decoded by a codec not vetted here.
        if (FormatOf(codec.EncodedFormat) != format)
        {
            return Corrupt($"The file starts like a {NameOf(format)} picture but is read as {codec.EncodedFormat}: it is refused.");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width > rules.MaxSide || height > rules.MaxSide || (long)width * height > rules.MaxPixels)
        {
            return DimensionsTooLarge(width, height, rules);
        }

        var decoded = Decode(codec, format);
        if (!decoded.IsSuccess)
        {
            return decoded.Error;
        }
        using var pixels = decoded.Value;

        var origin = codec.EncodedOrigin;
        var (uprightWidth, uprightHeight) = ImageOrientation.SwapsSides(origin) ? (height, width) : (width, height);
        var toUpright = ImageOrientation.ToUpright(origin, width, height);
        using var image = SKImage.FromBitmap(pixels);
        var renditions = rules.WidthsFor(uprightWidth)
            .Select(w => Render(image, toUpright, uprightWidth, uprightHeight, w, pixels.AlphaType, rules.WebpQuality))
            .ToList();
        return new ProcessedImage(uprightWidth, uprightHeight, format, renditions);
    }

    /// <summary>
    /// The picture's pixels as stored (not yet turned upright), converted to sRGB from whatever colour profile it has;
    /// or a refusal when the decoder does not read it to the end (cut short or damaged). Only the first frame of an
    /// animated WebP is read.
    /// </summary>
    private static Result<SKBitmap> Decode(SKCodec codec, ProductImageFormat format)
    {
        var alpha = codec.Info.AlphaType == SKAlphaType.Opaque ? SKAlphaType.Opaque : SKAlphaType.Premul;
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, alpha, SKColorSpace.CreateSrgb());
        var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            // Within the limits this is at most 160 MB: a machine that cannot give it is broken, not the upload.
            throw new InsufficientMemoryException($"No memory for the {info.Width} × {info.Height} pixels of an accepted picture.");
        }

        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            return Corrupt(result == SKCodecResult.IncompleteInput
                ? $"The {NameOf(format)} picture is cut short: upload the whole file again."
                : $"The {NameOf(format)} picture is damaged and cannot be read.");
        }
        // Immutable pixels are shared with the image drawn from them instead of copied.
        bitmap.SetImmutable();
        return bitmap;
    }

    /// <summary>The upright picture <paramref name="width"/> pixels wide, its aspect kept, as WebP.</summary>
    private static ImageRendition Render(
        SKImage image, SKMatrix toUpright, int uprightWidth, int uprightHeight, int width, SKAlphaType alpha, int quality)
    {
        var height = Math.Max(1, (int)Math.Round((double)uprightHeight * width / uprightWidth, MidpointRounding.AwayFromZero));
        // No colour space: the pixels are sRGB already, and an untagged picture is encoded without an ICC profile,
        // which browsers read as sRGB.
        using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha));
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.SetMatrix(SKMatrix.Concat(SKMatrix.CreateScale((float)width / uprightWidth, (float)height / uprightHeight), toUpright));
            canvas.DrawImage(image, 0, 0, Downscale, null);
        }

        using var pixmap = target.PeekPixels();
        using var encoded = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, quality))
            ?? throw new InvalidOperationException($"The WebP encoder refused a {width} × {height} picture.");
        var bytes = encoded.ToArray();
        return new ImageRendition(width, height, RenditionContentType, bytes, ETagOf(bytes));
    }

    /// <summary>A strong entity tag of <paramref name="bytes"/>: 128 bits of their SHA-256 in base64url, quoted.</summary>
    internal static string ETagOf(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return $"\"{Base64Url.EncodeToString(hash[..16])}\"";
    }

    private static ProductImageFormat? FormatOf(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => ProductImageFormat.Jpeg,
        SKEncodedImageFormat.Png => ProductImageFormat.Png,
        SKEncodedImageFormat.Webp => ProductImageFormat.Webp,
        _ => null,
    };

    private static string NameOf(ProductImageFormat format) => format switch
    {
        ProductImageFormat.Jpeg => "JPEG",
        ProductImageFormat.Png => "PNG",
        _ => "WebP",
    };

    private static Error TooLarge(ProductImageRules rules) => new(
        ErrorCodes.ImageTooLarge,
        $"The file is over the {SizeText(rules.MaxUploadBytes)} limit: upload a smaller picture.",
        new Dictionary<string, object?> { ["maxBytes"] = rules.MaxUploadBytes });

    private static Error DimensionsTooLarge(int width, int height, ProductImageRules rules) => new(
        ErrorCodes.ImageDimensionsTooLarge,
        string.Create(CultureInfo.InvariantCulture,
            $"The picture is {width:N0} × {height:N0} pixels; the most accepted is {rules.MaxSide:N0} pixels a side " +
            $"and {rules.MaxPixels / 1_000_000.0:0.#} megapixels in all."),
        new Dictionary<string, object?>
        {
            ["width"] = width, ["height"] = height, ["maxSide"] = rules.MaxSide, ["maxPixels"] = rules.MaxPixels,
        });

    private static Error Corrupt(string message) => new(ErrorCodes.ImageCorrupt, message);

    /// <summary>A byte count as a person reads a limit: 5 MB, 512 KB, 100 bytes.</summary>
    private static string SizeText(long bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => $"{bytes} bytes",
    };
}
