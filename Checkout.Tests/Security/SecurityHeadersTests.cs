using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Payments;
using Checkout.Tests.Admin;
using Checkout.Tests.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Checkout.Tests.Security;

/// <summary>
/// The app outside Development behind its public name, with a known HTTPS port and a payment gateway that throws, so
/// that one host answers with a page, the API, the framework's errors and an unforeseen exception.
/// </summary>
public sealed class PublicApp : IAsyncLifetime
{
    public static readonly Uri Https = new("https://shop.example");

    public AdminFactory App { get; } = new(b => b
        .UseSetting("https_port", "443")
        .ConfigureTestServices(services =>
        {
            services.RemoveAll<IPaymentGateway>();
            services.AddSingleton<IPaymentGateway, BrokenGateway>();
        }));

    /// <summary>An open checkout whose payment reaches the broken gateway.</summary>
    public Guid SessionId { get; private set; }

    public HttpClient Client(Uri baseAddress) =>
        App.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = baseAddress, AllowAutoRedirect = false });

    public async Task InitializeAsync()
    {
        var sku = await App.ProductAsync();
        var carts = App.Services.GetRequiredService<CartService>();
        var cartId = await carts.CreateAsync();
        Assert.True((await carts.SetQuantityAsync(cartId, sku, 1)).IsSuccess);
        var checkout = await App.Services.GetRequiredService<CheckoutService>().StartAsync(new StartCheckout(cartId, "shopper@example.com", "Sam Shopper", ShippingAddress: TestAddresses.Portland));
        SessionId = checkout.Value!.CheckoutSessionId;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    private sealed class BrokenGateway : IPaymentGateway
    {
        public Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default) =>
            throw new InvalidOperationException("Gateway connection string Password=hunter2 refused.");

        public Task<GatewayResult> CaptureAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public Task<GatewayResult> VoidAsync(string idempotencyKey, string authorizationId, CancellationToken ct = default) =>
            throw new NotSupportedException();

        public Task<GatewayResult> RefundAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default) =>
            throw new NotSupportedException();
    }
}

/// <summary>Security headers on every kind of answer, HTTPS outside Development, and a policy the pages actually satisfy.</summary>
public partial class SecurityHeadersTests(PublicApp shop) : IClassFixture<PublicApp>
{
    private static readonly string Card = Cards.Approved.ToJson();

    public static TheoryData<string, string, string?, int> Answers => new()
    {
        { "GET", "/", null, 200 },
        { "GET", "/admin/sign-in", null, 200 },
        { "GET", "/admin", null, 302 },
        { "GET", "/no-such-page", null, 404 },
        { "GET", "/favicon.png", null, 200 },
        { "GET", "/api/products", null, 200 },
        { "GET", "/healthz", null, 200 },
        { "GET", "/api/carts/00000000-0000-0000-0000-000000000001", null, 404 },
        { "PUT", "/api/carts/00000000-0000-0000-0000-000000000001/items/COF-FILTER", """{"quantity":""", 400 },
        { "GET", "/api/admin/orders", null, 401 },
        { "DELETE", "/api/products", null, 405 },
        { "POST", "/api/checkouts/{session}/complete", Card, 500 },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string method, string path, string? body, int status)
    {
        using var client = shop.Client(PublicApp.Https);
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{session}", shop.SessionId.ToString(), StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var policy = Header(response, "Content-Security-Policy");
        foreach (var directive in (string[])["default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
            "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'"])
        {
            Assert.Contains(directive, policy.Split("; "));
        }
        Assert.Matches("^script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')?$", Assert.Single(policy.Split("; "), d => d.StartsWith("script-src", StringComparison.Ordinal)));
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task AnUnforeseenError_IsAProblemThatTellsNothingOfTheException()
    {
        using var client = shop.Client(PublicApp.Https);

        var response = await client.PostAsync($"/api/checkouts/{shop.SessionId}/complete", new StringContent(Card, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.InternalServerError, "server-error");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APage_AllowsItsImportMapByHash_AndHasNoOtherInlineScript()
    {
        using var client = shop.Client(PublicApp.Https);

        var response = await client.GetAsync("/");

        var html = await response.Content.ReadAsStringAsync();
        var scripts = ScriptElement().Matches(html);
        var inline = scripts.Where(s => !s.Groups["attributes"].Value.Contains("src=", StringComparison.Ordinal)).ToList();
        var importMap = Assert.Single(inline);
        Assert.Contains("type=\"importmap\"", importMap.Groups["attributes"].Value, StringComparison.Ordinal);
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.Groups["body"].Value)));
        Assert.Contains($"script-src 'self' 'sha256-{hash}';", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.All(scripts.Except(inline), s => Assert.DoesNotMatch("src=\"(https?:)?//", s.Groups["attributes"].Value));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/products")]
    [InlineData("/admin/sign-in?ReturnUrl=%2Fadmin")]
    public async Task PlainHttp_IsRedirectedToHttps_OutsideDevelopment(string path)
    {
        using var client = shop.Client(new Uri("http://shop.example"));

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri(PublicApp.Https, path), response.Headers.Location);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Development_ServesPlainHttp_WithoutHsts_ButWithTheOtherHeaders()
    {
        await using var app = new AdminFactory(b => b.UseEnvironment("Development").UseSetting("https_port", "443"));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://shop.example"), AllowAutoRedirect = false });

        var response = await client.GetAsync("/api/products");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.StartsWith("default-src 'self'; script-src 'self'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : []);

    [GeneratedRegex("<script(?<attributes>[^>]*)>(?<body>.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ScriptElement();
}
