using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Checkout.Data.Catalog.Images;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Tests.Builders;
using Checkout.Web.Admin;
using Checkout.Web.Api;
using Checkout.Web.State;
using Checkout.Web.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Admin;

/// <summary>One app for the access tests: its first admin, one shopper account, and both signed in once.</summary>
public sealed class AdminApp : IAsyncLifetime
{
    public const string ShopperEmail = "shopper-account@test.local";

    public AdminFactory App { get; } = new();
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Shopper { get; private set; } = null!;

    /// <summary>A storefront visitor: the cart cookie the shop gave it, and no account.</summary>
    public HttpClient CartShopper { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await App.CreateUserAsync(ShopperEmail, AdminFactory.ShopperPassword);
        Admin = await App.SignedInAsync(AdminFactory.AdminEmail, AdminFactory.AdminPassword);
        Shopper = await App.SignedInAsync(ShopperEmail, AdminFactory.ShopperPassword);
        CartShopper = App.Browser();
        var storefront = await CartShopper.GetAsync("/");
        Assert.Contains(storefront.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CartCookie.Name + "=", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Shopper.Dispose();
        CartShopper.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>
/// Who gets into the back office: every admin API route and every admin page, for an anonymous caller, a signed-in
/// account without the Admin role, the configured admin signed in through the real form, and a script with the key.
/// </summary>
public class AdminAccessTests(AdminApp shop) : IClassFixture<AdminApp>
{
    /// <summary>Every route of Api/AdminApi.cs, as the app's endpoint table names it; a test below keeps the list complete.</summary>
    private static readonly string[] ApiRoutes =
    [
        "GET /api/admin/orders",
        "GET /api/admin/orders/{orderId:guid}",
        "POST /api/admin/orders/{orderId:guid}/ship",
        "POST /api/admin/orders/{orderId:guid}/deliver",
        "POST /api/admin/orders/{orderId:guid}/cancel",
        "POST /api/admin/orders/{orderId:guid}/complete-return",
        "POST /api/admin/orders/{orderId:guid}/refund",
        "GET /api/admin/orders/{orderId:guid}/refunds",
        "POST /api/admin/orders/{orderId:guid}/refunds",
        "GET /api/admin/promos",
        "POST /api/admin/promos",
        "PUT /api/admin/promos/{code}",
        "POST /api/admin/promos/{code}/disable",
        "GET /api/admin/inventory",
        "POST /api/admin/inventory/{sku}/restock",
        "PUT /api/admin/products/{sku}/image",
        "DELETE /api/admin/products/{sku}/image",
        "GET /api/admin/shipping-zones",
        "POST /api/admin/shipping-zones",
        "PUT /api/admin/shipping-zones/{zoneId:guid}",
        "DELETE /api/admin/shipping-zones/{zoneId:guid}",
        "POST /api/admin/shipping-zones/{zoneId:guid}/methods",
        "PUT /api/admin/delivery-methods/{methodId:guid}",
        "GET /api/admin/tax-rates",
        "POST /api/admin/tax-rates",
        "PUT /api/admin/tax-rates/{rateId:guid}",
        "DELETE /api/admin/tax-rates/{rateId:guid}",
        "GET /api/admin/products",
        "POST /api/admin/products",
        "GET /api/admin/products/{sku}",
        "PUT /api/admin/products/{sku}",
        "POST /api/admin/products/{sku}/archive",
        "POST /api/admin/products/{sku}/unarchive",
        "GET /api/admin/outbox/deliveries",
        "POST /api/admin/outbox/deliveries/{messageId:guid}/{consumer}/retry",
        "GET /api/admin/audit",
    ];

    /// <summary>Every admin page but the sign-in page, as routed.</summary>
    private static readonly string[] Pages =
    [
        "/admin", "/admin/orders", "/admin/orders/{OrderId:guid}", "/admin/promos", "/admin/promos/new", "/admin/promos/{Code}", "/admin/inventory", "/admin/operations",
        "/admin/delivery", "/admin/tax", "/admin/outbox", "/admin/products", "/admin/products/new", "/admin/products/{Sku}",
        "/admin/audit",
    ];

    public static TheoryData<string> ApiRouteData() => [.. ApiRoutes];

    public static TheoryData<string> PageData() => [.. Pages];

    [Fact]
    public void TheRouteLists_NameEveryAdminRouteOfTheApp()
    {
        var endpoints = shop.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var api = endpoints
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/admin", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"));
        var pages = endpoints
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/admin", StringComparison.Ordinal) && p != "/admin/sign-in")
            .Distinct();

        Assert.Equal(ApiRoutes.Order(StringComparer.Ordinal), api.Order(StringComparer.Ordinal));
        Assert.Equal(Pages.Order(StringComparer.Ordinal), pages.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryAdminPage_RequiresTheAdminPolicy_ExceptTheSignInPage()
    {
        var pages = shop.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && e.RoutePattern.RawText!.TrimStart('/').StartsWith("admin", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(pages);
        foreach (var page in pages)
        {
            var anonymous = page.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            Assert.Equal(page.RoutePattern.RawText!.TrimStart('/') == "admin/sign-in", anonymous);
            Assert.Contains(page.Metadata.GetOrderedMetadata<IAuthorizeData>(), a => a.Policy == AdminAuthentication.Policy);
        }
    }

    [Fact]
    public void EveryAdminEndpoint_OfAnyKind_RequiresTheAdminPolicy_ButSigningInAndOut()
    {
        string[] open = ["admin/sign-in", "admin/sign-out"];
        var endpoints = shop.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: e.RoutePattern.RawText!.TrimStart('/'), Endpoint: e))
            .Where(e => (e.Route == "admin" || e.Route.StartsWith("admin/", StringComparison.Ordinal) || e.Route.StartsWith("api/admin", StringComparison.Ordinal))
                && !open.Contains(e.Route))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(
            e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AdminAuthentication.Policy)
                && e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null,
            $"/{e.Route} ({e.Endpoint.DisplayName}) does not require the Admin policy."));
    }

    [Theory]
    [MemberData(nameof(ApiRouteData))]
    public async Task ApiRoute_Anonymous_Is401Problem(string route)
    {
        using var anonymous = shop.App.Browser();

        var response = await anonymous.SendAsync(await RequestAsync(route));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [MemberData(nameof(ApiRouteData))]
    public async Task ApiRoute_SignedInWithoutTheAdminRole_Is403Problem(string route)
    {
        var response = await shop.Shopper.SendAsync(await RequestAsync(route));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [MemberData(nameof(ApiRouteData))]
    public async Task ApiRoute_ShopperWithOnlyACartCookie_Is401Problem(string route)
    {
        var response = await shop.CartShopper.SendAsync(await RequestAsync(route));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    /// <summary>Credentials that look like an admin's but are not: each is refused on the admin API.</summary>
    [Theory]
    [InlineData("forged admin cookie")]
    [InlineData("empty key")]
    [InlineData("key in another case")]
    [InlineData("key twice")]
    [InlineData("key in the query string")]
    [InlineData("key as a bearer token")]
    public async Task ApiRoute_WithForgedOrMisplacedCredentials_Is401Problem(string credentials)
    {
        // No cookie jar: the request carries exactly the headers set below.
        using var anonymous = shop.App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var path = "/api/admin/orders";
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        switch (credentials)
        {
            case "forged admin cookie":
                request.Headers.Add("Cookie", ".Checkout.Admin=CfDJ8forged" + new string('A', 200));
                break;
            case "empty key":
                request.Headers.TryAddWithoutValidation(AdminApiKeyHandler.Header, "");
                break;
            case "key in another case":
                request.Headers.Add(AdminApiKeyHandler.Header, AdminFactory.AdminKey.ToUpperInvariant());
                break;
            case "key twice":
                request.Headers.Add(AdminApiKeyHandler.Header, [AdminFactory.AdminKey, AdminFactory.AdminKey]);
                break;
            case "key in the query string":
                request.RequestUri = new Uri($"{path}?{AdminApiKeyHandler.Header}={AdminFactory.AdminKey}", UriKind.Relative);
                break;
            case "key as a bearer token":
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminFactory.AdminKey);
                break;
        }

        var response = await anonymous.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [MemberData(nameof(ApiRouteData))]
    public async Task ApiRoute_SignedInAdmin_IsAllowed(string route)
    {
        var response = await shop.Admin.SendAsync(await RequestAsync(route));

        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(ApiRouteData))]
    public async Task ApiRoute_ScriptWithTheKey_IsStillAllowed(string route)
    {
        using var script = shop.App.Script();

        var response = await script.SendAsync(await RequestAsync(route));

        Assert.True(response.IsSuccessStatusCode, $"{route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task ApiRoute_WithAnAdminCookieButAWrongKey_IsJudgedByTheKey()
    {
        var request = await RequestAsync("GET /api/admin/orders");
        request.Headers.Add(AdminApiKeyHandler.Header, "wrong-key");

        var response = await shop.Admin.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [MemberData(nameof(PageData))]
    public async Task Page_Anonymous_RedirectsToSignInWithTheReturnUrl(string page)
    {
        using var anonymous = shop.App.Browser();
        var path = await PagePathAsync(page);

        var response = await anonymous.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/sign-in?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
    }

    [Theory]
    [MemberData(nameof(PageData))]
    public async Task Page_SignedInWithoutTheAdminRole_ShowsAccessDenied(string page)
    {
        var path = await PagePathAsync(page);

        var response = await shop.Shopper.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/sign-in?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
        var signIn = await shop.Shopper.GetAsync(response.Headers.Location);
        var html = await signIn.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("data-testid=\"access-denied\"", html, StringComparison.Ordinal);
        Assert.Contains($"Access denied: {AdminApp.ShopperEmail} has no admin access.", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PageData))]
    public async Task Page_ShopperWithOnlyACartCookie_RedirectsToSignInWithTheReturnUrl(string page)
    {
        var path = await PagePathAsync(page);

        var response = await shop.CartShopper.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/sign-in?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
    }

    /// <summary>The CSV export and the metrics scrape, which are neither pages nor admin API routes, for everyone but an admin.</summary>
    [Theory]
    [InlineData("anonymous", OrdersCsvEndpoint.Path, HttpStatusCode.Redirect)]
    [InlineData("cart shopper", OrdersCsvEndpoint.Path, HttpStatusCode.Redirect)]
    [InlineData("account without the role", OrdersCsvEndpoint.Path, HttpStatusCode.Redirect)]
    [InlineData("anonymous", TelemetrySetup.MetricsPath, HttpStatusCode.Unauthorized)]
    [InlineData("cart shopper", TelemetrySetup.MetricsPath, HttpStatusCode.Unauthorized)]
    [InlineData("account without the role", TelemetrySetup.MetricsPath, HttpStatusCode.Forbidden)]
    public async Task ExportsAndMetrics_AreRefusedToNonAdmins(string who, string path, HttpStatusCode status)
    {
        using var anonymous = shop.App.Browser();
        var client = who switch
        {
            "cart shopper" => shop.CartShopper,
            "account without the role" => shop.Shopper,
            _ => anonymous,
        };

        var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.NotEqual("text/csv", response.Content.Headers.ContentType?.MediaType);
        if (status == HttpStatusCode.Redirect)
        {
            Assert.StartsWith(AdminSetup.SignInPath + "?ReturnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(PageData))]
    public async Task Page_SignedInAdmin_IsServed(string page)
    {
        var response = await shop.Admin.GetAsync(await PagePathAsync(page));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(AdminFactory.AdminEmail, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AreForAdminsAndScriptsWithTheKey()
    {
        using var anonymous = shop.App.Browser();
        using var script = shop.App.Script();
        // An instrument is exported once it has a measurement: this test's own order, whatever ran before it.
        await shop.App.ConfirmedOrderAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await shop.Shopper.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shop.Admin.GetAsync("/metrics")).StatusCode);
        // The exporter answers a scrape from its cache of the last one for a moment: one taken before this order may
        // still be what the next scrape gets.
        await Eventually.TrueAsync(async () =>
        {
            var scraped = await script.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
            return (await scraped.Content.ReadAsStringAsync()).Contains("checkout_orders_confirmed", StringComparison.Ordinal);
        }, "the script's scrape shows the confirmed orders");
    }

    /// <summary>
    /// The request for a route, with what it acts on arranged so that an allowed caller succeeds: an order in the
    /// status the transition starts from, a promo code, product, zone, method or tax row of its own.
    /// </summary>
    private async Task<HttpRequestMessage> RequestAsync(string route)
    {
        var (method, template) = (route.Split(' ')[0], route.Split(' ')[1]);
        var app = shop.App;
        var order = Guid.Empty;
        string? body = null;
        HttpContent? form = null;
        switch (route)
        {
            case "GET /api/admin/orders/{orderId:guid}" or "POST /api/admin/orders/{orderId:guid}/cancel" or "GET /api/admin/orders/{orderId:guid}/refunds":
                order = await app.ConfirmedOrderAsync();
                break;
            case "POST /api/admin/orders/{orderId:guid}/refunds":
                order = await app.ConfirmedOrderAsync();
                body = """{"amountMinor":100,"reason":"Goodwill"}""";
                break;
            case "POST /api/admin/orders/{orderId:guid}/ship":
                order = await app.ConfirmedOrderAsync();
                body = """{"trackingNumber":"1Z999AA10123456784"}""";
                break;
            case "POST /api/admin/orders/{orderId:guid}/deliver":
                order = await app.ConfirmedOrderAsync();
                await app.AdvanceAsync(order, OrderStatus.Shipped);
                break;
            case "POST /api/admin/orders/{orderId:guid}/complete-return":
                order = await app.ConfirmedOrderAsync();
                await app.AdvanceAsync(order, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.ReturnInitiated);
                break;
            case "POST /api/admin/orders/{orderId:guid}/refund":
                // A cancelled order whose refund did not go through: the retry is what the route is for.
                order = await app.ConfirmedOrderAsync();
                await app.AdvanceAsync(order, OrderStatus.Cancelled);
                await using (var db = await app.DbAsync())
                {
                    await db.Payments.Where(p => p.OrderId == order).ExecuteUpdateAsync(s => s
                        .SetProperty(p => p.Status, PaymentStatus.Captured).SetProperty(p => p.RefundedMinor, 0));
                }
                break;
            case "POST /api/admin/promos":
                body = $$"""{"code":"{{NewCode()}}","kind":"Percentage","value":10}""";
                break;
            case "PUT /api/admin/promos/{code}" or "POST /api/admin/promos/{code}/disable":
                var code = await PromoAsync();
                template = template.Replace("{code}", code, StringComparison.Ordinal);
                body = method == "PUT" ? $$"""{"code":"{{code}}","kind":"Percentage","value":15}""" : null;
                break;
            case "POST /api/admin/inventory/{sku}/restock":
                template = template.Replace("{sku}", await app.ProductAsync(), StringComparison.Ordinal);
                body = """{"quantity":5,"reason":"delivery"}""";
                break;
            case "POST /api/admin/products":
                body = $$"""{"sku":"{{NewCode()}}","name":"Cup","category":"Gear","priceMinor":900,"weightGrams":200}""";
                break;
            case "GET /api/admin/products/{sku}" or "PUT /api/admin/products/{sku}"
                or "POST /api/admin/products/{sku}/archive" or "POST /api/admin/products/{sku}/unarchive":
                template = template.Replace("{sku}", await app.ProductAsync(), StringComparison.Ordinal);
                body = method == "PUT" ? """{"name":"Cup","category":"Gear","priceMinor":900,"weightGrams":200}""" : null;
                break;
            case "PUT /api/admin/products/{sku}/image" or "DELETE /api/admin/products/{sku}/image":
                template = template.Replace("{sku}", await app.ProductAsync(), StringComparison.Ordinal);
                form = method == "PUT" ? new MultipartFormDataContent { { new ByteArrayContent(DemoImages.Render("Cup", "Gear", 64)), "file", "cup.png" } } : null;
                break;
            case "POST /api/admin/shipping-zones":
                body = $$"""{"name":"Zone of its own","countries":["{{await FreeCountryAsync()}}"]}""";
                break;
            case "PUT /api/admin/shipping-zones/{zoneId:guid}":
                // The seeded Canada zone as it is: a zone of its own would take one more of the few countries.
                template = template.Replace("{zoneId:guid}", ShippingZoneConfiguration.Canada.ToString(), StringComparison.Ordinal);
                body = """{"name":"Canada","countries":["CA"]}""";
                break;
            case "DELETE /api/admin/shipping-zones/{zoneId:guid}":
                var zone = ResultAssert.Success(await Delivery.CreateZoneAsync(new ShippingZoneInput("To delete", [await FreeCountryAsync()]), "admin@shop"));
                template = template.Replace("{zoneId:guid}", zone.Id.ToString(), StringComparison.Ordinal);
                break;
            case "POST /api/admin/shipping-zones/{zoneId:guid}/methods":
                template = template.Replace("{zoneId:guid}", ShippingZoneConfiguration.Canada.ToString(), StringComparison.Ordinal);
                body = """{"name":"Courier","rateMinor":1500}""";
                break;
            case "PUT /api/admin/delivery-methods/{methodId:guid}":
                var courier = ResultAssert.Success(await Delivery.AddMethodAsync(ShippingZoneConfiguration.Canada, new DeliveryMethodInput("Courier", null, 1500), "admin@shop"));
                template = template.Replace("{methodId:guid}", courier.Id.ToString(), StringComparison.Ordinal);
                body = """{"name":"Courier","rateMinor":1200,"active":false}""";
                break;
            case "POST /api/admin/tax-rates":
                body = $$"""{"country":"US","region":"{{await FreeStateAsync()}}","ratePercent":5,"name":"Sales tax"}""";
                break;
            case "PUT /api/admin/tax-rates/{rateId:guid}" or "DELETE /api/admin/tax-rates/{rateId:guid}":
                var rate = ResultAssert.Success(await Tax.AddAsync(new TaxRateInput("US", await FreeStateAsync(), 5m, "Sales tax"), "admin@shop"));
                template = template.Replace("{rateId:guid}", rate.Id.ToString(), StringComparison.Ordinal);
                body = method == "PUT" ? """{"ratePercent":6.25,"name":"Sales tax"}""" : null;
                break;
            case "POST /api/admin/outbox/deliveries/{messageId:guid}/{consumer}/retry":
                var failed = await app.FailedDeliveryAsync(DateTimeOffset.UtcNow, "webhooks", dead: true);
                template = template.Replace("{messageId:guid}", failed.Id.ToString(), StringComparison.Ordinal).Replace("{consumer}", "webhooks", StringComparison.Ordinal);
                break;
        }
        var request = new HttpRequestMessage(new HttpMethod(method), template.Replace("{orderId:guid}", order.ToString(), StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        else if (form is not null)
        {
            request.Content = form;
        }
        return request;
    }

    private async Task<string> PromoAsync()
    {
        using var script = shop.App.Script();
        var code = NewCode();
        var created = await script.PostAsync("/api/admin/promos", new StringContent(
            $$"""{"code":"{{code}}","kind":"Percentage","value":10}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return code;
    }

    private static string NewCode() => "ADM" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    private DeliveryAdminService Delivery => shop.App.Services.GetRequiredService<DeliveryAdminService>();

    private TaxAdminService Tax => shop.App.Services.GetRequiredService<TaxAdminService>();

    /// <summary>
    /// A country no zone holds. There are only seven and every one starts in a zone, so one is freed: from a zone an
    /// earlier request made (the only zones without methods), else from a seeded zone of several.
    /// </summary>
    private async Task<string> FreeCountryAsync()
    {
        var zones = await Delivery.ListAsync();
        if (Countries.Supported.FirstOrDefault(c => !zones.Any(z => z.Countries.Contains(c.Code))) is { } free)
        {
            return free.Code;
        }
        if (zones.FirstOrDefault(z => z.Methods.Count == 0) is { } made)
        {
            ResultAssert.Success(await Delivery.DeleteZoneAsync(made.Id, "admin@shop"));
            return made.Countries[0];
        }
        var shared = zones.First(z => z.Countries.Count > 1);
        ResultAssert.Success(await Delivery.ChangeZoneAsync(shared.Id, new ShippingZoneInput(shared.Name, shared.Countries.SkipLast(1).ToList()), "admin@shop"));
        return shared.Countries[^1];
    }

    /// <summary>A US state without a tax row of its own.</summary>
    private async Task<string> FreeStateAsync()
    {
        var rates = await Tax.ListAsync();
        return Countries.Find("US")!.Regions.Select(r => r.Code).First(code => !rates.Any(r => r.Country == "US" && r.Region == code));
    }

    private async Task<string> PagePathAsync(string page) => page switch
    {
        _ when page.Contains("{OrderId:guid}", StringComparison.Ordinal) =>
            page.Replace("{OrderId:guid}", (await shop.App.ConfirmedOrderAsync()).ToString(), StringComparison.Ordinal),
        _ when page.Contains("{Code}", StringComparison.Ordinal) => page.Replace("{Code}", await PromoAsync(), StringComparison.Ordinal),
        _ when page.Contains("{Sku}", StringComparison.Ordinal) => page.Replace("{Sku}", await shop.App.ProductAsync(), StringComparison.Ordinal),
        _ => page,
    };

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
    }
}
