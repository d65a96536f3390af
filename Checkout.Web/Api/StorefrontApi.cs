using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Web.Orders;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Checkout.Web.Api;

/// <summary>The shopper's API: thin over the same services the Razor components use.</summary>
public static class StorefrontApi
{
    public static RouteGroupBuilder MapStorefrontApi(this RouteGroupBuilder api)
    {
        api.MapGet("/products", async (CatalogService catalog, string? category, string? search, CancellationToken ct) =>
            (await catalog.ListAsync(category, search, ct))
                .Select(p => new ProductResponse(p.Sku, p.Name, p.Category, p.PriceMinor, p.Currency, p.Available)))
            .WithName("ListProducts").Produces<IEnumerable<ProductResponse>>();

        var carts = api.MapGroup("/carts").WithTags("Carts");
        carts.MapPost("/", async (CartService service, HttpContext http, CancellationToken ct) =>
        {
            var cartId = await service.CreateAsync(http.CreatedId(), ct);
            return TypedResults.Created($"/api/carts/{cartId}", new CartCreatedResponse(cartId));
        }).WithName("CreateCart").Produces<CartCreatedResponse>(StatusCodes.Status201Created);
        carts.MapGet("/{cartId:guid}", async (Guid cartId, CartService service, CancellationToken ct) =>
            Respond(await service.GetAsync(cartId, ct), CartResponse.From)).WithName("GetCart").Produces<CartResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        carts.MapPut("/{cartId:guid}/items/{sku}", async (Guid cartId, string sku, SetQuantityRequest body, CartService service, CancellationToken ct) =>
            Respond(await service.SetQuantityAsync(cartId, sku, body.Quantity, ct), CartResponse.From)).WithName("SetCartItem")
            .Produces<CartResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        carts.MapPost("/{cartId:guid}/accept-changes", async (Guid cartId, CartService service, CancellationToken ct) =>
            Respond(await service.AcceptChangesAsync(cartId, ct), CartResponse.From)).WithName("AcceptCartChanges").Produces<CartResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        var checkouts = api.MapGroup("/checkouts").WithTags("Checkout");
        // Starting checkout is where a promo code is checked: its limit throttles guessing codes.
        checkouts.MapPost("/", StartCheckoutAsync).WithName("StartCheckout")
            .Produces<CheckoutResponse>(StatusCodes.Status201Created).Produces<CheckoutResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).RequireRateLimiting(RateLimits.CheckoutPolicy);
        checkouts.MapGet("/{checkoutSessionId:guid}", async (Guid checkoutSessionId, CheckoutService service, CancellationToken ct) =>
            Respond(await service.GetAsync(checkoutSessionId, ct), CheckoutResponse.From)).WithName("GetCheckout").Produces<CheckoutResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        checkouts.MapPost("/{checkoutSessionId:guid}/complete", CompleteCheckoutAsync).WithName("CompleteCheckout")
            .Produces<PlacedOrderResponse>(StatusCodes.Status201Created).Produces<PlacedOrderResponse>()
            .ProducesProblem(StatusCodes.Status402PaymentRequired).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status410Gone).ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).RequireRateLimiting(RateLimits.PaymentPolicy);
        // After a hold was released (expired, cancelled, declined): hold what is still in stock under a new checkout.
        checkouts.MapPost("/{checkoutSessionId:guid}/start-again", StartAgainAsync).WithName("StartCheckoutAgain")
            .Produces<CheckoutResponse>(StatusCodes.Status201Created).Produces<CheckoutResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).RequireRateLimiting(RateLimits.CheckoutPolicy);
        checkouts.MapPost("/{checkoutSessionId:guid}/cancel", async (Guid checkoutSessionId, CheckoutService service, CancellationToken ct) =>
            Respond(await service.CancelAsync(checkoutSessionId, ct), CheckoutResponse.From)).WithName("CancelCheckout").Produces<CheckoutResponse>().ProducesProblem(StatusCodes.Status404NotFound);

        // An order id or number is no proof of being its shopper: every order route needs the order's key.
        var orders = api.MapGroup("/orders").WithTags("Orders").WithDescription(
            $"Needs the order's key, the orderKey of the response that placed it, in the {OrderLinks.Header} header. " +
            "A missing, wrong or other order's key gets the same 404 problem as an unknown order, and changes nothing.");
        orders.MapGet("/{orderId:guid}", (Guid orderId, [FromHeader(Name = OrderLinks.Header)] string? orderKey, OrderLinks links, OrderService service, CancellationToken ct) =>
            WithOrderKeyAsync(links, orderId, orderKey, () => service.GetAsync(orderId, ct))).WithName("GetOrder").Produces<OrderResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        orders.MapPost("/{orderId:guid}/cancel", (Guid orderId, [FromHeader(Name = OrderLinks.Header)] string? orderKey, OrderLinks links, OrderService service, HttpContext http, CancellationToken ct) =>
            WithOrderKeyAsync(links, orderId, orderKey, () => service.CancelAsync(orderId, Shopper(http, "Cancelled by the shopper"), ct))).WithName("CancelOrder").ProducesTransition();
        orders.MapPost("/{orderId:guid}/return", (Guid orderId, [FromHeader(Name = OrderLinks.Header)] string? orderKey, OrderLinks links, OrderService service, HttpContext http, CancellationToken ct) =>
            WithOrderKeyAsync(links, orderId, orderKey, () => service.InitiateReturnAsync(orderId, Shopper(http, "Return requested by the shopper"), ct))).WithName("ReturnOrder").ProducesTransition();
        return api;
    }

    /// <summary>The responses of an order status change: the order, or the state machine's refusal.</summary>
    public static RouteHandlerBuilder ProducesTransition(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<OrderResponse>().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    public static IResult Respond<T, TResponse>(Result<T> result, Func<T, TResponse> map)
        where T : notnull =>
        result.IsSuccess ? TypedResults.Ok(map(result.Value)) : Problems.From(result.Error);

    public static async Task<IResult> TransitionAsync(Task<Result<OrderView>> transition) =>
        Respond(await transition, OrderResponse.From);

    private static TransitionRequest Shopper(HttpContext http, string reason) => new("shopper", reason, RequestId: http.CreatedId());

    /// <summary>
    /// Runs <paramref name="action"/> only for the holder of the order's key. Anyone else gets the answer for an
    /// unknown order before the database is asked, so a guessed or shared id tells nothing, not even that it exists.
    /// </summary>
    private static async Task<IResult> WithOrderKeyAsync(OrderLinks links, Guid orderId, string? orderKey, Func<Task<Result<OrderView>>> action) =>
        links.Opens(orderId, orderKey) ? Respond(await action(), OrderResponse.From) : Problems.From(Error.NotFound("The order"));

    /// <summary>
    /// 201 for the start that made the checkout; 200 with the cart's open checkout for every other start of the cart. A
    /// start naming a session whose hold ran out starts a new checkout.
    /// </summary>
    private static async Task<IResult> StartCheckoutAsync(StartCheckoutRequest body, CheckoutFlow flow, HttpContext http, CancellationToken ct)
    {
        if (body.Email is null || body.Email.Length > 254)
        {
            return Problems.From(Error.Validation("Enter a valid email address."));
        }
        var name = string.IsNullOrWhiteSpace(body.Name) ? body.Email.Split('@')[0] : body.Name;
        return Started(await flow.StartAsync(
            new StartCheckout(body.CartId, body.Email, name, body.PromoCode, body.CheckoutSessionId ?? http.CreatedId()), ct: ct));
    }

    /// <summary>201 with the new checkout holding what is still in stock; 200 when the cart's open checkout already does.</summary>
    private static async Task<IResult> StartAgainAsync(Guid checkoutSessionId, CheckoutFlow flow, CancellationToken ct) =>
        Started(await flow.StartAgainAsync(checkoutSessionId, ct));

    private static IResult Started(Result<StartedFlow> result)
    {
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }
        var started = result.Value;
        return started.Created
            ? TypedResults.Created($"/api/checkouts/{started.Checkout.CheckoutSessionId}", CheckoutResponse.From(started))
            : TypedResults.Ok(CheckoutResponse.From(started));
    }

    /// <summary>
    /// Idempotent on the session: 201 for the call that placed the order, 200 with the same order for every replay.
    /// Each answer carries a new key for the order (any of them opens it). A declined card answers 402 naming the new
    /// checkout that holds the items again (<c>retryCheckoutSessionId</c>) for another card.
    /// </summary>
    private static async Task<IResult> CompleteCheckoutAsync(
        Guid checkoutSessionId, CompleteCheckoutRequest body, HttpRequest request, CheckoutFlow flow, OrderLinks links, CancellationToken ct)
    {
        if (request.Headers.TryGetValue(IdempotencyKeys.Header, out var key)
            && (key.Count != 1 || !Guid.TryParse(key[0], out var keyId) || keyId != checkoutSessionId))
        {
            return Problems.From(Error.Validation($"The {IdempotencyKeys.Header} header must equal the checkout session id."));
        }
        if (body.CardNumber is not { Length: <= 30 } || body.Expiry is not { Length: <= 10 } || body.Cvc is not { Length: <= 10 })
        {
            return Problems.From(Error.Validation("Card number, expiry (MM/YY) and security code are required."));
        }
        var result = await flow.PayAsync(checkoutSessionId, new CardDetails(body.CardNumber, body.Expiry, body.Cvc), ct);
        if (!result.IsSuccess)
        {
            return Problems.From(result.Error);
        }
        var order = result.Value.Order;
        var response = new PlacedOrderResponse(order.OrderId, order.OrderNumber, order.Status.WireName(), links.Issue(order.OrderId));
        return result.Value.Replayed
            ? TypedResults.Ok(response)
            : TypedResults.Created($"/api/orders/{order.OrderId}", response);
    }
}
