using System.Net;
using System.Text.Json;
using Checkout.Data.Payments;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Api;

public class HappyPathTests
{
    [Fact]
    public async Task Shopper_BrowsesBuysWithPromoReplaysAndCancels_GetsOneConfirmedOrderThenAllMoneyAndStockBack()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();

        var products = await shopper.ProductsAsync();
        Assert.Equal(13, products.Count);
        Assert.Contains(new ProductDto("COF-ESPRESSO", "Espresso Beans 1 kg", "Coffee", 2490, "USD", 40), products);

        var created = await shopper.PostAsync("/api/carts");
        var cartId = (await ApiClient.ReadAsync<CartCreatedDto>(created, HttpStatusCode.Created)).CartId;
        Assert.Equal($"/api/carts/{cartId}", created.Headers.Location?.OriginalString);
        var empty = await ApiClient.ReadAsync<CartDto>(await shopper.GetAsync(created.Headers.Location!.OriginalString), HttpStatusCode.OK);
        Assert.Equal((cartId, 0, 0L), (empty.CartId, empty.Lines.Count, empty.SubtotalMinor));

        await ApiClient.ReadAsync<CartDto>(await shopper.SetItemAsync(cartId, "COF-ESPRESSO", 2), HttpStatusCode.OK);
        var cart = await ApiClient.ReadAsync<CartDto>(await shopper.SetItemAsync(cartId, "TEA-SENCHA", 1), HttpStatusCode.OK);
        Assert.Equal(
            [new LineDto("COF-ESPRESSO", "Espresso Beans 1 kg", 2, 2490, 4980), new LineDto("TEA-SENCHA", "Sencha Green Tea", 1, 1590, 1590)],
            cart.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal));
        Assert.Equal((6570L, "USD"), (cart.SubtotalMinor, cart.Currency));
        Assert.Empty(cart.Problems);

        var checkout = await shopper.CheckoutAsync(cartId, promoCode: "welcome10");
        Assert.Equal("OPEN", checkout.Status);
        Assert.Equal("WELCOME10", checkout.PromoCode);
        // 10 % of 6570 is 657; 5913 is below the free-shipping threshold, so 499 shipping.
        Assert.Equal((6570L, 657L, 499L, 6412L), (checkout.SubtotalMinor, checkout.DiscountMinor, checkout.ShippingMinor, checkout.TotalMinor));
        Assert.Equal(ApiFactory.Start + api.HoldTtl, checkout.HoldExpiresAt);
        Assert.Equal((38, 2, 0), await api.StockAsync("COF-ESPRESSO"));

        var completed = await shopper.CompleteAsync(checkout.CheckoutSessionId, Cards.Approved);
        var placed = await shopper.ReadPlacedAsync(completed, HttpStatusCode.Created);
        Assert.Equal("CONFIRMED", placed.Status);
        Assert.Matches("^CK-[A-Z2-9]{10}$", placed.OrderNumber);

        var order = await shopper.OrderAsync(placed.OrderId);
        Assert.Equal((placed.OrderNumber, "CONFIRMED", 6412L, 657L), (order.OrderNumber, order.Status, order.TotalMinor, order.DiscountMinor));
        Assert.Equal(new PaymentDto("CAPTURED", 6412, 6412, 0, "Visa", "4242"), order.Payment);
        Assert.Equal(
            [(null, "PENDING"), ("PENDING", "PAYMENT_AUTHORIZED"), ("PAYMENT_AUTHORIZED", "CONFIRMED")],
            order.History.Select(h => (h.From, h.To)));
        Assert.Equal((38, 0, 2), await api.StockAsync("COF-ESPRESSO"));

        var replay = await shopper.ReadPlacedAsync(await shopper.CompleteAsync(checkout.CheckoutSessionId, Cards.Approved), HttpStatusCode.OK);
        Assert.Equal(placed with { OrderKey = replay.OrderKey }, replay);
        // Every answer carries a new key for the same order: the first still opens it, and the cancel below uses the replay's.
        Assert.NotEqual(placed.OrderKey, replay.OrderKey);
        Assert.Equal(placed.OrderId, (await ApiClient.ReadAsync<OrderDto>(await shopper.SendOrderAsync(placed.OrderId, null, placed.OrderKey), HttpStatusCode.OK)).OrderId);

        var cancelled = await ApiClient.ReadAsync<OrderDto>(await shopper.CancelOrderAsync(placed.OrderId), HttpStatusCode.OK);
        Assert.Equal("CANCELLED", cancelled.Status);
        Assert.Equal(new PaymentDto("REFUNDED", 6412, 6412, 6412, "Visa", "4242"), cancelled.Payment);
        Assert.Equal(("CONFIRMED", "CANCELLED"), (cancelled.History[^1].From, cancelled.History[^1].To));
        Assert.Equal((40, 0, 0), await api.StockAsync("COF-ESPRESSO"));
        Assert.Equal((35, 0, 0), await api.StockAsync("TEA-SENCHA"));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Refund));
    }

    [Fact]
    public async Task Cart_RemovingALineWithQuantityZero_LeavesTheOtherLines()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("GEAR-MUG", 2), ("TEA-EARLGREY", 1));

        var cart = await ApiClient.ReadAsync<CartDto>(await shopper.SetItemAsync(cartId, "GEAR-MUG", 0), HttpStatusCode.OK);

        Assert.Equal([new LineDto("TEA-EARLGREY", "Earl Grey Tin", 1, 990, 990)], cart.Lines);
        Assert.Equal(990, cart.SubtotalMinor);
        Assert.Equal(cart.Lines, (await ApiClient.ReadAsync<CartDto>(await shopper.GetAsync($"/api/carts/{cartId}"), HttpStatusCode.OK)).Lines);
    }

    [Fact]
    public async Task Cart_AfterAPriceChange_ShowsTheProblemAndCheckoutIsRefusedWithPriceChanged()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("GEAR-MUG", 1));
        await api.SetPriceAsync("GEAR-MUG", 1790);

        var cart = await ApiClient.ReadAsync<CartDto>(await shopper.GetAsync($"/api/carts/{cartId}"), HttpStatusCode.OK);
        var problem = Assert.Single(cart.Problems);
        Assert.Equal(("GEAR-MUG", 1490L, 1790L), (problem.Sku, problem.WasMinor, problem.NowMinor));
        Assert.False(string.IsNullOrWhiteSpace(problem.Kind));
        var before = await api.SnapshotAsync();

        await ProblemAssert.IsAsync(await shopper.StartCheckoutAsync(cartId), HttpStatusCode.Conflict, "price-changed");

        await api.AssertUnchangedAsync(before, "Checkout after a price change");
    }

    [Fact]
    public async Task Healthz_WhenTheDatabaseAnswers_IsOk()
    {
        await using var api = new ApiFactory();
        using var client = api.Shopper();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_ListsEveryApiArea()
    {
        await using var api = new ApiFactory();
        using var client = api.Shopper();

        var response = await client.GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/products", paths);
        Assert.Contains("/api/carts", paths.Select(p => p.TrimEnd('/')));
        Assert.Contains("/api/checkouts", paths.Select(p => p.TrimEnd('/')));
        Assert.Contains(paths, p => p.StartsWith("/api/checkouts/{", StringComparison.Ordinal) && p.EndsWith("/complete", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.StartsWith("/api/orders/{", StringComparison.Ordinal) && p.EndsWith("/cancel", StringComparison.Ordinal));
        Assert.Contains("/api/admin/orders", paths);
        Assert.Contains("/api/admin/promos", paths);
        Assert.Contains(paths, p => p.StartsWith("/api/admin/inventory/{", StringComparison.Ordinal) && p.EndsWith("/restock", StringComparison.Ordinal));
    }
}
