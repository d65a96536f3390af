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
using Checkout.Data.Webhooks;
using Checkout.Tests.Builders;
using Checkout.Web.Admin;
using Checkout.Web.Api;
using Checkout.Web.Staff;
using Checkout.Web.State;
using Checkout.Web.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Admin;

/// <summary>One app for the access tests: its first admin, a Support account, one shopper account, each signed in once.</summary>
public sealed class AdminApp : IAsyncLifetime
{
    public const string ShopperEmail = "shopper-account@test.local";
    public const string SupportEmail = "support@test.local";

    /// <summary>Webhook targets may be local: the subscriptions the matrix arranges point at a port nothing listens on.</summary>
    public AdminFactory App { get; } = new(web => web.UseSetting("Checkout:Webhooks:AllowLocalTargets", "true"));
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Support { get; private set; } = null!;
    public HttpClient Shopper { get; private set; } = null!;

    /// <summary>A storefront visitor: the cart cookie the shop gave it, and no account.</summary>
    public HttpClient CartShopper { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await App.CreateUserAsync(ShopperEmail, AdminFactory.ShopperPassword);
        await App.CreateUserAsync(SupportEmail, AdminFactory.ShopperPassword, StaffRoles.Support);
        Admin = await App.SignedInAsync(AdminFactory.AdminEmail, AdminFactory.AdminPassword);
        Support = await App.SignedInAsync(SupportEmail, AdminFactory.ShopperPassword);
        Shopper = await App.SignedInAsync(ShopperEmail, AdminFactory.ShopperPassword);
        CartShopper = App.Browser();
        var storefront = await CartShopper.GetAsync("/");
        Assert.Contains(storefront.Headers.GetValues("Set-Cookie"), c => c.StartsWith(CartCookie.Name + "=", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        Support.Dispose();
        Shopper.Dispose();
        CartShopper.Dispose();
        await App.DisposeAsync();
    }
}

/// <summary>Who calls: nobody, a storefront visitor, a signed-in account without a staff role, each staff role, a script with the key.</summary>
public enum Caller
{
    Anonymous,
    CartShopper,
    NonStaff,
    Support,
    Admin,
    Key,
}

/// <summary>
/// The role matrix of the back office: every admin API route and every admin page, for every <see cref="Caller"/>, answers
/// as the one table below says (route → the policy it requires), and the table names every admin route of the app, so
/// a new route fails here until it has a decision.
/// </summary>
public class AdminAccessTests(AdminApp shop) : IClassFixture<AdminApp>
{
    private const string Staff = StaffPolicies.StaffRead;
    private const string Admin = StaffPolicies.Admin;

    /// <summary>
    /// THE table: every route of the admin API and every admin page (but the sign-in and accept-invite pages, which are
    /// for everyone), as the app's endpoint table names them, with the policy each requires. <see cref="Staff"/>: the
    /// Admin or the Support role; <see cref="Admin"/>: the Admin role. The key is an Admin.
    /// </summary>
    private static readonly Dictionary<string, string> Table = new(StringComparer.Ordinal)
    {
        ["GET /api/admin/orders"] = Staff,
        ["GET /api/admin/orders/{orderId:guid}"] = Staff,
        ["GET /api/admin/orders/{orderId:guid}/refunds"] = Staff,
        ["POST /api/admin/orders/{orderId:guid}/resend-email"] = Staff,
        ["POST /api/admin/orders/{orderId:guid}/ship"] = Admin,
        ["POST /api/admin/orders/{orderId:guid}/deliver"] = Admin,
        ["POST /api/admin/orders/{orderId:guid}/cancel"] = Admin,
        ["POST /api/admin/orders/{orderId:guid}/complete-return"] = Admin,
        ["POST /api/admin/orders/{orderId:guid}/refund"] = Admin,
        ["POST /api/admin/orders/{orderId:guid}/refunds"] = Admin,
        ["GET /api/admin/promos"] = Admin,
        ["POST /api/admin/promos"] = Admin,
        ["PUT /api/admin/promos/{code}"] = Admin,
        ["POST /api/admin/promos/{code}/disable"] = Admin,
        ["GET /api/admin/inventory"] = Admin,
        ["POST /api/admin/inventory/{sku}/restock"] = Admin,
        ["PUT /api/admin/products/{sku}/image"] = Admin,
        ["DELETE /api/admin/products/{sku}/image"] = Admin,
        ["GET /api/admin/shipping-zones"] = Admin,
        ["POST /api/admin/shipping-zones"] = Admin,
        ["PUT /api/admin/shipping-zones/{zoneId:guid}"] = Admin,
        ["DELETE /api/admin/shipping-zones/{zoneId:guid}"] = Admin,
        ["POST /api/admin/shipping-zones/{zoneId:guid}/methods"] = Admin,
        ["PUT /api/admin/delivery-methods/{methodId:guid}"] = Admin,
        ["GET /api/admin/tax-rates"] = Admin,
        ["POST /api/admin/tax-rates"] = Admin,
        ["PUT /api/admin/tax-rates/{rateId:guid}"] = Admin,
        ["DELETE /api/admin/tax-rates/{rateId:guid}"] = Admin,
        ["GET /api/admin/products"] = Admin,
        ["POST /api/admin/products"] = Admin,
        ["GET /api/admin/products/{sku}"] = Admin,
        ["PUT /api/admin/products/{sku}"] = Admin,
        ["POST /api/admin/products/{sku}/archive"] = Admin,
        ["POST /api/admin/products/{sku}/unarchive"] = Admin,
        ["GET /api/admin/outbox/deliveries"] = Admin,
        ["POST /api/admin/outbox/deliveries/{messageId:guid}/{consumer}/retry"] = Admin,
        ["GET /api/admin/staff"] = Admin,
        ["POST /api/admin/staff"] = Admin,
        ["POST /api/admin/staff/{userId}/disable"] = Admin,
        ["POST /api/admin/staff/{userId}/enable"] = Admin,
        ["PUT /api/admin/staff/{userId}/role"] = Admin,
        ["GET /api/admin/audit"] = Admin,
        ["GET /api/admin/webhooks"] = Admin,
        ["POST /api/admin/webhooks"] = Admin,
        ["GET /api/admin/webhooks/{subscriptionId:guid}"] = Admin,
        ["PUT /api/admin/webhooks/{subscriptionId:guid}"] = Admin,
        ["POST /api/admin/webhooks/{subscriptionId:guid}/rotate-secret"] = Admin,
        ["POST /api/admin/webhooks/{subscriptionId:guid}/test"] = Admin,
        ["GET /api/admin/webhooks/{subscriptionId:guid}/deliveries"] = Admin,
        ["POST /api/admin/webhooks/{subscriptionId:guid}/deliveries/{eventId:guid}/redeliver"] = Admin,
        ["POST /api/admin/webhooks/{subscriptionId:guid}/deliveries/redeliver"] = Admin,

        ["/admin"] = Staff,
        ["/admin/orders"] = Staff,
        ["/admin/orders/{OrderId:guid}"] = Staff,
        ["/admin/promos"] = Admin,
        ["/admin/promos/new"] = Admin,
        ["/admin/promos/{Code}"] = Admin,
        ["/admin/inventory"] = Admin,
        ["/admin/operations"] = Admin,
        ["/admin/delivery"] = Admin,
        ["/admin/tax"] = Admin,
        ["/admin/outbox"] = Admin,
        ["/admin/products"] = Admin,
        ["/admin/products/new"] = Admin,
        ["/admin/products/{Sku}"] = Admin,
        ["/admin/staff"] = Admin,
        ["/admin/audit"] = Admin,
        ["/admin/webhooks"] = Admin,
    };

    /// <summary>The pages everyone may open: signing in and accepting an invitation.</summary>
    private static readonly string[] OpenPages = ["/admin/sign-in", StaffService.AcceptPath];

    private static bool IsApi(string route) => route.Contains(' ', StringComparison.Ordinal);

    public static TheoryData<string, Caller> ApiRouteData() => Matrix(Table.Keys.Where(IsApi), Enum.GetValues<Caller>());

    /// <summary>Pages are for browsers: the key is for scripts.</summary>
    public static TheoryData<string, Caller> PageData() =>
        Matrix(Table.Keys.Where(r => !IsApi(r)), [Caller.Anonymous, Caller.CartShopper, Caller.NonStaff, Caller.Support, Caller.Admin]);

    private static TheoryData<string, Caller> Matrix(IEnumerable<string> routes, Caller[] callers)
    {
        var data = new TheoryData<string, Caller>();
        foreach (var route in routes)
        {
            foreach (var caller in callers)
            {
                data.Add(route, caller);
            }
        }
        return data;
    }

    /// <summary>May the caller's role use a route that requires <paramref name="policy"/>?</summary>
    private static bool Allowed(string policy, Caller caller) =>
        caller is Caller.Admin or Caller.Key || (caller == Caller.Support && policy == Staff);

    [Fact]
    public void TheTable_NamesEveryAdminRouteAndPageOfTheApp()
    {
        var endpoints = shop.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        var api = endpoints
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/admin", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText}"));
        var pages = endpoints
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.StartsWith("/admin", StringComparison.Ordinal) && !OpenPages.Contains(p))
            .Distinct();

        Assert.Equal(Table.Keys.Order(StringComparer.Ordinal), api.Concat(pages).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryAdminRouteAndPage_RequiresThePolicyOfTheTable_AndNoLooserOne()
    {
        var endpoints = shop.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                ? [(Key: "/" + e.RoutePattern.RawText!.TrimStart('/'), Endpoint: e)]
                : (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Key: $"{m} {e.RoutePattern.RawText}", Endpoint: e)))
            .Where(e => Table.ContainsKey(e.Key))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e =>
        {
            var policies = e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
            Assert.Null(e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>());
            Assert.True(policies.Contains(Table[e.Key]), $"{e.Key} does not require the {Table[e.Key]} policy.");
            Assert.True(Table[e.Key] == Admin || !policies.Contains(Admin), $"{e.Key} requires the Admin policy; the table says {Table[e.Key]}.");
        });
    }

    [Fact]
    public void EveryAdminEndpoint_OfAnyKind_RequiresAStaffPolicy_ButSigningInAndOutAndAcceptingAnInvitation()
    {
        string[] open = ["admin/sign-in", "admin/sign-out", StaffService.AcceptPath.TrimStart('/')];
        var endpoints = shop.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Route: e.RoutePattern.RawText!.TrimStart('/'), Endpoint: e))
            .Where(e => (e.Route == "admin" || e.Route.StartsWith("admin/", StringComparison.Ordinal) || e.Route.StartsWith("api/admin", StringComparison.Ordinal))
                && !open.Contains(e.Route))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, e => Assert.True(
            e.Endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy is Admin or Staff)
                && e.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null,
            $"/{e.Route} ({e.Endpoint.DisplayName}) does not require a staff policy."));
    }

    [Fact]
    public void TheOpenPages_AreForEveryone()
    {
        var pages = shop.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null && OpenPages.Contains("/" + e.RoutePattern.RawText!.TrimStart('/')))
            .ToList();

        Assert.Equal(OpenPages.Length, pages.Count);
        Assert.All(pages, p => Assert.NotNull(p.Metadata.GetMetadata<IAllowAnonymous>()));
    }

    /// <summary>
    /// Anonymous callers and visitors with only a cart cookie get 401, a signed-in account without the role the route
    /// needs 403 (problem+json both); an allowed caller gets through.
    /// </summary>
    [Theory]
    [MemberData(nameof(ApiRouteData))]
    public async Task ApiRoute_AnswersEachCallerAsTheTableSays(string route, Caller caller)
    {
        using var anonymous = shop.App.Browser();
        using var script = shop.App.Script();
        var client = caller switch
        {
            Caller.Anonymous => anonymous,
            Caller.CartShopper => shop.CartShopper,
            Caller.NonStaff => shop.Shopper,
            Caller.Support => shop.Support,
            Caller.Admin => shop.Admin,
            _ => script,
        };

        var response = await client.SendAsync(await RequestAsync(route));

        if (Allowed(Table[route], caller))
        {
            Assert.True(response.IsSuccessStatusCode, $"{route} as {caller}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        else if (caller is Caller.Anonymous or Caller.CartShopper)
        {
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }
        else
        {
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    /// <summary>
    /// Nobody signed in is sent to the sign-in page with the page to come back to; a signed-in account whose role may not
    /// open the page is sent there too, and told it has no access; an allowed one is served the page.
    /// </summary>
    [Theory]
    [MemberData(nameof(PageData))]
    public async Task Page_AnswersEachCallerAsTheTableSays(string page, Caller caller)
    {
        using var anonymous = shop.App.Browser();
        var client = caller switch
        {
            Caller.Anonymous => anonymous,
            Caller.CartShopper => shop.CartShopper,
            Caller.NonStaff => shop.Shopper,
            Caller.Support => shop.Support,
            _ => shop.Admin,
        };
        var path = await PagePathAsync(page);

        var response = await client.GetAsync(path);

        if (Allowed(Table[page], caller))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var email = caller == Caller.Support ? AdminApp.SupportEmail : AdminFactory.AdminEmail;
            Assert.Contains(email, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            return;
        }
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/admin/sign-in?ReturnUrl={Uri.EscapeDataString(path)}", response.Headers.Location!.PathAndQuery);
        if (caller is Caller.NonStaff or Caller.Support)
        {
            var signIn = await client.GetAsync(response.Headers.Location);
            var html = await signIn.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            Assert.Contains("data-testid=\"access-denied\"", html, StringComparison.Ordinal);
            Assert.Contains(caller == Caller.Support
                ? $"Access denied: {AdminApp.SupportEmail} is a Support account, which may not open that page."
                : $"Access denied: {AdminApp.ShopperEmail} has no admin access.", html, StringComparison.Ordinal);
        }
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

    [Fact]
    public async Task ApiRoute_WithAnAdminCookieButAWrongKey_IsJudgedByTheKey()
    {
        var request = await RequestAsync("GET /api/admin/orders");
        request.Headers.Add(AdminApiKeyHandler.Header, "wrong-key");

        var response = await shop.Admin.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    /// <summary>The CSV export (for all staff) and the metrics scrape (for admins), which are neither pages nor admin API routes, for everyone else.</summary>
    [Theory]
    [InlineData("anonymous", OrdersCsvEndpoint.Path, HttpStatusCode.Redirect)]
    [InlineData("cart shopper", OrdersCsvEndpoint.Path, HttpStatusCode.Redirect)]
    [InlineData("account without the role", OrdersCsvEndpoint.Path, HttpStatusCode.Redirect)]
    [InlineData("anonymous", TelemetrySetup.MetricsPath, HttpStatusCode.Unauthorized)]
    [InlineData("cart shopper", TelemetrySetup.MetricsPath, HttpStatusCode.Unauthorized)]
    [InlineData("account without the role", TelemetrySetup.MetricsPath, HttpStatusCode.Forbidden)]
    [InlineData("support", TelemetrySetup.MetricsPath, HttpStatusCode.Forbidden)]
    public async Task ExportsAndMetrics_AreRefusedToNonAdmins(string who, string path, HttpStatusCode status)
    {
        using var anonymous = shop.App.Browser();
        var client = who switch
        {
            "cart shopper" => shop.CartShopper,
            "account without the role" => shop.Shopper,
            "support" => shop.Support,
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

    [Fact]
    public async Task TheOrdersCsv_IsForSupportToo()
    {
        var response = await shop.Support.GetAsync(OrdersCsvEndpoint.Path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
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
            case "GET /api/admin/orders/{orderId:guid}" or "POST /api/admin/orders/{orderId:guid}/cancel" or "GET /api/admin/orders/{orderId:guid}/refunds"
                or "POST /api/admin/orders/{orderId:guid}/resend-email":
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
            case "POST /api/admin/staff":
                body = $$"""{"email":"{{NewCode().ToLowerInvariant()}}@test.local","role":"Support"}""";
                break;
            case "POST /api/admin/staff/{userId}/disable" or "POST /api/admin/staff/{userId}/enable" or "PUT /api/admin/staff/{userId}/role":
                var invited = ResultAssert.Success(await shop.App.Get<StaffService>().InviteAsync($"{NewCode().ToLowerInvariant()}@test.local", StaffRoles.Support, StaffTests.TestActor));
                template = template.Replace("{userId}", invited.Member.Id, StringComparison.Ordinal);
                body = method == "PUT" ? """{"role":"Admin"}""" : null;
                break;
            case "POST /api/admin/webhooks":
                body = $$"""{"name":"Warehouse","url":"{{NowhereUrl}}","events":["order.confirmed"]}""";
                break;
            case "GET /api/admin/webhooks/{subscriptionId:guid}" or "PUT /api/admin/webhooks/{subscriptionId:guid}"
                or "POST /api/admin/webhooks/{subscriptionId:guid}/rotate-secret" or "POST /api/admin/webhooks/{subscriptionId:guid}/test"
                or "GET /api/admin/webhooks/{subscriptionId:guid}/deliveries" or "POST /api/admin/webhooks/{subscriptionId:guid}/deliveries/redeliver":
                template = template.Replace("{subscriptionId:guid}", (await WebhookAsync()).ToString(), StringComparison.Ordinal);
                body = method == "PUT" ? $$"""{"name":"Warehouse","url":"{{NowhereUrl}}","events":["order.shipped"],"enabled":false}""" : null;
                break;
            case "POST /api/admin/webhooks/{subscriptionId:guid}/deliveries/{eventId:guid}/redeliver":
                var subscription = await WebhookAsync();
                var failedEvent = await app.FailedWebhookDeliveryAsync(subscription, DateTimeOffset.UtcNow);
                template = template.Replace("{subscriptionId:guid}", subscription.ToString(), StringComparison.Ordinal)
                    .Replace("{eventId:guid}", failedEvent.Id.ToString(), StringComparison.Ordinal);
                break;
            case "POST /api/admin/outbox/deliveries/{messageId:guid}/{consumer}/retry":
                var failed = await app.FailedDeliveryAsync(DateTimeOffset.UtcNow, "no-such-consumer", dead: true);
                template = template.Replace("{messageId:guid}", failed.Id.ToString(), StringComparison.Ordinal).Replace("{consumer}", "no-such-consumer", StringComparison.Ordinal);
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

    /// <summary>A local port nothing listens on: a test event is refused at once, and the shop sends nothing else to a disabled subscription.</summary>
    private const string NowhereUrl = "http://127.0.0.1:9/events";

    /// <summary>A disabled subscription of its own, so that the orders the matrix places are sent to nobody.</summary>
    private async Task<Guid> WebhookAsync()
    {
        var webhooks = shop.App.Services.GetRequiredService<WebhookAdminService>();
        var created = ResultAssert.Success(await webhooks.CreateAsync(new WebhookSubscriptionInput("Warehouse", NowhereUrl, WebhookEvents.All), "admin@shop"));
        ResultAssert.Success(await webhooks.ChangeAsync(created.Subscription.Id, new WebhookSubscriptionInput("Warehouse", NowhereUrl, WebhookEvents.All, Enabled: false), "admin@shop"));
        return created.Subscription.Id;
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
