using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Checkout.Data.Catalog.Images;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Checkout.E2E.Pages.Admin;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// The products' pictures in a real browser: every card's picture is fetched, allowed by the page's security policy and
/// decoded (a WebP at the width the card needs), and a picture an admin uploads shows on its card at once, under its
/// text alternative, on a product that then sells as any other. Journey 18: a product the admin creates and pictures on
/// its page is bought with its picture on every page that lists it.
/// </summary>
public sealed partial class ProductPictureTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    /// <summary>The development admin key (appsettings.Development.json), for the upload a script would make.</summary>
    private const string AdminKey = "dev-admin-key";

    [Fact]
    public Task TheCatalog_ShowsEveryDemoProductsDrawnPicture_AsTheBrowserDecodesIt() => InBrowserAsync(async page =>
    {
        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        await Expect(catalog.Products.Nth(11)).ToBeVisibleAsync();

        var cards = await catalog.Products.CountAsync();
        for (var i = 0; i < cards; i++)
        {
            var picture = catalog.Products.Nth(i).Locator("img");
            await picture.ScrollIntoViewIfNeededAsync();
            // A text alternative a screen reader announces (the product's name unless an admin wrote one).
            await Expect(picture).ToHaveAttributeAsync("alt", NotBlank());
            await Expect(picture).ToHaveAttributeAsync("srcset", PictureSet());
            await ExpectDecodedAsync(picture);
        }
    });

    [Fact]
    public Task APictureAnAdminUploads_ShowsOnItsCardAtOnce_AndTheProductSells() => JourneyAsync(async journey =>
    {
        const string product = "Canvas Tote";
        const string alt = "A natural canvas tote bag with long handles";
        var version = await UploadAsync("GEAR-TOTE", DemoImages.Render("Tote Bag", "Canvas", 900), alt);
        // The storefront's catalog is read again on the announced change; a page opened now shows the new picture.
        await Eventually.TrueAsync(async () => (await Shop.ProductAsync("GEAR-TOTE")).ImageVersion == version, "the catalog has the new picture");

        var page = await journey.NewPageAsync("shopper");
        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        var picture = catalog.Product(product).GetByRole(AriaRole.Img, new() { Name = alt, Exact = true });
        await picture.ScrollIntoViewIfNeededAsync();
        await Expect(picture).ToHaveAttributeAsync("src", $"/images/products/GEAR-TOTE/320.webp?v={version}");
        await ExpectDecodedAsync(picture);

        var checkout = await Journeys.GoToCheckoutWithAsync(page, product);
        await checkout.FillContactAsync("pictured@example.com", "Pia Picture");
        await checkout.ReserveAsync();
        await checkout.ShipToPortlandAsync();
        await checkout.PaymentAndReviewAsync();
        await Expect(checkout.ReviewLines).ToHaveTextAsync(new Regex(@"^Canvas Tote × 1\s*USD 19\.00$"));
        await checkout.PayButton.ClickAsync();

        var confirmation = new ConfirmationPage(page);
        await confirmation.WaitForOrderNumberAsync();
        await Expect(confirmation.Status).ToHaveTextAsync("Status: Confirmed");
    });

    [Fact]
    public Task J18_AdminCreatesAProductAndUploadsItsPicture_AShopperSeesItAndBuysIt_ThePictureOnEachStep() => JourneyAsync(async journey =>
    {
        const string sku = "GEAR-CAMPMUG";
        const string product = "Enamel Camp Mug";
        const string alt = "A white enamel mug with a blue rim";

        // The admin creates the product with 5 units on its page, then gives it a picture there.
        var adminPage = await journey.NewPageAsync("admin");
        var dashboard = await SignInPage.SignInAsAdminAsync(adminPage, Shop.AdminEmail, Shop.AdminPassword);
        await dashboard.NavLink("Products").ClickAsync();
        var products = new ProductsPage(adminPage);
        await Expect(products.Heading).ToBeVisibleAsync();
        await products.NewProductLink.ClickAsync();
        var editor = new ProductEditorPage(adminPage);
        await Expect(editor.Heading("New product")).ToBeVisibleAsync();
        await editor.CreateAsync(sku, product, "Gear", "12.50", weightGrams: 350, stock: 5);
        await Expect(editor.Picture.GetByRole(AriaRole.Img)).ToHaveCountAsync(0);

        await editor.UploadPictureAsync("camp-mug.png", DemoImages.Render(product, "Gear", 480), alt);

        var preview = editor.Picture.GetByRole(AriaRole.Img, new() { Name = alt, Exact = true });
        await ExpectDecodedAsync(preview);
        // The storefront's catalog is read again on the announced change; a page opened now shows the product with it.
        await Eventually.TrueAsync(async () => (await Shop.ListedAsync(sku))?.ImageAlt == alt, "the catalog lists the product with its picture");

        // A shopper sees it on its card, described by its text alternative.
        var page = await journey.NewPageAsync("shopper");
        journey.FinalPage = page;
        var catalog = new CatalogPage(page);
        await catalog.OpenAsync();
        var picture = catalog.Product(product).GetByRole(AriaRole.Img, new() { Name = alt, Exact = true });
        await picture.ScrollIntoViewIfNeededAsync();
        await ExpectDecodedAsync(picture);

        // And buys it, shipped to Portland: the review and the order show it beside its name.
        var checkout = await Journeys.GoToCheckoutWithAsync(page, product);
        await checkout.FillContactAsync("j18@example.com", "Casey Camper");
        await checkout.ReserveAsync();
        await checkout.ShipToPortlandAsync();
        await checkout.PaymentAndReviewAsync();
        await Expect(checkout.ReviewLine(product)).ToHaveTextAsync(new Regex($@"^{product} × 1\s*USD 12\.50$"));
        await ExpectLinePictureAsync(checkout.ReviewLine(product));
        await checkout.PayButton.ClickAsync();

        var confirmation = new ConfirmationPage(page);
        var number = await confirmation.WaitForOrderNumberAsync();
        await confirmation.TrackOrderLink.ClickAsync();
        var order = new OrderPage(page);
        await Expect(order.Heading(number)).ToBeVisibleAsync();
        await Expect(order.Line(product)).ToContainTextAsync($"1 × {product}");
        await ExpectLinePictureAsync(order.Line(product));

        var stock = await Shop.StockAsync(sku);
        Assert.Equal((4, 0, 1), (stock.Available, stock.Reserved, stock.Sold));
    });

    /// <summary>A line's picture: decoded, and decorative beside the product's name (an empty text alternative, not a missing one).</summary>
    private static async Task ExpectLinePictureAsync(ILocator line)
    {
        var picture = ShopPage.LinePicture(line);
        await Expect(picture).ToHaveAttributeAsync("alt", "");
        await picture.ScrollIntoViewIfNeededAsync();
        await ExpectDecodedAsync(picture);
    }

    /// <summary>Waits until the browser fetched and decoded the picture: an image the policy blocked or could not read has no natural width.</summary>
    private static async Task ExpectDecodedAsync(ILocator picture)
    {
        await Expect(picture).ToHaveJSPropertyAsync("complete", true, new() { Timeout = Journey.TimeoutMs });
        Assert.True(await picture.EvaluateAsync<int>("img => img.naturalWidth") > 0, "The browser could not decode the picture.");
        Assert.EndsWith(".webp", new Uri(await picture.EvaluateAsync<string>("img => img.currentSrc")).AbsolutePath, StringComparison.Ordinal);
    }

    /// <summary>Uploads a picture through the admin API as a script would, and returns its version.</summary>
    private async Task<string> UploadAsync(string sku, byte[] picture, string alt)
    {
        using var admin = new HttpClient { BaseAddress = Fixture.BaseAddress };
        admin.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        var file = new ByteArrayContent(picture);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var form = new MultipartFormDataContent { { file, "file", "tote.png" }, { new StringContent(alt), "alt" } };

        var response = await admin.PutAsync($"/api/admin/products/{sku}/image", form);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("version").GetString()!;
    }

    [GeneratedRegex(@"\S")]
    private static partial Regex NotBlank();

    /// <summary>The three widths a card offers, each at the picture's versioned address.</summary>
    [GeneratedRegex(@"^/images/products/[A-Z-]+/160\.webp\?v=[\w-]+ 160w, \S+/320\.webp\?v=[\w-]+ 320w, \S+/640\.webp\?v=[\w-]+ 640w$")]
    private static partial Regex PictureSet();
}
