using SkiaSharp;

namespace Checkout.Data.Catalog.Images;

/// <summary>
/// Pictures for the demo catalog, drawn instead of shipped: a tinted square with a shape in the category's colour (the
/// same category, the same colour and shape, on every machine) and the product's initials on it. The initials need a
/// font; a machine without one gets the shape alone, and no emoji is ever drawn, so a picture never shows a missing
/// glyph's box. The PNG is what an admin could upload: it goes through <see cref="ProductImageProcessor"/> like any.
/// </summary>
public static class DemoImages
{
    public const int MinSize = 16;
    public const int MaxSize = 2048;

    /// <summary>Mid-tone colours that white initials read on, far enough apart to tell the categories apart.</summary>
    private static readonly SKColor[] Palette =
    [
        new(0x8D, 0x5B, 0x3E), // roasted brown
        new(0x3F, 0x7D, 0x4E), // leaf green
        new(0x35, 0x5C, 0x9A), // steel blue
        new(0xB0, 0x4A, 0x5A), // berry
        new(0x7A, 0x4F, 0x9A), // plum
        new(0x2F, 0x85, 0x85), // teal
        new(0xB8, 0x6E, 0x1F), // amber
        new(0x5A, 0x62, 0x70), // slate
    ];

    /// <summary>The demo catalog's own categories, each given its colour; any other category is given one by its name's hash.</summary>
    private static readonly Dictionary<string, SKColor> CategoryColors = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Coffee"] = Palette[0],
        ["Tea"] = Palette[1],
        ["Gear"] = Palette[2],
    };

    /// <summary>Sans-serif faces found on common Linux, Windows and macOS installs, tried in turn before any other.</summary>
    private static readonly string[] PreferredFonts = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Lato"];

    private static readonly Lazy<SKTypeface?> BoldFont = new(FindBoldFont);

    /// <summary>
    /// A <paramref name="size"/> × <paramref name="size"/> PNG for the product: deterministic for the same arguments
    /// on the same machine (the initials' font is the machine's), and accepted by <see cref="ProductImageProcessor.Process"/>.
    /// </summary>
    public static byte[] Render(string name, string category, int size) => Render(name, category, size, BoldFont.Value);

    /// <summary>As <see cref="Render(string, string, int)"/>, with the initials in <paramref name="typeface"/>, or none when it is null.</summary>
    internal static byte[] Render(string name, string category, int size, SKTypeface? typeface)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(category);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);

        var key = StableHash(category.Trim().ToUpperInvariant());
        var color = ColorOf(category);
        // Untagged pixels: the PNG carries no colour profile, as a processed picture does not.
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(Blend(color, SKColors.White, 0.82f));
            using var fill = new SKPaint { Color = color, IsAntialias = true, Style = SKPaintStyle.Fill };
            using var shape = Shape((int)((key >> 8) & 3), size);
            canvas.DrawPath(shape, fill);
            DrawInitials(canvas, Initials(name), size, typeface);
        }

        using var pixmap = bitmap.PeekPixels();
        using var png = pixmap.Encode(SKPngEncoderOptions.Default)
            ?? throw new InvalidOperationException($"The PNG encoder refused a {size} × {size} demo picture.");
        return png.ToArray();
    }

    /// <summary>The colour of a category's pictures: the same for the same name, whatever its case or spaces around it.</summary>
    internal static SKColor ColorOf(string category) =>
        CategoryColors.TryGetValue(category.Trim(), out var color) ? color
            : Palette[StableHash(category.Trim().ToUpperInvariant()) % (uint)Palette.Length];

    /// <summary>The first letters of the first two words that start with a letter: "Espresso Beans 1 kg" is EB.</summary>
    internal static string Initials(string name) => string.Concat(name
        .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(word => char.IsLetter(word[0]))
        .Take(2)
        .Select(word => char.ToUpperInvariant(word[0])));

    private static void DrawInitials(SKCanvas canvas, string initials, int size, SKTypeface? typeface)
    {
        if (typeface is null || initials.Length == 0)
        {
            return;
        }
        using var font = new SKFont(typeface, size * 0.3f);
        if (!font.ContainsGlyphs(initials))
        {
            return;
        }
        using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
        font.MeasureText(initials, out var bounds, ink);
        // Centred on the ink, not on the baseline: capitals sit in the middle of the shape.
        canvas.DrawText(initials, size / 2f, size / 2f - bounds.MidY, SKTextAlign.Center, font, ink);
    }

    /// <summary>A circle, a rounded square, a diamond or a hexagon, centred and filling most of the picture.</summary>
    private static SKPath Shape(int kind, int size)
    {
        using var path = new SKPathBuilder();
        var (c, r) = (size / 2f, size * 0.34f);
        switch (kind)
        {
            case 0:
                path.AddCircle(c, c, r);
                break;
            case 1:
                path.AddRoundRect(new SKRect(c - r, c - r, c + r, c + r), r * 0.3f, r * 0.3f);
                break;
            case 2:
                path.AddPoly([new(c, c - r * 1.2f), new(c + r * 1.2f, c), new(c, c + r * 1.2f), new(c - r * 1.2f, c)]);
                break;
            default:
                path.AddPoly([.. Enumerable.Range(0, 6).Select(i => new SKPoint(
                    c + r * 1.1f * MathF.Cos(MathF.PI / 3 * i), c + r * 1.1f * MathF.Sin(MathF.PI / 3 * i)))]);
                break;
        }
        return path.Detach();
    }

    private static SKColor Blend(SKColor from, SKColor to, float amount) => new(
        (byte)(from.Red + (to.Red - from.Red) * amount),
        (byte)(from.Green + (to.Green - from.Green) * amount),
        (byte)(from.Blue + (to.Blue - from.Blue) * amount));

    /// <summary>FNV-1a of the text: unlike <see cref="string.GetHashCode()"/>, the same in every process.</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash;
    }

    /// <summary>A bold face of the first preferred family the machine has, else of any family it has; null when it has no font.</summary>
    private static SKTypeface? FindBoldFont()
    {
        var fonts = SKFontManager.Default;
        var families = fonts.FontFamilies;
        var family = PreferredFonts.FirstOrDefault(f => families.Contains(f, StringComparer.OrdinalIgnoreCase)) ?? families.FirstOrDefault();
        return family is null ? null : fonts.MatchFamily(family, SKFontStyle.Bold);
    }
}
