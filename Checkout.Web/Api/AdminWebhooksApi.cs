using Checkout.Data.Common;
using Checkout.Data.Webhooks;
using Checkout.Web.Components.Admin;
using Checkout.Web.Staff;

namespace Checkout.Web.Api;

/// <param name="Redelivered">How many failed deliveries were made due now.</param>
public sealed record WebhookRedelivery(int Redelivered);

/// <summary>The admin API of webhook subscriptions (<see cref="WebhookAdminService"/>, ADR 16); every route is for admins (the Admin policy).</summary>
public static class AdminWebhooksApi
{
    private const string FieldMessages = "A refusal lists each field's messages in `errors` (`name`, `url`, `events`).";

    public static RouteGroupBuilder MapAdminWebhooksApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);

        admin.MapGet("/webhooks", async (WebhookAdminService service, CancellationToken ct) => await service.ListAsync(ct))
            .WithName("AdminListWebhooks")
            .WithSummary("List webhook subscriptions")
            .WithDescription(
                "Every subscription, oldest first, without its secret: its target, the events it wants, whether it is enabled, " +
                "since when its every attempt failed (`failingSince`) and whether that has lasted long enough to be `flagged` " +
                "(`Checkout:Webhooks:FlagFailingAfter`).");
        admin.MapGet("/webhooks/{subscriptionId:guid}", async (Guid subscriptionId, WebhookAdminService service, CancellationToken ct) =>
                StorefrontApi.Respond(await service.GetAsync(subscriptionId, ct), s => s))
            .WithName("AdminGetWebhook")
            .WithSummary("Read a webhook subscription")
            .WithDescription("The subscription, without its secret.")
            .Produces<WebhookSubscriptionView>().ProducesProblems(ErrorCodes.NotFound);
        admin.MapPost("/webhooks", async (WebhookSubscriptionInput body, WebhookAdminService service, HttpContext http, CancellationToken ct) =>
            {
                var result = await service.CreateAsync(body, AdminActor.Of(http), ct);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/admin/webhooks/{result.Value.Subscription.Id}", result.Value)
                    : Problems.From(result.Error);
            })
            .WithName("AdminCreateWebhook")
            .WithSummary("Create a webhook subscription")
            .WithDescription(
                $"Subscribes a target to events ({string.Join(", ", WebhookEvents.All.Select(e => $"`{e}`"))}) and answers its " +
                "signing `secret`: this once, it is never shown again (rotate it to get a new one). The target is an https URL " +
                "whose host resolves to public addresses only. The subscription starts enabled; `enabled` is ignored here. " +
                FieldMessages)
            .Produces<WebhookSecretView>(StatusCodes.Status201Created).ProducesProblems(ErrorCodes.Validation);
        admin.MapPut("/webhooks/{subscriptionId:guid}",
                async (Guid subscriptionId, WebhookSubscriptionInput body, WebhookAdminService service, HttpContext http, CancellationToken ct) =>
                    StorefrontApi.Respond(await service.ChangeAsync(subscriptionId, body, AdminActor.Of(http), ct), s => s))
            .WithName("AdminUpdateWebhook")
            .WithSummary("Change or disable a webhook subscription")
            .WithDescription(
                "Replaces the name, target and events, and enables or disables the subscription (`enabled`, true when not sent). " +
                "A disabled one is sent nothing; its deliveries wait and resume when it is enabled again. The secret stays. " +
                FieldMessages)
            .Produces<WebhookSubscriptionView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        admin.MapPost("/webhooks/{subscriptionId:guid}/rotate-secret", async (Guid subscriptionId, WebhookAdminService service, HttpContext http, CancellationToken ct) =>
                StorefrontApi.Respond(await service.RotateSecretAsync(subscriptionId, AdminActor.Of(http), ct), s => s))
            .WithName("AdminRotateWebhookSecret")
            .WithSummary("Rotate a webhook subscription's secret")
            .WithDescription(
                "Mints a new signing `secret` and answers it this once. The secret it replaces keeps signing beside it (a second " +
                "`v1=` in `Checkout-Signature`) until `subscription.previousSecretUntil` (`Checkout:Webhooks:RotationOverlap`), " +
                "so the partner can switch without missing an event.")
            .Produces<WebhookSecretView>().ProducesProblems(ErrorCodes.NotFound);
        admin.MapPost("/webhooks/{subscriptionId:guid}/test", async (Guid subscriptionId, WebhookSender sender, CancellationToken ct) =>
                StorefrontApi.Respond(await sender.SendTestAsync(subscriptionId, ct), WebhookAttemptView.Of))
            .WithName("AdminSendWebhookTest")
            .WithSummary("Send a test event to a webhook subscription")
            .WithDescription(
                $"Sends a signed `{WebhookEvents.Test}` event (no order) to the target now, enabled or not, and answers the " +
                "attempt: the status the partner answered (none when it did not answer in time or refused the connection), how " +
                "long it took, the start of its answer and the error. A failed attempt is still a 200 answer: it is what the " +
                "test found. The test is not a delivery: it is neither retried nor in the delivery log.")
            .Produces<WebhookAttemptView>().ProducesProblems(ErrorCodes.NotFound);
        admin.MapGet("/webhooks/{subscriptionId:guid}/deliveries",
                async (Guid subscriptionId, WebhookAdminService service, CancellationToken ct, bool failedOnly = false) =>
                    StorefrontApi.Respond(await service.DeliveriesAsync(subscriptionId, failedOnly, ct), d => d))
            .WithName("AdminListWebhookDeliveries")
            .WithSummary("List a webhook subscription's deliveries")
            .WithDescription(
                $"The subscription's deliveries, newest first (at most {WebhookAdminService.MaxDeliveries}), each with every attempt " +
                "(status, latency in milliseconds, the start of the answer, the error). `failedOnly=true` lists only those not " +
                "delivered whose last attempt failed, dead-lettered ones (`deadAt`) included.")
            .Produces<IReadOnlyList<WebhookDeliveryView>>().ProducesProblems(Problems.BadRequest, ErrorCodes.NotFound);
        admin.MapPost("/webhooks/{subscriptionId:guid}/deliveries/{eventId:guid}/redeliver",
                async (Guid subscriptionId, Guid eventId, WebhookAdminService service, HttpContext http, CancellationToken ct) =>
                    StorefrontApi.Respond(await service.RedeliverAsync(subscriptionId, eventId, AdminActor.Of(http), ct), n => new WebhookRedelivery(n)))
            .WithName("AdminRedeliverWebhookEvent")
            .WithSummary("Redeliver one failed webhook event")
            .WithDescription(
                "Makes the failed delivery of the event to the subscription due now, dead-lettered or not; the sender attempts it " +
                "within moments. One delivered, one being attempted right now, or none at all is `not-found`.")
            .Produces<WebhookRedelivery>().ProducesProblems(ErrorCodes.NotFound);
        admin.MapPost("/webhooks/{subscriptionId:guid}/deliveries/redeliver",
                async (Guid subscriptionId, WebhookAdminService service, HttpContext http, CancellationToken ct) =>
                    StorefrontApi.Respond(await service.RedeliverAsync(subscriptionId, null, AdminActor.Of(http), ct), n => new WebhookRedelivery(n)))
            .WithName("AdminRedeliverFailedWebhooks")
            .WithSummary("Redeliver every failed webhook event of a subscription")
            .WithDescription(
                "Makes every failed delivery of the subscription (waiting for its backoff or dead-lettered) due now and answers " +
                "how many; an order's events still go in sequence.")
            .Produces<WebhookRedelivery>().ProducesProblems(ErrorCodes.NotFound);
        return api;
    }
}
