using SkiaSharp;

namespace Checkout.Data.Catalog.Images;

/// <summary>
/// Turns a picture stored sideways or mirrored (a phone's photo with an EXIF orientation) upright. The renditions carry
/// no EXIF, so the turn is applied to their pixels: each orientation is one matrix from the stored pixels to the
/// upright picture, the ones Skia itself uses (<c>SkEncodedOriginToMatrix</c>).
/// </summary>
internal static class ImageOrientation
{
    /// <summary>Whether the picture is stored a quarter turn away, so that its width and height swap when shown.</summary>
    public static bool SwapsSides(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>Maps the stored pixels, <paramref name="width"/> × <paramref name="height"/> as encoded, onto the upright picture.</summary>
    public static SKMatrix ToUpright(SKEncodedOrigin origin, int width, int height) => origin switch
    {
        SKEncodedOrigin.TopRight => Matrix(-1, 0, width, 0, 1, 0),           // mirrored left to right
        SKEncodedOrigin.BottomRight => Matrix(-1, 0, width, 0, -1, height),  // half a turn
        SKEncodedOrigin.BottomLeft => Matrix(1, 0, 0, 0, -1, height),        // mirrored top to bottom
        SKEncodedOrigin.LeftTop => Matrix(0, 1, 0, 1, 0, 0),                 // mirrored across the main diagonal
        SKEncodedOrigin.RightTop => Matrix(0, -1, height, 1, 0, 0),          // a quarter turn clockwise
        SKEncodedOrigin.RightBottom => Matrix(0, -1, height, -1, 0, width),  // mirrored across the other diagonal
        SKEncodedOrigin.LeftBottom => Matrix(0, 1, 0, -1, 0, width),         // a quarter turn counter-clockwise
        _ => SKMatrix.Identity,
    };

    private static SKMatrix Matrix(float scaleX, float skewX, float transX, float skewY, float scaleY, float transY) =>
        new(scaleX, skewX, transX, skewY, scaleY, transY, 0, 0, 1);
}
