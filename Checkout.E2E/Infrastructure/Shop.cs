using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Payments.Simulator;
using Checkout.Data.Waitlist;
using Checkout.Data.Persistence;
using Checkout.Web.Api;
using Checkout.Web.Orders;
using Checkout.Web.Telemetry;
using Checkout.Web.Waitlist;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// The shop behind the browser: arranges what a journey is not about (stock levels, an order to ship) through the app's
/// own services, and reads the facts a page cannot prove (orders and charges) through the admin API.
/// </summary>
public sealed class Shop : IDisposable
{
    public const string Actor = "e2e";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly IServiceProvider _services;
    private readonly HttpClient _adminApi;

    public Shop(IServiceProvider services, Uri baseAddress)
    {
        _services = services;
        var configuration = services.GetRequiredService<IConfiguration>();
        AdminEmail = configuration["Admin:Email"] ?? throw new InvalidOperationException("No Admin:Email in Development configuration.");
        AdminPassword = configuration["Admin:Password"] ?? throw new InvalidOperationException("No Admin:Password in Development configuration.");
        _adminApi = new HttpClient { BaseAddress = baseAddress };
        _adminApi.DefaultRequestHeaders.Add(AdminApiKeyHandler.Header, configuration["Admin:ApiKey"]);
    }

    /// <summary>The checkout a checkout page's address names (<c>?session=…</c>), as the shop stores it.</summary>
    public async Task<CheckoutView> CheckoutOfAsync(string checkoutPageUrl)
    {
        var session = System.Web.HttpUtility.ParseQueryString(new Uri(checkoutPageUrl).Query)["session"]
            ?? throw new InvalidOperationException($"{checkoutPageUrl} names no checkout.");
        var checkout = await Service<CheckoutService>().GetAsync(Guid.Parse(session));
        return checkout.Value ?? throw new InvalidOperationException(checkout.Error?.Message);
    }

    /// <summary>The app's metrics as a Prometheus scraper reads them, with the admin key.</summary>
    public Task<string> MetricsAsync() => _adminApi.GetStringAsync(TelemetrySetup.MetricsPath);

    /// <summary>The door in front of the gateway's authorizations: shut it to keep a payment in flight.</summary>
    public GatedPaymentGateway Gateway => Service<GatedPaymentGateway>();

    /// <summary>The development admin's sign-in (appsettings.Development.json).</summary>
    public string AdminEmail { get; }

    public string AdminPassword { get; }

    private T Service<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Makes exactly <paramref name="available"/> units of <paramref name="sku"/> sellable, by an audited adjustment.</summary>
    public async Task SetAvailableAsync(string sku, int available)
    {
        var inventory = Service<InventoryAdminService>();
        var now = (await inventory.ListAsync()).Single(s => s.Sku == sku).Available;
        if (now != available)
        {
            var adjusted = await inventory.AdjustAsync(sku, available - now, "E2E arrangement", Actor);
            Assert.True(adjusted.IsSuccess, adjusted.Error?.Message);
        }
    }

    public async Task<StockView> StockAsync(string sku) =>
        (await Service<InventoryAdminService>().ListAsync()).Single(s => s.Sku == sku);

    public async Task<ProductView> ProductAsync(string sku) =>
        await ListedAsync(sku) ?? throw new InvalidOperationException($"No product {sku}.");

    /// <summary>The product as the storefront's catalog lists it now; null while it lists no such product.</summary>
    public Task<ProductView?> ListedAsync(string sku) => Service<CatalogService>().FindAsync(sku);

    /// <summary>
    /// The shop reprices a product behind the shopper's back, through the service the admin's product page uses
    /// (journey 17 drives that page itself).
    /// </summary>
    public async Task ChangePriceAsync(string sku, long priceMinor)
    {
        var products = Service<ProductAdminService>();
        var product = (await products.GetAsync(sku)).Value ?? throw new InvalidOperationException($"No product {sku}.");
        var changed = await products.ChangeAsync(
            sku, new ProductInput(product.Name, product.Description, product.Category, priceMinor, product.WeightGrams, product.Hot), AdminEmail);
        if (!changed.IsSuccess)
        {
            throw new InvalidOperationException($"{sku} could not be repriced: {changed.Error.Message}");
        }
    }

    /// <summary>
    /// A confirmed order bought through the services a checkout uses (with <paramref name="promoCode"/> applied, if
    /// given), for journeys that start after the purchase.
    /// </summary>
    public async Task<OrderView> PlaceOrderAsync(string email, string sku, int quantity = 1, string? promoCode = null)
    {
        var carts = Service<CartService>();
        var cartId = await carts.CreateAsync();
        var added = await carts.SetQuantityAsync(cartId, sku, quantity);
        Assert.True(added.IsSuccess, added.Error?.Message);
        var started = await Service<CheckoutService>().StartAsync(new StartCheckout(cartId, email, "E2E Shopper", promoCode, ShippingAddress: TestAddresses.Portland));
        Assert.True(started.IsSuccess, started.Error?.Message);
        var placed = await Service<PlaceOrderService>().PlaceAsync(started.Value!.CheckoutSessionId, Cards.Approved);
        Assert.True(placed.IsSuccess, placed.Error?.Message);
        return placed.Value!.Order;
    }

    /// <summary>The list of <paramref name="email"/>'s orders, as find-my-order e-mails it.</summary>
    public string OrdersLink(string email) => "/" + OrderLookupLinks.ListPath(Service<OrderLookupLinks>().Issue(email).Token);

    /// <summary>
    /// A waitlist offer of <paramref name="sku"/> made to <paramref name="email"/> (another shopper held the last unit,
    /// this one joined the line, the other gave it up) and its claim link, as the offer's e-mail gives it.
    /// </summary>
    public async Task<string> OfferedClaimLinkAsync(string sku, string email)
    {
        await SetAvailableAsync(sku, 1);
        var carts = Service<CartService>();
        var cartId = await carts.CreateAsync();
        Assert.True((await carts.SetQuantityAsync(cartId, sku, 1)).IsSuccess);
        var held = await Service<CheckoutService>().StartAsync(new StartCheckout(cartId, "holder@example.com", "E2E Holder", ShippingAddress: TestAddresses.Portland));
        Assert.True(held.IsSuccess, held.Error?.Message);
        var joined = await Service<WaitlistService>().JoinAsync(sku, email);
        Assert.True(joined.IsSuccess, joined.Error?.Message);
        Assert.True((await Service<CheckoutService>().CancelAsync(held.Value!.CheckoutSessionId)).IsSuccess);
        var entry = await Service<WaitlistService>().GetAsync(joined.Value!.EntryId);
        Assert.Equal(WaitlistStatus.Offered, entry.Value?.Status);
        return "/" + WaitlistLinks.ClaimPath(joined.Value.EntryId, Service<WaitlistLinks>().Issue(joined.Value.EntryId));
    }

    /// <summary>The order's page with a new key, as the shop gives it to the shopper (the confirmation's link).</summary>
    public string OrderLink(OrderView order) => "/" + OrderLinks.OrderPath(order.OrderNumber, Service<OrderLinks>().Issue(order.OrderId));

    /// <summary>The invariants the admin dashboard shows; every one should count 0.</summary>
    public Task<IReadOnlyList<InvariantCheck>> InvariantsAsync() => Service<InvariantsService>().CheckAsync();

    /// <summary>Orders whose email contains <paramref name="email"/>, as the admin API lists them (newest first).</summary>
    public async Task<IReadOnlyList<OrderSummaryResponse>> OrdersAsync(string email)
    {
        var page = await _adminApi.GetFromJsonAsync<OrderPageResponse>(
            $"/api/admin/orders?email={Uri.EscapeDataString(email)}&pageSize=200", Json);
        return page!.Items;
    }

    /// <summary>One order with its payment, through the admin API.</summary>
    public async Task<OrderResponse> OrderAsync(Guid orderId) =>
        (await _adminApi.GetFromJsonAsync<OrderResponse>($"/api/admin/orders/{orderId}", Json))!;

    /// <summary>
    /// Approved captures at the (simulated) gateway for every checkout the shopper with <paramref name="email"/>
    /// started: what their card statement would show, whichever orders exist.
    /// </summary>
    public async Task<int> CapturesForAsync(string email)
    {
        await using var db = await Service<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();
        var sessionIds = await db.CheckoutSessions.AsNoTracking().Where(s => s.Email == email).Select(s => s.Id).ToListAsync();
        // The gateway's idempotency key of an authorization is the checkout session id.
        var gateway = Service<SimulatorLedger>();
        var authorizations = new List<string>();
        foreach (var sessionId in sessionIds)
        {
            if (await gateway.FindAsync(GatewayOperation.KeyOf(GatewayOperationKind.Authorize, sessionId.ToString())) is { Outcome: GatewayOutcome.Approved } authorization)
            {
                authorizations.Add(authorization.TransactionId);
            }
        }
        return (await gateway.WithFollowUpsAsync(authorizations)).Count(o =>
            o.Kind == GatewayOperationKind.Capture && o.Outcome == GatewayOutcome.Approved && o.ParentTransactionId is not null);
    }

    public void Dispose() => _adminApi.Dispose();
}
