using System.Net;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Orders;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Tests.Builders;
using Checkout.Web.Admin;
using Checkout.Web.Api;
using Checkout.Web.Components.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The CSV export of the order grid: RFC 4180 fields that a spreadsheet will not run as formulas, every filtered order
/// across pages, and the endpoint behind the Admin policy with the grid's own query string.
/// </summary>
public class OrdersCsvTests : IAsyncLifetime
{
    private const string AdminKey = "csv-test-key";
    private const string Sku = "CSV";

    private TestShop? _shop;
    private WebApplication? _app;

    private TestShop Shop => _shop ?? throw new InvalidOperationException("The shop is created in InitializeAsync.");

    public async Task InitializeAsync() => _shop = await TestShop.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\r\nlines", "\"two\r\nlines\"")]
    [InlineData("=SUM(A1:A9)", "'=SUM(A1:A9)")]
    [InlineData("+31 6 1234", "'+31 6 1234")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("a=b", "a=b")]
    public void Field_QuotesPerRfc4180_AndDefusesFormulas(string? value, string expected) =>
        Assert.Equal(expected, OrdersCsvEndpoint.Field(value));

    [Fact]
    public async Task Export_WritesEveryFilteredOrder_AcrossPages_InTheGridsOrder()
    {
        var placed = new List<OrderView>();
        for (var i = 0; i < 5; i++)
        {
            placed.Add(await PlaceAsync(i == 2 ? "other@example.com" : "=cmd|'/C!calc'@example.com"));
        }
        using var writer = new StringWriter();

        var written = await OrdersCsvEndpoint.WriteAsync(
            writer, Shop.Get<OrderQueries>(), new OrderListQuery(Email: "cmd", Sort: OrderSort.OldestFirst), Shop.Clock.GetUtcNow(), pageSize: 2);

        Assert.Equal(4, written);
        var lines = writer.ToString().Split("\r\n");
        Assert.Equal(
            "number,created_at_utc,email,total,currency,status,payment,tax,"
            + "ship_to_name,ship_to_address,ship_to_city,ship_to_region,ship_to_postal_code,ship_to_country,delivery_method",
            lines[0]);
        Assert.Equal(
            [.. placed.Where(o => o.Email != "other@example.com").Select(o => o.OrderNumber)],
            lines[1..5].Select(line => line.Split(',')[0]));
        Assert.Equal(
            $"{placed[0].OrderNumber},2026-03-01T12:00:00Z,'=cmd|'/c!calc'@example.com,{Amount(placed[0].TotalMinor)},USD,CONFIRMED,CAPTURED,"
            + "0.00,Sam Shopper,1 Main Street,Portland,OR,97201,US,Standard",
            lines[1]);
        Assert.Equal("", lines[5]);
    }

    [Fact]
    public async Task Export_WritesEachOrdersTaxAndWhereItGoes_WithTheShoppersTextDefused()
    {
        ResultAssert.Success(await Shop.Get<TaxAdminService>().AddAsync(new TaxRateInput("US", "OR", 10m, "Sales tax"), "admin@shop"));
        var order = await PlaceAsync("a@example.com", new ShippingAddressInput("@Sam", "+1 Main Street", "Apt 4, rear", "-Portland", "OR", "97201", "US", null));
        using var writer = new StringWriter();

        await OrdersCsvEndpoint.WriteAsync(writer, Shop.Get<OrderQueries>(), OrderListQuery.None, Shop.Clock.GetUtcNow());

        // 10 % of the 10.00 item and of the 4.99 shipping, each rounded.
        Assert.Equal(150, order.TaxMinor);
        Assert.EndsWith(
            $",{Amount(order.TotalMinor)},USD,CONFIRMED,CAPTURED,1.50,'@Sam,\"'+1 Main Street, Apt 4, rear\",'-Portland,OR,97201,US,Standard",
            writer.ToString().Split("\r\n")[1],
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_LeavesOutOrdersPlacedAfterItStarted()
    {
        var before = await PlaceAsync("a@example.com");
        var asOf = Shop.Clock.GetUtcNow();
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        await PlaceAsync("b@example.com");
        using var writer = new StringWriter();

        var written = await OrdersCsvEndpoint.WriteAsync(writer, Shop.Get<OrderQueries>(), OrderListQuery.None, asOf);

        Assert.Equal(1, written);
        Assert.StartsWith(before.OrderNumber + ",", writer.ToString().Split("\r\n")[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_TakesTheGridsQueryString_AndAnswersWithAFile()
    {
        var shipped = await PlaceAsync("a@example.com");
        await PlaceAsync("b@example.com");
        await Shop.ForceStatusAsync(shipped.OrderId, OrderStatus.Shipped);
        var client = await StartAsync();
        client.DefaultRequestHeaders.Add(AdminApiKeyHandler.Header, AdminKey);

        using var response = await client.GetAsync(OrdersCsvEndpoint.Href(new OrderListQuery(Status: OrderStatus.Shipped)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{shipped.OrderNumber},", lines[1], StringComparison.Ordinal);
        Assert.Contains(",SHIPPED,", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_RefusesAnUnknownFilter()
    {
        var client = await StartAsync();
        client.DefaultRequestHeaders.Add(AdminApiKeyHandler.Header, AdminKey);

        using var response = await client.GetAsync("/admin/orders.csv?status=LOST");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Unknown status", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_NeedsTheAdminPolicy()
    {
        await PlaceAsync("a@example.com");
        var client = await StartAsync();

        using var anonymous = await client.GetAsync(OrdersCsvEndpoint.Path);
        client.DefaultRequestHeaders.Add(AdminApiKeyHandler.Header, "wrong-key");
        using var wrongKey = await client.GetAsync(OrdersCsvEndpoint.Path);

        // A browser without the admin's cookie is sent to sign in; a wrong key is refused outright.
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.DoesNotContain("number,", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
    }

    /// <summary>The endpoint alone on a test server, behind the real Admin policy (the admin key or the Identity cookie).</summary>
    private async Task<HttpClient> StartAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration["Admin:ApiKey"] = AdminKey;
        builder.Services.AddSingleton(Shop.Get<OrderQueries>());
        builder.Services.AddSingleton<TimeProvider>(Shop.Clock);
        builder.Services.AddAdminAuthentication().AddCookie(IdentityConstants.ApplicationScheme);
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapOrdersCsv();
        await _app.StartAsync();
        return _app.GetTestClient();
    }

    private static string Amount(long minor) => (minor / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A confirmed order of one 10.00 item, shipping to <paramref name="address"/> (<see cref="TestAddresses.Portland"/> when null).</summary>
    private async Task<OrderView> PlaceAsync(string email, ShippingAddressInput? address = null)
    {
        if (await Shop.CountAsync(db => db.Products.Where(p => p.Sku == Sku)) == 0)
        {
            await Shop.AddProductAsync(Sku, priceMinor: 1000, stock: 100);
        }
        var cartId = await Shop.CartWithAsync((Sku, 1));
        var checkout = ResultAssert.Success(await Shop.Checkouts.StartAsync(
            new StartCheckout(cartId, email, "Sam Shopper", ShippingAddress: address ?? TestAddresses.Portland)));
        var placed = ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Shop.Clock.Advance(TimeSpan.FromMinutes(1));
        return placed.Order;
    }
}
