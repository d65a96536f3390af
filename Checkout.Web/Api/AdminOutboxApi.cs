using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Web.Staff;
using Checkout.Web.Components.Admin;

namespace Checkout.Web.Api;

/// <summary>The admin API of outbox deliveries that failed; every route is for admins (the Admin policy).</summary>
public static class AdminOutboxApi
{
    public static RouteGroupBuilder MapAdminOutboxApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin/outbox").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);

        admin.MapGet("/deliveries", ListAsync)
            .WithName("AdminListOutboxDeliveries")
            .WithSummary("List failing and dead-lettered outbox deliveries")
            .WithDescription(
                "Deliveries of outbox messages to a consumer (such as `fulfillment`) that failed and are not delivered yet, oldest " +
                $"message first, at most {OutboxAdminService.MaxRows}. `state=failing` lists those retried after their backoff, " +
                "`state=dead` those dead-lettered (failing for longer than `Checkout:Outbox:DeadLetterAfter`); without it, both.")
            .Produces<IReadOnlyList<OutboxDeliveryView>>().ProducesProblems(ErrorCodes.Validation);
        admin.MapPost("/deliveries/{messageId:guid}/{consumer}/retry",
            async (Guid messageId, string consumer, OutboxAdminService service, HttpContext http, CancellationToken ct) =>
                StorefrontApi.Respond(await service.RetryNowAsync(messageId, consumer, AdminActor.Of(http), ct), d => d))
            .WithName("AdminRetryOutboxDelivery")
            .WithSummary("Retry an outbox delivery now")
            .WithDescription(
                "Makes the message's delivery to the consumer due now, dead-lettered or not; the next dispatcher pass attempts it. " +
                "A delivery already made, or one that does not exist, is `not-found`.")
            .Produces<OutboxDeliveryView>().ProducesProblems(ErrorCodes.NotFound);
        return api;
    }

    private static async Task<IResult> ListAsync(OutboxAdminService service, string? state, CancellationToken ct)
    {
        OutboxDeliveryState? filter = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (!Enum.TryParse<OutboxDeliveryState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Problems.From(Error.Validation("Unknown state; use failing or dead."));
            }
            filter = parsed;
        }
        return TypedResults.Ok(await service.ListAsync(filter, ct));
    }
}
