using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace Checkout.Tests.Catalog;

/// <summary>
/// The upload corpus of the product picture tests, made in code so that each file says how it was built: good pictures
/// encoded by Skia, and hostile or broken files assembled byte by byte (a PNG's chunks with their CRCs, a JPEG's EXIF
/// segment, a WebP's RIFF header). Every picture is small enough to build in milliseconds.
/// </summary>
internal static class ProductImageCorpus
{
    public static readonly SKColor Red = new(230, 30, 30);
    public static readonly SKColor Green = new(30, 200, 40);
    public static readonly SKColor Blue = new(30, 50, 230);
    public static readonly SKColor Yellow = new(240, 220, 20);

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A photograph's stand-in: a sky-to-ground gradient under many soft, overlapping discs, so the encoders have detail to keep.</summary>
    public static byte[] Photo(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg, int quality = 90)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var sky = new SKPaint
            {
                Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(0, height),
                    [new SKColor(90, 150, 220), new SKColor(240, 230, 200), new SKColor(70, 110, 50)], SKShaderTileMode.Clamp),
            };
            canvas.DrawRect(0, 0, width, height, sky);
            var random = new Random(20_261_207);
            using var disc = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 150; i++)
            {
                disc.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), 140);
                canvas.DrawCircle(random.Next(width), random.Next(height), random.Next(4, Math.Max(5, width / 8)), disc);
            }
        }
        return Encode(bitmap, format, quality);
    }

    /// <summary>Four coloured quarters, red and green on top, blue and yellow below, to see where each lands after a turn.</summary>
    public static SKBitmap Quarters(int width, int height, SKAlphaType alpha = SKAlphaType.Opaque)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, alpha));
        using var canvas = new SKCanvas(bitmap);
        using var paint = new SKPaint();
        (SKColor Color, float X, float Y)[] quarters = [(Red, 0, 0), (Green, width / 2f, 0), (Blue, 0, height / 2f), (Yellow, width / 2f, height / 2f)];
        foreach (var (color, x, y) in quarters)
        {
            paint.Color = color;
            canvas.DrawRect(x, y, width / 2f, height / 2f, paint);
        }
        return bitmap;
    }

    /// <summary>A transparent PNG with an opaque red disc in the middle.</summary>
    public static byte[] PngWithAlpha(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            using var paint = new SKPaint { Color = Red, IsAntialias = true };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }
        return Encode(bitmap, SKEncodedImageFormat.Png, 100);
    }

    /// <summary>
    /// A PNG carrying metadata the renditions must not: a Display P3 colour profile (an iCCP chunk, written by Skia for
    /// the tagged pixels) and a text chunk naming its author. It is painted sRGB <see cref="Red"/>, which its P3 pixels
    /// store as (211, 55, 45).
    /// </summary>
    public static byte[] PngWithProfileAndText(int width, int height)
    {
        var p3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque, p3));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Red);
        }
        var png = Encode(bitmap, SKEncodedImageFormat.Png, 100);
        return InsertPngChunk(png, "tEXt", Encoding.Latin1.GetBytes("Author\0Jane Photographer, 1 Secret Lane"));
    }

    /// <summary>
    /// <paramref name="jpeg"/> with an EXIF segment (APP1) right after its start marker, holding the orientation tag
    /// (1–8) and the camera's make, the kind of data an upload must not leak.
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, int orientation)
    {
        const string make = "SecretCam";
        var tiff = new List<byte>();
        tiff.AddRange("II*\0"u8.ToArray());              // little-endian TIFF
        tiff.AddRange(LittleEndian(8));                  // the first IFD follows the header
        tiff.AddRange([2, 0]);                           // two entries, sorted by tag
        tiff.AddRange([0x0F, 0x01, 2, 0]);               // Make, ASCII
        tiff.AddRange(LittleEndian(make.Length + 1));
        tiff.AddRange(LittleEndian(8 + 2 + 2 * 12 + 4)); // its text follows the IFD
        tiff.AddRange([0x12, 0x01, 3, 0, 1, 0, 0, 0]);   // Orientation, one SHORT
        tiff.AddRange([(byte)orientation, 0, 0, 0]);
        tiff.AddRange(LittleEndian(0));                  // no next IFD
        tiff.AddRange(Encoding.ASCII.GetBytes(make + "\0"));

        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2;
        return [.. jpeg.AsSpan(0, 2), 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg.AsSpan(2)];
    }

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality) ?? throw new InvalidOperationException($"Skia cannot encode {format}.");
        return data.ToArray();
    }

    /// <summary>A greyscale PNG assembled chunk by chunk: a header declaring any size, and the rows <paramref name="writeRows"/> deflates.</summary>
    public static byte[] RawPng(int width, int height, Action<Stream> writeRows)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per sample; colour type 0 (grey), deflate, adaptive filtering, not interlaced
        var rows = new MemoryStream();
        using (var zlib = new ZLibStream(rows, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            writeRows(zlib);
        }
        var png = new MemoryStream();
        png.Write(PngSignature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", rows.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>
    /// A 68-byte PNG whose header declares 50,000 × 50,000 pixels: 2.5 gigapixels, 10 GB once decoded. Its one row of
    /// data is a lie; a decoder that trusted the header would allocate before finding out.
    /// </summary>
    public static byte[] HeaderOnlyBomb() => RawPng(50_000, 50_000, rows => rows.Write(new byte[10]));

    /// <summary>
    /// A real decompression bomb, valid to its last byte: 7,000 × 7,000 black pixels (49 megapixels, each side within
    /// the limit) that deflate to a few dozen kilobytes.
    /// </summary>
    public static byte[] ZeroFilledBomb(int side = 7_000)
    {
        var row = new byte[side + 1]; // the filter byte, then the pixels
        return RawPng(side, side, rows =>
        {
            for (var y = 0; y < side; y++)
            {
                rows.Write(row);
            }
        });
    }

    /// <summary>A GIF89a of one pixel: a real picture, in a format the shop does not take.</summary>
    public static byte[] Gif() =>
    [
        .. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF,
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];

    /// <summary>The start of a JPEG (FF D8 FF) followed by bytes that are no JPEG segment.</summary>
    public static byte[] JpegHeaderThenGarbage() =>
        [0xFF, 0xD8, 0xFF, .. Enumerable.Range(0, 500).Select(i => (byte)(i * 37 + 11))];

    /// <summary>A RIFF file of form type WEBP whose first chunk is none of WebP's (VP8, VP8L, VP8X).</summary>
    public static byte[] WebpWithWrongChunk()
    {
        byte[] chunk = [.. "JUNK"u8, .. LittleEndian(80), .. new byte[80]];
        return [.. "RIFF"u8, .. LittleEndian(4 + chunk.Length), .. "WEBP"u8, .. chunk];
    }

    /// <summary>The four-character codes of a WebP file's chunks, in order, and its VP8X flags (0 without VP8X).</summary>
    public static (IReadOnlyList<string> Chunks, byte Flags) WebpChunks(byte[] webp)
    {
        Assert.Equal("RIFF", Encoding.ASCII.GetString(webp, 0, 4));
        Assert.Equal("WEBP", Encoding.ASCII.GetString(webp, 8, 4));
        Assert.Equal(webp.Length - 8, BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(4)));
        var chunks = new List<string>();
        byte flags = 0;
        for (var at = 12; at + 8 <= webp.Length;)
        {
            var name = Encoding.ASCII.GetString(webp, at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(webp.AsSpan(at + 4));
            if (name == "VP8X")
            {
                flags = webp[at + 8];
            }
            chunks.Add(name);
            at += 8 + size + (size & 1);
        }
        return (chunks, flags);
    }

    /// <summary>The types of a PNG file's chunks, in order.</summary>
    public static IReadOnlyList<string> PngChunks(byte[] png)
    {
        Assert.True(png.AsSpan().StartsWith(PngSignature), "The file is not a PNG.");
        var chunks = new List<string>();
        for (var at = PngSignature.Length; at + 8 <= png.Length;)
        {
            var size = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            chunks.Add(Encoding.ASCII.GetString(png, at + 4, 4));
            at += 12 + size;
        }
        return chunks;
    }

    /// <summary><paramref name="png"/> with one more chunk right after its header (IHDR is always first and 13 bytes long).</summary>
    private static byte[] InsertPngChunk(byte[] png, string type, byte[] data)
    {
        var afterHeader = PngSignature.Length + 12 + 13;
        var chunk = new MemoryStream();
        WriteChunk(chunk, type, data);
        return [.. png.AsSpan(0, afterHeader), .. chunk.ToArray(), .. png.AsSpan(afterHeader)];
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typeAndData));
        png.Write(number);
    }

    /// <summary>The CRC-32 of ISO 3309 (zlib's, PNG's), bit by bit: the corpus checksums a few kilobytes at most.</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }

    private static byte[] LittleEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }
}
