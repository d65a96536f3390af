using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Shipping;
using Checkout.Web.Catalog;
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
        api.MapGet("/products", ListProductsAsync).WithName("ListProducts").WithTags(ApiTags.Catalog)
            .WithSummary("List the products")
            .WithDescription(
                "The catalog with the units `available` now, from an in-memory snapshot: for display, possibly a few seconds old " +
                "(`Checkout:CatalogMaxAge`). Starting a checkout is what holds stock. `category` keeps one category; `search` keeps " +
                "the products whose name or SKU contains it, case aside. `image` is the product's picture as the storefront shows " +
                $"it, null without one: `src` ({ProductPictureSource.FallbackWidth} pixels wide), `srcSet` (" +
                $"{string.Join(", ", ProductPictureSource.Widths)} pixels wide, for an `img` element's `srcset`) and `alt`, its text " +
                "alternative. Its addresses answer `image/webp` to anyone and carry the picture's version: a new picture has new ones.")
            .Produces<IEnumerable<ProductResponse>>().ProducesProblems(ErrorCodes.Validation);

        var carts = api.MapGroup("/carts").WithTags(ApiTags.Carts);
        carts.MapPost("/", async (CartService service, HttpContext http, CancellationToken ct) =>
        {
            var cartId = await service.CreateAsync(http.CreatedId(), ct);
            return TypedResults.Created($"/api/carts/{cartId}", new CartCreatedResponse(cartId));
        }).WithName("CreateCart")
            .WithSummary("Create a cart")
            .WithDescription("Creates an empty cart, kept on the server, and answers its id.")
            .Produces<CartCreatedResponse>(StatusCodes.Status201Created);
        carts.MapGet("/{cartId:guid}", async (Guid cartId, CartService service, CancellationToken ct) =>
            Respond(await service.GetAsync(cartId, ct), CartResponse.From)).WithName("GetCart")
            .WithSummary("Read a cart")
            .WithDescription(
                "The cart with every line priced from the catalog and checked for stock. `problems` lists what changed since a " +
                "line was added (a new price, too little or no stock): a price the shopper has not seen is never charged.")
            .Produces<CartResponse>().ProducesProblems(ErrorCodes.NotFound);
        carts.MapPut("/{cartId:guid}/items/{sku}", async (Guid cartId, string sku, SetQuantityRequest body, CartService service, CancellationToken ct) =>
            Respond(await service.SetQuantityAsync(cartId, sku, body.Quantity, ct), CartResponse.From)).WithName("SetCartItem")
            .WithSummary("Set an item's quantity")
            .WithDescription(
                "Sets how many units of the SKU the cart holds (0 removes it) and answers the cart. More than the stock " +
                "available is refused (`out-of-stock`); a cart whose order was placed no longer changes (`cart-closed`): create a new one.")
            .Produces<CartResponse>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.CartClosed, ErrorCodes.OutOfStock);
        carts.MapPost("/{cartId:guid}/accept-changes", async (Guid cartId, CartService service, CancellationToken ct) =>
            Respond(await service.AcceptChangesAsync(cartId, ct), CartResponse.From)).WithName("AcceptCartChanges")
            .WithSummary("Accept the cart's changes")
            .WithDescription(
                "Takes every fix the cart's `problems` offer: the current prices, quantities cut to the stock left, unavailable " +
                "items removed. Answers the cart.")
            .Produces<CartResponse>().ProducesProblems(ErrorCodes.NotFound, ErrorCodes.CartClosed);

        var checkouts = api.MapGroup("/checkouts").WithTags(ApiTags.Checkout);
        // Starting checkout is where a promo code is checked: its limit throttles guessing codes.
        checkouts.MapPost("/", StartCheckoutAsync).WithName("StartCheckout")
            .WithSummary("Start a checkout")
            .WithDescription(
                "Holds every line of the cart (all or nothing) for `Checkout:HoldTtl`, takes a use of the promo code and stores " +
                "a price-locked quote. 201 when this request started the checkout; 200 with the cart's open checkout when there " +
                "is one (a retry, a second tab). `checkoutSessionId` is an optional id the client mints for the checkout; naming " +
                "one whose hold ran out starts a new checkout. `shippingAddress` (and `deliveryMethodId`) may come here or later " +
                "through `PUT …/shipping`; a checkout without one cannot be paid. Limited per client (`RateLimits:Checkout`).")
            .Produces<CheckoutResponse>(StatusCodes.Status201Created).Produces<CheckoutResponse>()
            .ProducesProblems([ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.CartClosed, ErrorCodes.Conflict, ErrorCodes.InvalidCart,
                ErrorCodes.PriceChanged, ErrorCodes.OutOfStock, ErrorCodes.NoDeliveryMethod, ErrorCodes.DeliveryMethodUnavailable, .. ErrorCodes.PromoRefusals])
            .RequireClientLimit(RateLimits.CheckoutPolicy);
        checkouts.MapPut("/{checkoutSessionId:guid}/shipping", async (Guid checkoutSessionId, SetShippingRequest body, CheckoutService service, CancellationToken ct) =>
            Respond(await service.SetShippingAsync(checkoutSessionId, body.ShippingAddress, body.DeliveryMethodId, ct), CheckoutResponse.From))
            .WithName("SetCheckoutShipping")
            .WithSummary("Set where a checkout goes")
            .WithDescription(
                "Sets or changes the shipping address and the delivery method (without `deliveryMethodId`, the cheapest that " +
                "reaches the address) of an open checkout before its payment starts. The lines and discount stay as quoted; " +
                "shipping and tax are priced for the destination. A refused address answers 422 with `errors`: each field's " +
                "messages, keyed `name`, `line1`, `line2`, `city`, `region`, `postalCode`, `country`, `phone`; nothing changes.")
            .Produces<CheckoutResponse>()
            .ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.HoldExpired, ErrorCodes.CheckoutClosed,
                ErrorCodes.NoDeliveryMethod, ErrorCodes.DeliveryMethodUnavailable);
        checkouts.MapGet("/{checkoutSessionId:guid}/delivery-options", async (Guid checkoutSessionId, string? country, CheckoutService service, CancellationToken ct) =>
            country is not { Length: 2 }
                ? Problems.From(Error.Validation("Name the destination's country by its two-letter code, such as US."))
                : Respond(await service.DeliveryOptionsAsync(checkoutSessionId, country, ct), options => options))
            .WithName("ListDeliveryOptions")
            .WithSummary("List the delivery methods to a country")
            .WithDescription(
                "The delivery methods that reach `country` (ISO 3166-1 alpha-2), cheapest first, each priced for this checkout " +
                "(free above its threshold or with a free-shipping code). Empty when the shop does not deliver there.")
            .Produces<IReadOnlyList<DeliveryOption>>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        checkouts.MapGet("/{checkoutSessionId:guid}", async (Guid checkoutSessionId, CheckoutService service, CancellationToken ct) =>
            Respond(await service.GetAsync(checkoutSessionId, ct), CheckoutResponse.From)).WithName("GetCheckout")
            .WithSummary("Read a checkout")
            .WithDescription("The checkout's quote and status, with `holdExpiresAt`: when its hold on the items ends.")
            .Produces<CheckoutResponse>().ProducesProblems(ErrorCodes.NotFound);
        checkouts.MapPost("/{checkoutSessionId:guid}/complete", CompleteCheckoutAsync).WithName("CompleteCheckout")
            .WithSummary("Pay a checkout and place its order")
            .WithDescription(
                "Authorizes and captures the card and confirms the order. Idempotent on the checkout: 201 for the call that " +
                "placed the order, 200 with the same order for every replay, each with an `orderKey` for the order routes. An " +
                "`Idempotency-Key`, when sent, must equal the checkout session id. A declined card (402) names in " +
                "`retryCheckoutSessionId` the new checkout that holds the items again, for another card; 504 means the payment " +
                "provider did not answer: retry, nothing is charged twice. Limited per client (`RateLimits:Payment`).")
            .Produces<PlacedOrderResponse>(StatusCodes.Status201Created).Produces<PlacedOrderResponse>()
            .ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.ShippingAddressRequired, ErrorCodes.PaymentDeclined, ErrorCodes.AlreadyPaid,
                ErrorCodes.CheckoutClosed, ErrorCodes.CartClosed, ErrorCodes.HoldExpired, ErrorCodes.PaymentPending)
            .RequireClientLimit(RateLimits.PaymentPolicy);
        // After a hold was released (expired, cancelled, declined): hold what is still in stock under a new checkout.
        checkouts.MapPost("/{checkoutSessionId:guid}/start-again", StartAgainAsync).WithName("StartCheckoutAgain")
            .WithSummary("Start a checkout again")
            .WithDescription(
                "After the checkout's hold was released (expired, cancelled, declined): the cart takes every fix on offer and " +
                "what is still in stock is held under a new checkout with the same contact and promo code. 201 with the new " +
                "checkout (`promoRefused` says why when the code no longer applies); 200 when the cart's open checkout holds the " +
                "items already; `invalid-cart` when nothing is left. Limited per client (`RateLimits:Checkout`).")
            .Produces<CheckoutResponse>(StatusCodes.Status201Created).Produces<CheckoutResponse>()
            .ProducesProblems(ErrorCodes.NotFound, ErrorCodes.CartClosed, ErrorCodes.InvalidCart, ErrorCodes.PriceChanged, ErrorCodes.OutOfStock)
            .RequireClientLimit(RateLimits.CheckoutPolicy);
        checkouts.MapPost("/{checkoutSessionId:guid}/cancel", async (Guid checkoutSessionId, CheckoutService service, CancellationToken ct) =>
            Respond(await service.CancelAsync(checkoutSessionId, ct), CheckoutResponse.From)).WithName("CancelCheckout")
            .WithSummary("Cancel a checkout")
            .WithDescription("Releases the checkout's hold and its promo use. Once its payment started, a checkout is no longer cancelled here.")
            .Produces<CheckoutResponse>().ProducesProblems(ErrorCodes.NotFound, ErrorCodes.HoldExpired, ErrorCodes.CheckoutClosed);

        // An order id or number is no proof of being its shopper: every order route needs the order's key.
        var orders = api.MapGroup("/orders").WithTags(ApiTags.Orders);
        orders.MapPost("/lookup", LookUpOrdersAsync).WithName("LookUpOrders")
            .WithSummary("Ask for a link to an email's orders")
            .WithDescription(
                "Find my order: when `orderNumber` belongs to `email`, a link to that email's orders, valid for 24 hours, is " +
                "e-mailed to it. Every well-formed request is answered 202 with the same body, whether or not the two belong " +
                "together, and does the same work, so the answer tells nothing about anyone's orders. 422 when a field is not " +
                "shaped like an email or an order number (`errors` keyed `email`, `orderNumber`). Limited per client " +
                "(`RateLimits:Lookup`); an address gets at most `RateLimits:LookupEmails` of these e-mails, whoever asks.")
            .Produces<LookUpOrdersResponse>(StatusCodes.Status202Accepted).ProducesProblems(ErrorCodes.Validation)
            .RequireClientLimit(RateLimits.LookupPolicy);
        orders.MapGet("/mine", ListMyOrdersAsync).WithName("ListMyOrders")
            .WithSummary("List an email's orders")
            .WithDescription(
                $"The orders of the email a find-my-order link was sent to, newest first (the last 50), each with a new key " +
                $"for the order routes. Needs the link's `token` in `{OrderLookupLinks.Header}`; a token that is missing, " +
                "altered or older than 24 hours is refused with 401.")
            .Produces<MyOrdersResponse>().ProducesProblems(Problems.Unauthorized);
        orders.MapGet("/{orderId:guid}", (Guid orderId, [FromHeader(Name = OrderLinks.Header)] string? orderKey, OrderLinks links, OrderService service, CancellationToken ct) =>
            WithOrderKeyAsync(links, orderId, orderKey, () => service.GetAsync(orderId, ct))).WithName("GetOrder")
            .WithSummary("Read an order")
            .WithDescription($"The order with its lines, payment and history. Needs the order's key in `{OrderLinks.Header}`; without it the order is not found.")
            .Produces<OrderResponse>().ProducesProblems(ErrorCodes.NotFound);
        orders.MapPost("/{orderId:guid}/cancel", (Guid orderId, [FromHeader(Name = OrderLinks.Header)] string? orderKey, OrderLinks links, OrderService service, HttpContext http, CancellationToken ct) =>
            WithOrderKeyAsync(links, orderId, orderKey, () => service.CancelAsync(orderId, Shopper(http, "Cancelled by the shopper"), ct))).WithName("CancelOrder")
            .WithSummary("Cancel an order")
            .WithDescription(
                "Cancels the order while its status allows it: its items go back on sale and the payment is voided or refunded. " +
                $"Needs the order's key in `{OrderLinks.Header}`.")
            .ProducesTransition();
        orders.MapPost("/{orderId:guid}/return", (Guid orderId, [FromHeader(Name = OrderLinks.Header)] string? orderKey, OrderLinks links, OrderService service, HttpContext http, CancellationToken ct) =>
            WithOrderKeyAsync(links, orderId, orderKey, () => service.InitiateReturnAsync(orderId, Shopper(http, "Return requested by the shopper"), ct))).WithName("ReturnOrder")
            .WithSummary("Return an order")
            .WithDescription($"Starts the return of a delivered order; the shop refunds it once the goods are back. Needs the order's key in `{OrderLinks.Header}`.")
            .ProducesTransition();
        return api;
    }

    /// <summary>The responses of an order status change: the order, or the state machine's refusal.</summary>
    public static RouteHandlerBuilder ProducesTransition(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces<OrderResponse>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.IllegalTransition, ErrorCodes.Conflict);

    public static IResult Respond<T, TResponse>(Result<T> result, Func<T, TResponse> map)
        where T : notnull =>
        result.IsSuccess ? TypedResults.Ok(map(result.Value)) : Problems.From(result.Error);

    public static async Task<IResult> TransitionAsync(Task<Result<OrderView>> transition) =>
        Respond(await transition, OrderResponse.From);

    /// <summary>The products matching the filters; filters too long to match anything are refused, not searched for.</summary>
    private static async Task<IResult> ListProductsAsync(CatalogService catalog, string? category, string? search, CancellationToken ct)
    {
        if (!InputRules.IsText(category, 50, required: false) || !InputRules.IsText(search, 100, required: false))
        {
            return Problems.From(Error.Validation("A category is at most 50 and a search at most 100 printable characters."));
        }
        return TypedResults.Ok((await catalog.ListAsync(category, search, ct))
            .Select(p => new ProductResponse(p.Sku, p.Name, p.Category, p.PriceMinor, p.Currency, p.Available, ProductPictureSource.Of(p))));
    }

    /// <summary>202 with the same body for every well-formed request, after writing its one lookup message; 422 for a malformed one.</summary>
    private static async Task<IResult> LookUpOrdersAsync(LookUpOrdersRequest body, OrderLookups lookups, HttpContext http, CancellationToken ct)
    {
        var result = await lookups.RequestAsync(new OrderLookupInput(body.Email, body.OrderNumber), http.CreatedId(), ct);
        return result.IsSuccess
            ? TypedResults.Accepted((string?)null, new LookUpOrdersResponse(OrderLookups.Answer))
            : Problems.From(result.Error);
    }

    /// <summary>The orders of the token's email, each with a new key; 401 for a token that opens nothing now.</summary>
    private static async Task<IResult> ListMyOrdersAsync(
        [FromHeader(Name = OrderLookupLinks.Header)] string? token, OrderLookupLinks lookupLinks, OrderLinks links, OrderQueries queries, CancellationToken ct)
    {
        if (lookupLinks.Open(token) is not { } grant)
        {
            return Problems.From(new Error(Problems.Unauthorized, lookupLinks.HasExpired(token)
                ? "This link to your orders has expired: ask for a new one with POST /api/orders/lookup."
                : $"Send the token of a find-my-order link in {OrderLookupLinks.Header}."));
        }
        var orders = await queries.ForEmailAsync(grant.Email, ct);
        return TypedResults.Ok(new MyOrdersResponse(grant.Email, grant.ExpiresAt,
            [.. orders.Select(o => new MyOrderResponse(o.OrderId, o.OrderNumber, o.CreatedAt, o.Status.WireName(), o.TotalMinor, o.Currency, links.Issue(o.OrderId)))]));
    }

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
            new StartCheckout(body.CartId, body.Email, name, body.PromoCode, body.CheckoutSessionId ?? http.CreatedId(),
                ShippingAddress: body.ShippingAddress, DeliveryMethodId: body.DeliveryMethodId), ct: ct));
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
