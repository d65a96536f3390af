using System.Net;
using System.Text;
using System.Text.Json;
using Checkout.Data.Payments;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Api;

/// <summary>A shop with one confirmed order, shared by the admin tests that must change nothing.</summary>
public sealed class AdminShop : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public ApiClient Admin { get; private set; } = null!;
    public Guid OrderId { get; private set; }

    public async Task InitializeAsync()
    {
        Admin = Api.Admin();
        using var shopper = Api.Shopper();
        OrderId = (await shopper.ConfirmedOrderAsync(("GEAR-TOTE", 1))).OrderId;
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Api.DisposeAsync();
    }
}

public class AdminApiTests(AdminShop shop) : IClassFixture<AdminShop>
{
    private const string ValidPromo = """{"code":"NEWCODE","kind":"Percentage","value":10}""";

    /// <summary>Every admin route, with a body that would succeed if the caller were let in.</summary>
    public static TheoryData<string, string, string?, string?> RoutesWithoutAValidKey()
    {
        (string Method, string Path, string? Body)[] routes =
        [
            ("GET", "/api/admin/orders?page=1&pageSize=20&status=CONFIRMED", null),
            ("GET", "/api/admin/orders/{order}", null),
            ("POST", "/api/admin/orders/{order}/ship", """{"trackingNumber":"1Z999"}"""),
            ("POST", "/api/admin/orders/{order}/deliver", null),
            ("POST", "/api/admin/orders/{order}/complete-return", null),
            ("POST", "/api/admin/orders/{order}/cancel", null),
            ("POST", "/api/admin/orders/{order}/refund", null),
            ("POST", "/api/admin/orders/{order}/refunds", """{"amountMinor":100,"reason":"Goodwill"}"""),
            ("GET", "/api/admin/orders/{order}/refunds", null),
            ("GET", "/api/admin/promos", null),
            ("POST", "/api/admin/promos", ValidPromo),
            ("PUT", "/api/admin/promos/WELCOME10", """{"code":"WELCOME10","kind":"Percentage","value":90}"""),
            ("POST", "/api/admin/promos/WELCOME10/disable", null),
            ("GET", "/api/admin/inventory", null),
            ("POST", "/api/admin/inventory/COF-ESPRESSO/restock", """{"quantity":5,"reason":"delivery"}"""),
        ];
        // "dev-admin-key" is the key appsettings.Development.json ships; the configured key must replace it.
        string?[] keys = [null, "", "wrong-key", "TEST-ADMIN-KEY", "dev-admin-key"];
        var data = new TheoryData<string, string, string?, string?>();
        foreach (var (method, path, body) in routes)
        {
            foreach (var key in keys)
            {
                data.Add(method, path, body, key);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RoutesWithoutAValidKey))]
    public async Task AdminRoute_WithoutTheRightKey_Is401ProblemAndChangesNothing(string method, string path, string? body, string? key)
    {
        var before = await shop.Api.SnapshotAsync();
        using var client = shop.Api.CreateClient();
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{order}", shop.OrderId.ToString(), StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        var response = await client.SendAsync(request);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, null);
        await shop.Api.AssertUnchangedAsync(before, $"{method} {path} with key '{key}'");
    }

    [Theory]
    [InlineData("percentage 0", """{"code":"BADPCT","kind":"Percentage","value":0}""")]
    [InlineData("percentage 101", """{"code":"BADPCT","kind":"Percentage","value":101}""")]
    [InlineData("fixed amount 0", """{"code":"BADFIX","kind":"FixedAmount","value":0}""")]
    [InlineData("fixed amount negative", """{"code":"BADFIX","kind":"FixedAmount","value":-500}""")]
    [InlineData("ends when it starts", """{"code":"BADDATE","kind":"Percentage","value":10,"startsAt":"2026-04-01T00:00:00Z","endsAt":"2026-04-01T00:00:00Z"}""")]
    [InlineData("ends before it starts", """{"code":"BADDATE","kind":"Percentage","value":10,"startsAt":"2026-04-01T00:00:00Z","endsAt":"2026-03-01T00:00:00Z"}""")]
    [InlineData("usage limit 0", """{"code":"BADLIMIT","kind":"Percentage","value":10,"usageLimit":0}""")]
    [InlineData("per-customer limit 0", """{"code":"BADLIMIT","kind":"Percentage","value":10,"perCustomerLimit":0}""")]
    [InlineData("code too short", """{"code":"AB","kind":"Percentage","value":10}""")]
    [InlineData("code with spaces and punctuation", """{"code":"BAD CODE!","kind":"Percentage","value":10}""")]
    [InlineData("code missing", """{"kind":"Percentage","value":10}""")]
    public async Task CreatePromo_WithInvalidTerms_Is422AndCreatesNothing(string because, string body)
    {
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Admin.SendRawAsync(HttpMethod.Post, "/api/admin/promos", body);

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        await shop.Api.AssertUnchangedAsync(before, because);
    }

    [Theory]
    [InlineData("unknown kind", "POST", "/api/admin/promos", """{"code":"BADKIND","kind":"Bogus","value":10}""", 400, null)]
    [InlineData("malformed JSON", "POST", "/api/admin/promos", """{"code":""", 400, null)]
    [InlineData("duplicate code", "POST", "/api/admin/promos", """{"code":"welcome10","kind":"Percentage","value":10}""", 409, null)]
    [InlineData("update of an unknown code", "PUT", "/api/admin/promos/NOSUCHCODE", """{"code":"NOSUCHCODE","kind":"Percentage","value":10}""", 404, "not-found")]
    [InlineData("update with an invalid percentage", "PUT", "/api/admin/promos/WELCOME10", """{"code":"WELCOME10","kind":"Percentage","value":0}""", 422, "validation")]
    [InlineData("disable an unknown code", "POST", "/api/admin/promos/NOSUCHCODE/disable", null, 404, "not-found")]
    [InlineData("restock 0", "POST", "/api/admin/inventory/COF-ESPRESSO/restock", """{"quantity":0,"reason":"delivery"}""", 422, "validation")]
    [InlineData("restock negative", "POST", "/api/admin/inventory/COF-ESPRESSO/restock", """{"quantity":-5,"reason":"delivery"}""", 422, "validation")]
    [InlineData("restock 100001", "POST", "/api/admin/inventory/COF-ESPRESSO/restock", """{"quantity":100001,"reason":"delivery"}""", 422, "validation")]
    [InlineData("restock without a reason", "POST", "/api/admin/inventory/COF-ESPRESSO/restock", """{"quantity":5}""", 422, "validation")]
    [InlineData("restock with a blank reason", "POST", "/api/admin/inventory/COF-ESPRESSO/restock", """{"quantity":5,"reason":"  "}""", 422, "validation")]
    [InlineData("restock quantity as text", "POST", "/api/admin/inventory/COF-ESPRESSO/restock", """{"quantity":"abc","reason":"delivery"}""", 400, null)]
    [InlineData("restock an unknown SKU", "POST", "/api/admin/inventory/NO-SUCH-SKU/restock", """{"quantity":5,"reason":"delivery"}""", 404, "not-found")]
    [InlineData("ship without tracking number", "POST", "/api/admin/orders/{order}/ship", "{}", 422, "validation")]
    [InlineData("deliver before shipping", "POST", "/api/admin/orders/{order}/deliver", null, 409, "illegal-transition")]
    [InlineData("complete a return never started", "POST", "/api/admin/orders/{order}/complete-return", null, 409, "illegal-transition")]
    [InlineData("refund a confirmed order", "POST", "/api/admin/orders/{order}/refund", null, 409, "illegal-transition")]
    [InlineData("refund both an amount and lines", "POST", "/api/admin/orders/{order}/refunds", """{"amountMinor":100,"lines":[{"sku":"GEAR-TOTE","quantity":1}],"reason":"x"}""", 422, "validation")]
    [InlineData("refund neither an amount nor lines", "POST", "/api/admin/orders/{order}/refunds", """{"reason":"Goodwill"}""", 422, "validation")]
    [InlineData("refund an amount of 0", "POST", "/api/admin/orders/{order}/refunds", """{"amountMinor":0,"reason":"Goodwill"}""", 422, "validation")]
    [InlineData("refund more than captured", "POST", "/api/admin/orders/{order}/refunds", """{"amountMinor":100000000,"reason":"Goodwill"}""", 422, "validation")]
    [InlineData("refund an unknown SKU", "POST", "/api/admin/orders/{order}/refunds", """{"lines":[{"sku":"NO-SUCH","quantity":1}],"reason":"Goodwill"}""", 422, "validation")]
    [InlineData("refund more units than bought", "POST", "/api/admin/orders/{order}/refunds", """{"lines":[{"sku":"GEAR-TOTE","quantity":2}],"reason":"Goodwill"}""", 422, "validation")]
    [InlineData("refund without a reason", "POST", "/api/admin/orders/{order}/refunds", """{"amountMinor":100}""", 422, "validation")]
    [InlineData("refund an unknown order", "POST", "/api/admin/orders/00000000-0000-0000-0000-000000000001/refunds", """{"amountMinor":100,"reason":"Goodwill"}""", 404, "not-found")]
    [InlineData("list the refunds of an unknown order", "GET", "/api/admin/orders/00000000-0000-0000-0000-000000000001/refunds", null, 404, "not-found")]
    [InlineData("ship an unknown order", "POST", "/api/admin/orders/00000000-0000-0000-0000-000000000001/ship", """{"trackingNumber":"1Z999"}""", 404, "not-found")]
    [InlineData("list with an unknown status", "GET", "/api/admin/orders?status=LOST", null, 422, "validation")]
    [InlineData("list page 0", "GET", "/api/admin/orders?page=0", null, 422, "validation")]
    [InlineData("list page size 100000", "GET", "/api/admin/orders?pageSize=100000", null, 422, "validation")]
    [InlineData("list page as text", "GET", "/api/admin/orders?page=abc", null, 400, null)]
    public async Task AdminRequest_ThatIsInvalidOrNotAllowedNow_IsRefusedAndChangesNothing(
        string because, string method, string path, string? body, int status, string? type)
    {
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Admin.SendRawAsync(new HttpMethod(method), path.Replace("{order}", shop.OrderId.ToString(), StringComparison.Ordinal), body);

        await ProblemAssert.IsAsync(response, (HttpStatusCode)status, type);
        await shop.Api.AssertUnchangedAsync(before, because);
    }

    [Fact]
    public async Task Fulfillment_ShipDeliverReturnAndCompleteReturn_EndsReturnedWithMoneyAndStockBack()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("COF-GRINDER", 1));
        var orderPath = $"/api/admin/orders/{placed.OrderId}";

        var shipped = await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"{orderPath}/ship", new { trackingNumber = "1Z999AA10123456784" }), HttpStatusCode.OK);
        Assert.Equal("SHIPPED", shipped.Status);
        await using (var db = await api.DbAsync())
        {
            Assert.Equal("1Z999AA10123456784", db.Orders.Single(o => o.Id == placed.OrderId).TrackingNumber);
        }
        await ProblemAssert.IsAsync(await shopper.CancelOrderAsync(placed.OrderId), HttpStatusCode.Conflict, "illegal-transition");
        await ProblemAssert.IsAsync(await shopper.ReturnOrderAsync(placed.OrderId), HttpStatusCode.Conflict, "illegal-transition");

        Assert.Equal("DELIVERED", (await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"{orderPath}/deliver"), HttpStatusCode.OK)).Status);
        Assert.Equal("RETURN_INITIATED", (await ApiClient.ReadAsync<OrderDto>(await shopper.ReturnOrderAsync(placed.OrderId), HttpStatusCode.OK)).Status);
        Assert.Equal((2, 0, 1), await api.StockAsync("COF-GRINDER"));
        var returned = await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"{orderPath}/complete-return"), HttpStatusCode.OK);

        Assert.Equal("RETURNED", returned.Status);
        // 8900 plus 499 shipping.
        Assert.Equal(new PaymentDto("REFUNDED", 9399, 9399, 9399, "Visa", "4242"), returned.Payment);
        Assert.Equal(
            ["PENDING", "PAYMENT_AUTHORIZED", "CONFIRMED", "SHIPPED", "DELIVERED", "RETURN_INITIATED", "RETURNED"],
            returned.History.Select(h => h.To));
        Assert.Equal((3, 0, 0), await api.StockAsync("COF-GRINDER"));
        var reread = await shopper.OrderAsync(placed.OrderId);
        Assert.Equal((returned.Status, returned.Payment, returned.History.Count), (reread.Status, reread.Payment, reread.History.Count));
        await ProblemAssert.IsAsync(await admin.PostAsync($"{orderPath}/refund"), HttpStatusCode.Conflict, null);
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Refund));
    }

    [Fact]
    public async Task AdminCancel_OfAConfirmedOrder_RefundsAndRestocksAndCannotBeShippedAfter()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 2));

        var cancelled = await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/cancel"), HttpStatusCode.OK);

        Assert.Equal("CANCELLED", cancelled.Status);
        Assert.Equal("REFUNDED", cancelled.Payment?.Status);
        Assert.Equal((2, 0, 0), await api.StockAsync("TEA-MATCHA"));
        await ProblemAssert.IsAsync(
            await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/ship", new { trackingNumber = "1Z999" }), HttpStatusCode.Conflict, "illegal-transition");
    }

    [Fact]
    public async Task ListOrders_FiltersByStatusAndPages()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var first = await shopper.ConfirmedOrderAsync(("GEAR-MUG", 1));
        var second = await shopper.ConfirmedOrderAsync(("GEAR-MUG", 2));
        var third = await shopper.ConfirmedOrderAsync(("GEAR-MUG", 3));
        await ApiClient.ReadAsync<OrderDto>(await shopper.CancelOrderAsync(second.OrderId), HttpStatusCode.OK);

        var page1 = await ApiClient.ReadAsync<AdminOrderPage>(await admin.GetAsync("/api/admin/orders?page=1&pageSize=1&status=CONFIRMED"), HttpStatusCode.OK);
        var page2 = await ApiClient.ReadAsync<AdminOrderPage>(await admin.GetAsync("/api/admin/orders?page=2&pageSize=1&status=CONFIRMED"), HttpStatusCode.OK);
        var cancelled = await ApiClient.ReadAsync<AdminOrderPage>(await admin.GetAsync("/api/admin/orders?status=CANCELLED"), HttpStatusCode.OK);

        Assert.Equal((1, 1, 2), (page1.Page, page1.PageSize, page1.Total));
        Assert.Equal((2, 1, 2), (page2.Page, page2.PageSize, page2.Total));
        Assert.Equal(
            new[] { first.OrderId, third.OrderId }.Order(),
            page1.Items.Concat(page2.Items).Select(o => o.OrderId).Order());
        var row = Assert.Single(page1.Items.Concat(page2.Items), o => o.OrderId == first.OrderId);
        // 1490 plus 499 shipping.
        Assert.Equal(
            new AdminOrderRow(first.OrderId, first.OrderNumber, ApiFactory.Start, ApiClient.ShopperEmail, 1989, "USD", "CONFIRMED", "CAPTURED"),
            row);
        var cancelledRow = Assert.Single(cancelled.Items);
        Assert.Equal((second.OrderId, "CANCELLED", "REFUNDED"), (cancelledRow.OrderId, cancelledRow.Status, cancelledRow.PaymentStatus));
        Assert.Equal(1, cancelled.Total);
    }

    [Fact]
    public async Task Promo_CreatedUpdatedAndDisabled_ChangesWhatCheckoutGives()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var cartId = await shopper.CartWithAsync(("COF-FILTER", 2));

        var created = await admin.PostAsync("/api/admin/promos", new { code = "api15", kind = "Percentage", value = 15 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(15 * 2580 / 100, (await shopper.CheckoutAsync(cartId, promoCode: "API15")).DiscountMinor);

        var updated = await admin.PutAsync("/api/admin/promos/API15", new { code = "API15", kind = "FixedAmount", value = 700 });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        // A new cart: the first cart's open checkout keeps the quote it was started with.
        cartId = await shopper.CartWithAsync(("COF-FILTER", 2));
        Assert.Equal(700, (await shopper.CheckoutAsync(cartId, promoCode: "API15")).DiscountMinor);

        var disabled = await admin.PostAsync("/api/admin/promos/API15/disable");
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        cartId = await shopper.CartWithAsync(("COF-FILTER", 2));
        var before = await api.SnapshotAsync();
        await ProblemAssert.IsAsync(await shopper.StartCheckoutAsync(cartId, promoCode: "API15"), HttpStatusCode.UnprocessableEntity, "promo-inactive");
        await api.AssertUnchangedAsync(before, "Checkout with a disabled promo");

        var listed = JsonSerializer.Deserialize<JsonElement>(await (await admin.GetAsync("/api/admin/promos")).Content.ReadAsStringAsync());
        var promo = Assert.Single(listed.EnumerateArray(), p => p.GetProperty("code").GetString() == "API15");
        Assert.Equal(("FixedAmount", 700, false, 2),
            (promo.GetProperty("kind").GetString(), promo.GetProperty("value").GetInt64(), promo.GetProperty("enabled").GetBoolean(), promo.GetProperty("used").GetInt32()));
    }

    [Fact]
    public async Task Promo_WithAPerCustomerLimitOf1_RefusesTheSameEmailASecondTimeButNotAnother()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/admin/promos", new { code = "ONEEACH", kind = "FixedAmount", value = 100, perCustomerLimit = 1 })).StatusCode);
        await shopper.CheckoutAsync(await shopper.CartWithAsync(("GEAR-MUG", 1)), email: "sam@example.com", promoCode: "ONEEACH");
        var secondCart = await shopper.CartWithAsync(("GEAR-MUG", 1));
        var before = await api.SnapshotAsync();

        var again = await shopper.StartCheckoutAsync(secondCart, email: "SAM@example.com", promoCode: "ONEEACH");

        await ProblemAssert.IsAsync(again, HttpStatusCode.UnprocessableEntity, "promo-customer-limit-reached");
        await api.AssertUnchangedAsync(before, "A second checkout by the same customer");
        Assert.Equal(100, (await shopper.CheckoutAsync(secondCart, email: "alex@example.com", promoCode: "ONEEACH")).DiscountMinor);
    }

    [Fact]
    public async Task Restock_AddsAvailableUnitsThatShoppersCanThenBuy()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();

        var response = await admin.PostAsync("/api/admin/inventory/GEAR-FLASK/restock", new { quantity = 4, reason = "Supplier delivery" });

        Assert.Equal(new StockDto("GEAR-FLASK", 5, 0, 0), await ApiClient.ReadAsync<StockDto>(response, HttpStatusCode.OK));
        Assert.Equal(5, (await shopper.ProductsAsync()).Single(p => p.Sku == "GEAR-FLASK").Available);
        Assert.Equal(5, (await ApiClient.ReadAsync<CartDto>(await shopper.SetItemAsync(await shopper.NewCartAsync(), "GEAR-FLASK", 5), HttpStatusCode.OK)).Lines.Single().Quantity);
    }
}
