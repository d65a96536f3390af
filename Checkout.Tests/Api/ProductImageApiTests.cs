using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Checkout.Data.Catalog;
using Checkout.Data.Catalog.Images;
using Checkout.Data.Inventory;
using Checkout.Tests.Generated;
using Checkout.Web.Catalog;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;
using Checkout.Tests.Catalog;
using static Checkout.Tests.Catalog.ProductImageCorpus;

namespace Checkout.Tests.Api;

/// <summary>One app (real Kestrel, so the request body limit holds) with the demo catalog and its drawn pictures.</summary>
public sealed class PictureShop : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public ApiClient Admin { get; private set; } = null!;

    /// <summary>A client without cookies or credentials, as a browser fetching an <c>img</c> is.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Admin = Api.Admin();
        // A client of its own: the factory's clients of a Kestrel-hosted app follow redirects whatever their options say.
        Anonymous = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Api.Address };
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Anonymous.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>A product of the test's own, without a picture.</summary>
    public async Task<string> ProductAsync()
    {
        var sku = "PIC-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await using var db = await Api.DbAsync();
        db.Products.Add(new Product(sku, $"Picture {sku}", "Test", "📦", 1500));
        db.Inventory.Add(new InventoryItem(sku, 10));
        await db.SaveChangesAsync();
        return sku;
    }

    public async Task<(string? Version, string? Alt, int Renditions)> PictureOfAsync(string sku)
    {
        await using var db = await Api.DbAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Sku == sku);
        return (product.ImageVersion, product.ImageAlt, await db.ProductImages.CountAsync(i => i.Sku == sku));
    }
}

/// <summary>
/// The pictures as a browser fetches them: anonymous, <c>image/webp</c> with a strong ETag, cached for a year at the
/// current version's address (304 to a matching <c>If-None-Match</c>), redirected from any other version's, 404 when
/// there is no picture; the admin routes that upload and remove one, where every refused file changes nothing; and the
/// catalog's listing of each product's picture at the addresses the storefront shows it at.
/// </summary>
public class ProductImageApiTests(PictureShop shop) : IClassFixture<PictureShop>
{
    [Fact]
    public async Task DemoProducts_HaveDrawnPictures()
    {
        await using var db = await shop.Api.DbAsync();

        var products = await db.Products.AsNoTracking().Where(p => p.Sku.StartsWith("COF-") || p.Sku.StartsWith("TEA-") || p.Sku.StartsWith("GEAR-")).ToListAsync();

        Assert.True(products.Count >= 12, $"{products.Count} demo products");
        Assert.All(products, p => Assert.Equal((true, p.Name), (p.ImageVersion is not null, p.ImageAlt)));
        Assert.Equal(products.Count * 2, await db.ProductImages.CountAsync(i => products.Select(p => p.Sku).Contains(i.Sku)));
    }

    [Fact]
    public async Task Get_CurrentVersion_IsWebpCachedForAYear_WithAStrongETag_ForAnyone()
    {
        var (version, rendition) = await DemoPictureAsync("COF-ESPRESSO", 160);

        var response = await shop.Anonymous.GetAsync(ProductImageEndpoints.Url("COF-ESPRESSO", version, 160));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/webp", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(rendition.ETag, response.Headers.ETag?.ToString());
        Assert.False(response.Headers.ETag!.IsWeak);
        Assert.Equal(ProductImageEndpoints.ImmutableCaching, response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(rendition.Bytes, bytes);
        using var decoded = SKBitmap.Decode(bytes);
        Assert.Equal((160, 160), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task Get_WithAMatchingIfNoneMatch_Is304WithoutABody()
    {
        var (version, rendition) = await DemoPictureAsync("TEA-SENCHA", 320);
        var request = new HttpRequestMessage(HttpMethod.Get, ProductImageEndpoints.Url("TEA-SENCHA", version, 320));
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(rendition.ETag));

        var response = await shop.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(rendition.ETag, response.Headers.ETag?.ToString());
        Assert.Equal(ProductImageEndpoints.ImmutableCaching, response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Get_WithAnotherETag_IsTheFullAnswer()
    {
        var (version, _) = await DemoPictureAsync("TEA-SENCHA", 160);
        var request = new HttpRequestMessage(HttpMethod.Get, ProductImageEndpoints.Url("TEA-SENCHA", version, 160));
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse("\"an-older-picture\""));

        var response = await shop.Anonymous.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("?v=an-old-version")]
    [InlineData("")]
    public async Task Get_WithAnotherVersionOrNone_RedirectsToTheCurrentOne_Uncached(string query)
    {
        var (version, _) = await DemoPictureAsync("GEAR-MUG", 320);

        var response = await shop.Anonymous.GetAsync($"/images/products/GEAR-MUG/320.webp{query}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(ProductImageEndpoints.Url("GEAR-MUG", version, 320), response.Headers.Location?.OriginalString);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData(1, 160)]
    [InlineData(200, 320)]
    [InlineData(640, 320)]
    [InlineData(1280, 320)]
    public async Task Get_AnyWidth_ServesTheNearestRenditionNotNarrower_ElseTheWidest(int asked, int served)
    {
        var (version, rendition) = await DemoPictureAsync("GEAR-TOTE", served);

        var response = await shop.Anonymous.GetAsync(ProductImageEndpoints.Url("GEAR-TOTE", version, asked));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(rendition.Bytes, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/images/products/NO-SUCH-SKU/320.webp?v=x")]
    [InlineData("/images/products/COF-ESPRESSO/0.webp?v=x")]
    [InlineData("/images/products/not%20a%20sku/320.webp")]
    public async Task Get_UnknownProductOrWidth_IsAnEmpty404(string path)
    {
        var response = await shop.Anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Get_ProductWithoutAPicture_Is404()
    {
        var sku = await shop.ProductAsync();

        var response = await shop.Anonymous.GetAsync($"/images/products/{sku}/320.webp");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Put_GoodPicture_StoresIt_AndAnswersItsAddresses()
    {
        var sku = await shop.ProductAsync();

        var response = await UploadAsync(sku, Photo(900, 600), "photo.jpg", "image/jpeg", alt: "A product on a white table");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        var version = root.GetProperty("version").GetString()!;
        Assert.Equal((version, "A product on a white table", 3), await shop.PictureOfAsync(sku));
        Assert.Equal("A product on a white table", root.GetProperty("alt").GetString());
        Assert.Equal(ProductImageEndpoints.Url(sku, version, 640), root.GetProperty("url").GetString());
        Assert.Equal(ProductImageEndpoints.SrcSet(sku, version, [160, 320, 640]), root.GetProperty("srcSet").GetString());
        Assert.Equal([160, 320, 640], root.GetProperty("renditions").EnumerateArray().Select(r => r.GetProperty("width").GetInt32()));
        var served = await shop.Anonymous.GetAsync(root.GetProperty("url").GetString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/webp", served.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Put_TheTypeIsTakenFromTheContent_NotTheNameOrTheDeclaredType()
    {
        var sku = await shop.ProductAsync();

        var response = await UploadAsync(sku, Photo(400, 300, SKEncodedImageFormat.Png), "notes.txt", "text/plain");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, alt, renditions) = await shop.PictureOfAsync(sku);
        Assert.Equal(($"Picture {sku}", 2), (alt, renditions));
    }

    /// <summary>Each refused upload, with the status and problem type it is answered with.</summary>
    public static TheoryData<string, HttpStatusCode, string> Refusals => new()
    {
        { "script renamed .png", HttpStatusCode.UnsupportedMediaType, "image-unsupported-format" },
        { "HTML page", HttpStatusCode.UnsupportedMediaType, "image-unsupported-format" },
        { "GIF", HttpStatusCode.UnsupportedMediaType, "image-unsupported-format" },
        { "empty", HttpStatusCode.UnprocessableEntity, "image-empty" },
        { "truncated PNG", HttpStatusCode.UnprocessableEntity, "image-corrupt" },
        { "JPEG header then garbage", HttpStatusCode.UnprocessableEntity, "image-corrupt" },
        { "PNG declaring 50,000 × 50,000 pixels", HttpStatusCode.UnprocessableEntity, "image-dimensions-too-large" },
        { "zero-filled 7,000 × 7,000 bomb", HttpStatusCode.UnprocessableEntity, "image-dimensions-too-large" },
        { "one byte over the limit", HttpStatusCode.RequestEntityTooLarge, "image-too-large" },
        { "far over the limit", HttpStatusCode.RequestEntityTooLarge, "payload-too-large" },
        { "alt text with markup", HttpStatusCode.UnprocessableEntity, "validation" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Put_RefusedFile_IsAnsweredWithItsProblem_AndThePreviousPictureStays(string file, HttpStatusCode status, string type)
    {
        var sku = await shop.ProductAsync();
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(sku, Photo(400, 300), "first.jpg", "image/jpeg", "The first picture")).StatusCode);
        var before = await shop.PictureOfAsync(sku);

        var response = file == "alt text with markup"
            ? await UploadAsync(sku, Photo(400, 300), "second.jpg", "image/jpeg", "<img src=x onerror=alert(1)>")
            : await UploadAsync(sku, BadUploads.Named(file), "picture.png", "image/png");

        await ProblemAssert.IsAsync(response, status, type);
        Assert.Equal(before, await shop.PictureOfAsync(sku));
    }

    [Fact]
    public async Task Put_NotAForm_Is415()
    {
        var sku = await shop.ProductAsync();

        var response = await shop.Admin.SendRawAsync(HttpMethod.Put, $"/api/admin/products/{sku}/image", """{"file":"iVBORw0KGgo="}""");

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
        Assert.Equal((null, null, 0), await shop.PictureOfAsync(sku));
    }

    [Fact]
    public async Task Put_UnknownProduct_Is404()
    {
        var response = await UploadAsync("NO-SUCH-SKU", Photo(300, 200), "photo.jpg", "image/jpeg");

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task PutAndDelete_WithoutTheAdminKey_Are401_AndChangeNothing(string? key)
    {
        var sku = await shop.ProductAsync();
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(sku, Photo(300, 200), "first.jpg", "image/jpeg")).StatusCode);
        var before = await shop.PictureOfAsync(sku);
        using var client = shop.Api.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Admin-Key", key);
        }

        var put = await client.PutAsync($"/api/admin/products/{sku}/image", Form(BadUploads.Named("script renamed .png"), "x.png", "image/png", null));
        var delete = await client.DeleteAsync($"/api/admin/products/{sku}/image");

        await ProblemAssert.IsAsync(put, HttpStatusCode.Unauthorized, "unauthorized");
        await ProblemAssert.IsAsync(delete, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(before, await shop.PictureOfAsync(sku));
    }

    [Fact]
    public async Task Delete_RemovesThePicture_ItsAddressesThen404()
    {
        var sku = await shop.ProductAsync();
        var uploaded = await UploadAsync(sku, Photo(300, 200), "photo.jpg", "image/jpeg");
        using var body = JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync());
        var url = body.RootElement.GetProperty("url").GetString();

        var response = await shop.Admin.Http.DeleteAsync($"/api/admin/products/{sku}/image");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal((null, null, 0), await shop.PictureOfAsync(sku));
        Assert.Equal(HttpStatusCode.NotFound, (await shop.Anonymous.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await shop.Admin.Http.DeleteAsync($"/api/admin/products/{sku}/image")).StatusCode);
        await ProblemAssert.IsAsync(await shop.Admin.Http.DeleteAsync("/api/admin/products/NO-SUCH-SKU/image"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task TheCatalog_ListsEachProductsPictureAtTheStorefrontsAddresses_WhichAnswerWebp_AndNoneWithoutOne()
    {
        // A product created through the admin API, so that the catalog lists it at once.
        var sku = "PIC-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Assert.Equal(HttpStatusCode.Created, (await shop.Admin.PostAsync("/api/admin/products", new
        {
            sku, name = "Pictured Cup", category = "Gear", priceMinor = 1_200, weightGrams = 300, stock = 3,
        })).StatusCode);
        using var http = KiotaClientFactory.Create();
        var client = GeneratedClient(http);
        async Task<Checkout.Tests.Generated.Models.ProductResponse?> ListedAsync() => (await client.Api.Products.GetAsync())!.SingleOrDefault(p => p.Sku == sku);

        var bare = await Eventually.MatchesAsync(ListedAsync, p => p is not null, "the catalog lists the new product");
        Assert.Null(bare!.Image);

        using var uploaded = JsonDocument.Parse(await (await UploadAsync(sku, Photo(900, 600), "cup.jpg", "image/jpeg", "A white cup on its saucer")).Content.ReadAsStringAsync());
        var version = uploaded.RootElement.GetProperty("version").GetString()!;
        var listed = (await Eventually.MatchesAsync(ListedAsync, p => p?.Image is not null, "the catalog lists the new picture"))!.Image!;

        // The very addresses and text alternative the storefront's picture of the product has.
        var shown = ProductPictureSource.Of(sku, version, "A white cup on its saucer", "Pictured Cup");
        Assert.Equal((shown.Src, shown.SrcSet, shown.Alt), (listed.Src, listed.SrcSet, listed.Alt));
        string[] addresses = [listed.Src!, .. listed.SrcSet!.Split(", ").Select(candidate => candidate.Split(' ')[0])];
        Assert.Equal(4, addresses.Length);
        foreach (var address in addresses)
        {
            var response = await shop.Anonymous.GetAsync(address);
            Assert.Equal((HttpStatusCode.OK, "image/webp"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        }
    }

    [Fact]
    public async Task TheGeneratedClient_UploadsAPicture_IsToldWhyABadOneIsRefused_AndRemovesIt()
    {
        var sku = await shop.ProductAsync();
        using var http = KiotaClientFactory.Create();
        var client = GeneratedClient(http);
        var image = client.Api.Admin.Products[sku].Image;
        void WithKey(RequestConfiguration<DefaultQueryParameters> c) => c.Headers.Add(Checkout.Web.Api.AdminApiKeyHandler.Header, ApiFactory.AdminKey);

        var form = new MultipartBody();
        form.AddOrReplacePart("file", "image/jpeg", Photo(700, 500), "photo.jpg");
        form.AddOrReplacePart("alt", "text/plain", "A product in daylight");
        var uploaded = await image.PutAsync(form, WithKey);
        var script = new MultipartBody();
        script.AddOrReplacePart("file", "image/png", BadUploads.Named("script renamed .png"), "photo.png");
        var refused = await Assert.ThrowsAsync<Checkout.Tests.Generated.Models.ProblemDetails>(() => image.PutAsync(script, WithKey));

        Assert.Equal(("A product in daylight", 3), (uploaded!.Alt, uploaded.Renditions!.Count));
        Assert.Equal((415, "image-unsupported-format"), (refused.ResponseStatusCode, refused.Code));
        Assert.Equal((uploaded.Version, "A product in daylight", 3), await shop.PictureOfAsync(sku));
        await image.DeleteAsync(WithKey);
        Assert.Equal((null, null, 0), await shop.PictureOfAsync(sku));
    }

    /// <summary>The client Kiota generates from the API's document, on Kiota's own HTTP stack, against the app's socket.</summary>
    private CheckoutClient GeneratedClient(HttpClient http) =>
        new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = shop.Api.Address.ToString().TrimEnd('/') });

    /// <summary>
    /// Sends the form as a browser or a script would, waiting for the server's go-ahead before the body (Expect:
    /// 100-continue): a body over the server's limit is answered 413 at once instead of failing to be sent whole.
    /// </summary>
    private Task<HttpResponseMessage> UploadAsync(string sku, byte[] bytes, string fileName, string contentType, string? alt = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, $"/api/admin/products/{sku}/image") { Content = Form(bytes, fileName, contentType, alt) };
        request.Headers.ExpectContinue = true;
        return shop.Admin.Http.SendAsync(request);
    }

    private static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType, string? alt)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var form = new MultipartFormDataContent { { file, "file", fileName } };
        if (alt is not null)
        {
            form.Add(new StringContent(alt, Encoding.UTF8), "alt");
        }
        return form;
    }

    /// <summary>The demo product's picture version and its rendition <paramref name="width"/> pixels wide, as stored.</summary>
    private async Task<(string Version, StoredProductImage Rendition)> DemoPictureAsync(string sku, int width)
    {
        var rendition = await shop.Api.Services.GetRequiredService<ProductImageStore>().GetAsync(sku, width);
        Assert.NotNull(rendition);
        Assert.Equal(width, rendition.Width);
        return (rendition.Version, rendition);
    }
}
