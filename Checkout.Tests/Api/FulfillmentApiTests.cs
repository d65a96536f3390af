using System.Net;
using System.Text;
using System.Text.Json;
using Checkout.Data.Webhooks;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Api;

/// <summary>
/// <c>POST /api/fulfillment/events</c> over HTTP: a shipment update signed with the subscription's secret moves the
/// order; a forged or stale signature is 401, a move the order cannot make and a replayed event id are 409, all
/// problem+json and none changing the order. The inbox's own rules are <see cref="Webhooks.WebhookTests"/>'.
/// </summary>
public sealed class FulfillmentApiTests
{
    [Fact]
    public async Task ASignedShipment_MovesTheOrder_WhileForgedStaleIllegalAndReplayedOnesAreProblemsThatChangeNothing()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 1));
        // The partner wants no event this test makes, so nothing is sent to its (unreachable) address meanwhile.
        var subscription = ResultAssert.Success(await api.Get<WebhookAdminService>().CreateAsync(
            new WebhookSubscriptionInput("Warehouse", "https://93.184.215.14/hook", [WebhookEvents.OrderReturned]), "admin@example.com"));
        using var http = api.CreateClient();
        var now = api.Clock.GetUtcNow();
        Task<HttpResponseMessage> SendAsync(object update, DateTimeOffset signedAt, string secret)
        {
            var body = JsonSerializer.Serialize(update);
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/fulfillment/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add(WebhookSignature.SubscriptionHeader, subscription.Subscription.Id.ToString());
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(body, signedAt, [secret]));
            return http.SendAsync(request);
        }
        var shipped = new { id = "evt-1", type = "shipped", orderId = placed.OrderId, carrier = "UPS", trackingNumber = "1Z999" };

        await ProblemAssert.IsAsync(await SendAsync(shipped, now, "whsec_forged"), HttpStatusCode.Unauthorized, "signature-invalid");
        await ProblemAssert.IsAsync(await SendAsync(shipped, now - TimeSpan.FromMinutes(6), subscription.Secret), HttpStatusCode.Unauthorized, "signature-invalid");
        await ProblemAssert.IsAsync(
            await SendAsync(new { id = "evt-0", type = "return_received", orderId = placed.OrderId }, now, subscription.Secret), HttpStatusCode.Conflict, "illegal-transition");
        Assert.Equal("CONFIRMED", (await shopper.OrderAsync(placed.OrderId)).Status);

        var moved = await ApiClient.ReadAsync<OrderDto>(await SendAsync(shipped, now, subscription.Secret), HttpStatusCode.OK);
        await ProblemAssert.IsAsync(await SendAsync(shipped, now, subscription.Secret), HttpStatusCode.Conflict, "event-replayed");

        Assert.Equal("SHIPPED", moved.Status);
        var order = await shopper.OrderAsync(placed.OrderId);
        Assert.Equal("SHIPPED", order.Status);
        Assert.Equal(["SHIPPED"], order.History.Where(h => h.Actor == "partner:Warehouse").Select(h => h.To));
    }
}
