using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Payments;

namespace Checkout.Data.Orders;

/// <param name="PromoRefused">Set when the checkout went on without the promo code it asked for, and why the code was refused.</param>
public sealed record StartedFlow(CheckoutView Checkout, bool Created, Error? PromoRefused = null);

/// <summary>
/// The checkout's workflow rules, shared by the storefront and the HTTP API so that both answer alike: a start whose
/// session's hold ran out starts a new checkout; starting again after a release keeps what is still in stock and goes
/// on without a promo code that no longer applies; a declined card puts the items on hold again under a new checkout
/// so that another card can be tried at once.
/// </summary>
public sealed class CheckoutFlow(CheckoutService checkouts, CartService carts, PlaceOrderService placeOrders, TimeProvider clock)
{
    /// <summary>Details of a declined payment: the checkout now holding the items for another card, when they could be held again.</summary>
    public const string RetryCheckoutDetail = "retryCheckoutSessionId";

    /// <summary>Details of a declined payment: why the new checkout goes on without the promo code the declined one had.</summary>
    public const string PromoRefusedDetail = "promoRefused";

    /// <summary>
    /// Starts the cart's checkout, or finds its open one (see <see cref="CheckoutService.StartOrFindAsync"/>). A session id
    /// whose hold ran out is given up for a new one. A refused promo code refuses the start, unless
    /// <paramref name="goOnWithoutRefusedPromo"/>: then the items are held without it and <see cref="StartedFlow.PromoRefused"/> says why.
    /// </summary>
    public async Task<Result<StartedFlow>> StartAsync(StartCheckout request, bool goOnWithoutRefusedPromo = false, CancellationToken ct = default)
    {
        var started = await checkouts.StartOrFindAsync(request, ct);
        if (request.CheckoutSessionId is not null && HoldRanOut(started))
        {
            request = request with { CheckoutSessionId = NewSessionId() };
            started = await checkouts.StartOrFindAsync(request, ct);
        }
        Error? promoRefused = null;
        if (!started.IsSuccess && goOnWithoutRefusedPromo && request.PromoCode is not null && started.Error.IsPromoRefusal)
        {
            promoRefused = started.Error;
            started = await checkouts.StartOrFindAsync(request with { PromoCode = null }, ct);
        }
        return started.IsSuccess ? new StartedFlow(started.Value.Checkout, started.Value.Created, promoRefused) : started.Error;
    }

    /// <summary>
    /// After a checkout's hold was released (expired, cancelled, declined): the cart takes every fix the server offers
    /// (current prices, what is left in stock) and what remains is held under a new checkout with the same contact and,
    /// while it still applies, the same promo code. Refused when nothing is left in stock.
    /// </summary>
    public async Task<Result<StartedFlow>> StartAgainAsync(Guid checkoutSessionId, CancellationToken ct = default)
    {
        var ended = await checkouts.GetAsync(checkoutSessionId, ct);
        if (!ended.IsSuccess)
        {
            return ended.Error;
        }
        var session = ended.Value;
        // Started again already (a replay, another tab): the cart's open checkout holds its items; fixing the cart
        // against the stock that checkout holds would take them out of it.
        if (await checkouts.OpenOfCartAsync(session.CartId, ct) is { } open)
        {
            return new StartedFlow(open, Created: false);
        }
        var accepted = await carts.AcceptChangesAsync(session.CartId, ct);
        if (!accepted.IsSuccess)
        {
            return accepted.Error;
        }
        if (accepted.Value.IsEmpty)
        {
            return new Error(ErrorCodes.InvalidCart, "None of your items are in stock any more.");
        }
        return await StartAsync(
            new StartCheckout(session.CartId, session.Email, session.CustomerName, session.PromoCode, NewSessionId(),
                ShippingAddress: session.Delivery?.Address.ToInput(), DeliveryMethodId: session.Delivery?.MethodId), goOnWithoutRefusedPromo: true, ct);
    }

    /// <summary>
    /// Pays the checkout (idempotent, see <see cref="PlaceOrderService.PlaceAsync"/>). A declined card ends the checkout
    /// and releases its items; they are held again at once under a new checkout, named in the declined error's
    /// <see cref="RetryCheckoutDetail"/>, for another card. A replay of the declined payment names the same new checkout.
    /// </summary>
    public async Task<Result<PlacedOrder>> PayAsync(Guid checkoutSessionId, CardDetails card, CancellationToken ct = default)
    {
        var placed = await placeOrders.PlaceAsync(checkoutSessionId, card, ct);
        if (placed.IsSuccess || placed.Error.Code != ErrorCodes.PaymentDeclined)
        {
            return placed;
        }
        var declined = placed.Error;
        var again = await StartAgainAsync(checkoutSessionId, ct);
        if (!again.IsSuccess)
        {
            return declined with { Message = $"{declined.Message} Nothing was charged, but your items could not be reserved again: {again.Error.Message}" };
        }
        var details = new Dictionary<string, object?> { [RetryCheckoutDetail] = again.Value.Checkout.CheckoutSessionId };
        if (again.Value.PromoRefused is { } refused)
        {
            details[PromoRefusedDetail] = refused.Message;
        }
        return declined with
        {
            Message = $"{declined.Message} Nothing was charged. Your items are reserved again — try another card.",
            Details = details,
        };
    }

    /// <summary>The named session's hold ran out: whether the sweeper has expired it yet or not.</summary>
    private static bool HoldRanOut(Result<StartedCheckout> started) =>
        started.IsSuccess ? started.Value.Checkout.Status == CheckoutSessionStatus.Expired : started.Error.Code == ErrorCodes.HoldExpired;

    private Guid NewSessionId() => Guid.CreateVersion7(clock.GetUtcNow());
}
