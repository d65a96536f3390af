using System.Text;
using Checkout.Data.Common;
using Checkout.Data.Webhooks;

namespace Checkout.Web.Api;

/// <summary>
/// Shipment updates in: a fulfillment partner reports an order shipped, delivered or returned. No staff account or key:
/// the request is signed with the secret of the partner's webhook subscription, checked over the exact bytes it sent
/// (<see cref="FulfillmentInbox"/>).
/// </summary>
public static class FulfillmentApi
{
    public static RouteGroupBuilder MapFulfillmentApi(this RouteGroupBuilder api)
    {
        api.MapPost("/fulfillment/events", ReceiveAsync)
            .AllowAnonymous()
            .WithTags(ApiTags.Fulfillment)
            .WithName("ReceiveFulfillmentEvent")
            .WithSummary("Report a shipment update")
            .WithDescription(
                $"A partner's update of an order: `{{ \"id\", \"type\", \"orderId\", \"carrier\", \"trackingNumber\" }}` with type " +
                $"`{FulfillmentInbox.Shipped}` (carrier and tracking number), `{FulfillmentInbox.Delivered}` or `{FulfillmentInbox.ReturnReceived}`. " +
                $"Headers: `{WebhookSignature.SubscriptionHeader}` (the subscription) and `{WebhookSignature.Header}: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"t.body\">` " +
                "with the subscription's secret. A missing, wrong or stale (over 5 minutes) signature is `signature-invalid` (401); an event id " +
                "accepted before is `event-replayed` (409); a move the order's state machine does not allow is `illegal-transition` (409). " +
                "None of them changes anything. An accepted update answers the order after the move.")
            .Accepts<FulfillmentUpdate>("application/json")
            .Produces<OrderResponse>()
            .ProducesProblems(ErrorCodes.SignatureInvalid, ErrorCodes.EventReplayed, ErrorCodes.IllegalTransition, ErrorCodes.NotFound, ErrorCodes.Validation);
        return api;
    }

    /// <summary>The body is read as the partner sent it: the signature covers those bytes, not a re-serialization.</summary>
    private static async Task<IResult> ReceiveAsync(HttpRequest request, FulfillmentInbox inbox, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        var received = await inbox.ReceiveAsync(request.Headers[WebhookSignature.SubscriptionHeader], request.Headers[WebhookSignature.Header], body, ct);
        return StorefrontApi.Respond(received, OrderResponse.From);
    }
}
