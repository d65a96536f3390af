using System.Net;
using System.Text.RegularExpressions;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Tests.Security;
using Checkout.Web.Api;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Admin;

/// <summary>
/// The admin tests' <see cref="TestApp"/>: the real Checkout.Web on the in-memory test server with its own SQLite file,
/// a configured first admin and admin key, in the Test environment (no developer settings: no development admin or
/// key, and the drill is not offered). Browsers are cookie-keeping clients that do not follow redirects, so tests see
/// where the app sends them.
/// </summary>
/// <param name="configure">Applied after the factory's own settings, so a test can change them (environment, rate limits).</param>
public sealed partial class AdminFactory(Action<IWebHostBuilder>? configure = null) : TestApp(new TestAppOptions
{
    Name = "admin",
    AdminKey = AdminKey,
    Settings = new Dictionary<string, string?>
    {
        ["Admin:Email"] = AdminEmail,
        ["Admin:Password"] = AdminPassword,
    },
    Configure = web =>
    {
        web.WithGenerousRateLimits();
        configure?.Invoke(web);
    },
})
{
    public const string AdminEmail = "admin@test.local";
    public const string AdminPassword = "Admin-Test-Passw0rd!";
    public const string AdminKey = "admin-test-key";
    public const string ShopperPassword = "Shopper-Test-Passw0rd!";

    /// <summary>A browser: keeps cookies, does not follow redirects.</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A script with the admin key and no cookies.</summary>
    public HttpClient Script()
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add(AdminApiKeyHandler.Header, AdminKey);
        return client;
    }

    /// <summary>A browser signed in through the real form; fails the test unless the sign-in went through.</summary>
    public async Task<HttpClient> SignedInAsync(string email, string password)
    {
        var browser = Browser();
        var response = await SignInAsync(browser, email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location?.OriginalString);
        return browser;
    }

    /// <summary>Opens the sign-in page as a browser does (antiforgery cookie and token) and posts the form.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password, string? returnUrl = null)
    {
        var token = await AntiforgeryTokenAsync(browser, "/admin/sign-in");
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["email"] = email, ["password"] = password };
        if (returnUrl is not null)
        {
            form["returnUrl"] = returnUrl;
        }
        return await browser.PostAsync("/admin/sign-in", new FormUrlEncodedContent(form));
    }

    /// <summary>The hidden antiforgery field of the page's form.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient browser, string page)
    {
        var response = await browser.GetAsync(page);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var input = TokenInput().Match(html);
        Assert.True(input.Success, $"No antiforgery token on {page}.");
        var value = TokenValue().Match(input.Value);
        Assert.True(value.Success, $"No antiforgery token value on {page}.");
        return WebUtility.HtmlDecode(value.Groups[1].Value);
    }

    /// <summary>An account with a password and the staff <paramref name="role"/>; without one, as a shopper account would be.</summary>
    public async Task<string> CreateUserAsync(string email, string password, string? role = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = new IdentityUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        if (role is not null)
        {
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }
        return user.Id;
    }

    /// <summary>A product of its own with plenty of stock.</summary>
    public async Task<string> ProductAsync()
    {
        var sku = "ADM-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await using var db = await DbAsync();
        db.Products.Add(new Product(sku, $"Product {sku}", "Test", "📦", 1500));
        db.Inventory.Add(new InventoryItem(sku, 100));
        await db.SaveChangesAsync();
        return sku;
    }

    /// <summary>A paid, CONFIRMED order placed through the shop's services.</summary>
    public async Task<Guid> ConfirmedOrderAsync()
    {
        var sku = await ProductAsync();
        var carts = Services.GetRequiredService<CartService>();
        var cartId = await carts.CreateAsync();
        Assert.True((await carts.SetQuantityAsync(cartId, sku, 1)).IsSuccess);
        var checkout = await Services.GetRequiredService<CheckoutService>().StartAsync(new StartCheckout(cartId, "shopper@example.com", "Sam Shopper", ShippingAddress: TestAddresses.Portland));
        Assert.True(checkout.IsSuccess, checkout.Error?.Message);
        var placed = await Services.GetRequiredService<PlaceOrderService>().PlaceAsync(checkout.Value!.CheckoutSessionId, Cards.Approved);
        Assert.True(placed.IsSuccess, placed.Error?.Message);
        return placed.Value!.Order.OrderId;
    }

    /// <summary>Moves an order along the real transitions.</summary>
    public async Task AdvanceAsync(Guid orderId, params OrderStatus[] steps)
    {
        var orders = Services.GetRequiredService<OrderService>();
        foreach (var step in steps)
        {
            var request = new TransitionRequest("test", "arranged by the test", step == OrderStatus.Shipped ? "1Z999" : null);
            var result = await orders.TransitionAsync(orderId, step, request);
            Assert.True(result.IsSuccess, result.Error?.Message);
        }
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex TokenInput();

    [GeneratedRegex("value=\"([^\"]+)\"")]
    private static partial Regex TokenValue();
}
