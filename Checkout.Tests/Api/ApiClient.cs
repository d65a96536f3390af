using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Checkout.Tests.Api;

/// <summary>
/// The HTTP API as a shopper or an admin uses it. Raw methods return the response for tests about status codes;
/// the arranging shortcuts (<see cref="CartWithAsync"/>, <see cref="CheckoutAsync"/>, <see cref="PayAsync"/>) assert
/// the happy answer so that a broken step fails where it breaks, with the body in the message. Like a real client, it
/// keeps the key of every order it placed and sends it with that order's requests.
/// </summary>
public sealed class ApiClient(HttpClient http) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    public const string ShopperEmail = "shopper@example.com";
    public const string OrderKeyHeader = "X-Order-Key";

    private readonly ConcurrentDictionary<Guid, string> _orderKeys = new();

    public HttpClient Http => http;

    public Task<HttpResponseMessage> GetAsync(string path) => http.GetAsync(path);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PutAsync(string path, object body) => http.PutAsJsonAsync(path, body, Json);

    /// <summary>Sends <paramref name="body"/> byte for byte, for malformed JSON and wrong content types.</summary>
    public Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }
        return http.SendAsync(request);
    }

    public async Task<IReadOnlyList<ProductDto>> ProductsAsync() =>
        await ReadAsync<List<ProductDto>>(await GetAsync("/api/products"), HttpStatusCode.OK);

    public async Task<Guid> NewCartAsync() =>
        (await ReadAsync<CartCreatedDto>(await PostAsync("/api/carts"), HttpStatusCode.Created)).CartId;

    public Task<HttpResponseMessage> SetItemAsync(Guid cartId, string sku, int quantity) =>
        PutAsync($"/api/carts/{cartId}/items/{sku}", new { quantity });

    public async Task<Guid> CartWithAsync(params (string Sku, int Quantity)[] lines)
    {
        var cartId = await NewCartAsync();
        foreach (var (sku, quantity) in lines)
        {
            await ReadAsync<CartDto>(await SetItemAsync(cartId, sku, quantity), HttpStatusCode.OK);
        }
        return cartId;
    }

    /// <summary>Starts checkout shipping to <see cref="TestAddresses.Portland"/>, so that the checkout can be paid.</summary>
    public Task<HttpResponseMessage> StartCheckoutAsync(Guid cartId, string email = ShopperEmail, string? promoCode = null, Guid? checkoutSessionId = null) =>
        PostAsync("/api/checkouts", new { cartId, email, promoCode, name = "Sam Shopper", checkoutSessionId, shippingAddress = TestAddresses.PortlandJson });

    public async Task<CheckoutDto> CheckoutAsync(Guid cartId, string email = ShopperEmail, string? promoCode = null) =>
        await ReadAsync<CheckoutDto>(await StartCheckoutAsync(cartId, email, promoCode), HttpStatusCode.Created);

    /// <summary>A cart with the lines and an open checkout for it.</summary>
    public async Task<CheckoutDto> OpenCheckoutAsync(params (string Sku, int Quantity)[] lines) => await CheckoutAsync(await CartWithAsync(lines));

    public Task<HttpResponseMessage> CompleteAsync(Guid checkoutSessionId, TestCard card, string? idempotencyKey = null) =>
        PostAsync($"/api/checkouts/{checkoutSessionId}/complete", card, idempotencyKey);

    public async Task<PlacedDto> PayAsync(Guid checkoutSessionId, TestCard? card = null) =>
        await ReadPlacedAsync(await CompleteAsync(checkoutSessionId, card ?? Cards.Approved), HttpStatusCode.Created);

    /// <summary>Reads the answer of <see cref="CompleteAsync"/> and keeps the order's key for the requests about it.</summary>
    public async Task<PlacedDto> ReadPlacedAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var placed = await ReadAsync<PlacedDto>(response, expected);
        Assert.False(string.IsNullOrWhiteSpace(placed.OrderKey), $"Order {placed.OrderNumber} came without its key.");
        _orderKeys[placed.OrderId] = placed.OrderKey;
        return placed;
    }

    /// <summary>The key this client was given when it placed the order.</summary>
    public string KeyOf(Guid orderId) =>
        _orderKeys.TryGetValue(orderId, out var key) ? key : throw new InvalidOperationException($"This client placed no order {orderId}.");

    /// <summary>A confirmed, paid order for the lines.</summary>
    public async Task<PlacedDto> ConfirmedOrderAsync(params (string Sku, int Quantity)[] lines) =>
        await PayAsync((await OpenCheckoutAsync(lines)).CheckoutSessionId);

    /// <summary>
    /// A request about an order (<paramref name="action"/> null reads it; <c>cancel</c>, <c>return</c>) with
    /// <paramref name="orderKey"/> in the <c>X-Order-Key</c> header, or no header when it is null.
    /// </summary>
    public Task<HttpResponseMessage> SendOrderAsync(Guid orderId, string? action, string? orderKey)
    {
        var request = new HttpRequestMessage(action is null ? HttpMethod.Get : HttpMethod.Post, action is null ? $"/api/orders/{orderId}" : $"/api/orders/{orderId}/{action}");
        if (orderKey is not null)
        {
            request.Headers.Add(OrderKeyHeader, orderKey);
        }
        return http.SendAsync(request);
    }

    /// <summary>Asks to cancel an order this client placed, with its key.</summary>
    public Task<HttpResponseMessage> CancelOrderAsync(Guid orderId) => SendOrderAsync(orderId, "cancel", KeyOf(orderId));

    /// <summary>Asks to return an order this client placed, with its key.</summary>
    public Task<HttpResponseMessage> ReturnOrderAsync(Guid orderId) => SendOrderAsync(orderId, "return", KeyOf(orderId));

    /// <summary>An order this client placed, read with its key.</summary>
    public async Task<OrderDto> OrderAsync(Guid orderId) =>
        await ReadAsync<OrderDto>(await SendOrderAsync(orderId, null, KeyOf(orderId)), HttpStatusCode.OK);

    /// <summary>Asserts the status (showing the body when it differs) and reads the JSON body.</summary>
    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"Empty body: {body}");
    }

    public void Dispose() => http.Dispose();
}

/// <summary>The API's clients of any <see cref="TestApp"/>: a shopper, and an admin with the app's admin key.</summary>
public static class ApiClients
{
    /// <summary>A client that talks to the shop as a shopper.</summary>
    public static ApiClient Shopper(this TestApp app) => new(app.CreateClient());

    /// <summary>A client that sends the app's admin key on every request.</summary>
    public static ApiClient Admin(this TestApp app)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", app.Options.AdminKey ?? throw new InvalidOperationException("This app was given no admin key."));
        return new ApiClient(client);
    }
}

public sealed record ProductDto(string Sku, string Name, string Category, long PriceMinor, string Currency, int Available);

public sealed record CartCreatedDto(Guid CartId);

public sealed record LineDto(string Sku, string Name, int Quantity, long UnitPriceMinor, long LineTotalMinor);

public sealed record CartProblemDto(string Kind, string Sku, string Message, long? WasMinor, long? NowMinor, int? Available);

public sealed record CartDto(Guid CartId, IReadOnlyList<LineDto> Lines, long SubtotalMinor, string Currency, IReadOnlyList<CartProblemDto> Problems);

public sealed record CheckoutDto(
    Guid CheckoutSessionId, string Status, DateTimeOffset HoldExpiresAt, IReadOnlyList<LineDto> Lines, long SubtotalMinor,
    long DiscountMinor, long ShippingMinor, long TotalMinor, string Currency, string? PromoCode);

public sealed record PlacedDto(Guid OrderId, string OrderNumber, string Status, string OrderKey);

public sealed record PaymentDto(string Status, long AmountMinor, long CapturedMinor, long RefundedMinor, string CardBrand, string CardLast4);

public sealed record HistoryDto(string? From, string To, DateTimeOffset At, string Actor, string? Reason);

public sealed record OrderDto(
    Guid OrderId, string OrderNumber, string Status, long SubtotalMinor, long DiscountMinor, long ShippingMinor, long TotalMinor,
    string Currency, IReadOnlyList<LineDto> Lines, PaymentDto? Payment, IReadOnlyList<HistoryDto> History);

public sealed record AdminOrderRow(
    Guid OrderId, string OrderNumber, DateTimeOffset CreatedAt, string Email, long TotalMinor, string Currency, string Status, string PaymentStatus);

public sealed record AdminOrderPage(IReadOnlyList<AdminOrderRow> Items, int Page, int PageSize, int Total);

public sealed record StockDto(string Sku, int Available, int Reserved, int Sold);
