using System.Text.Json;
using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Web.Staff;

namespace Checkout.Web.Api;

/// <summary>The admin API of the audit log; every route requires the Admin policy.</summary>
public static class AdminAuditApi
{
    public static RouteGroupBuilder MapAdminAuditApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);

        admin.MapGet("/audit", ListAsync)
            .WithName("AdminListAuditEntries")
            .WithSummary("List audit log entries")
            .WithDescription(
                "The admin actions the audit log recorded (who, what, when, the subject's state before and after), newest first, " +
                $"a page at a time (`page` from 1, `pageSize` up to {AuditQueries.MaxPageSize}). Filters: `actor` (exactly), " +
                "`action` (an action or its first words: `refund` finds `refund.created`), `subjectType` with optionally " +
                $"`subjectId` (one of {string.Join(", ", AuditSubject.Types)}; an order's id, a promo code, a SKU…), and the " +
                "period `from` (inclusive) to `to` (exclusive).")
            .Produces<AuditPageResponse>().ProducesProblems(ErrorCodes.Validation);
        return api;
    }

    private static async Task<IResult> ListAsync(
        AuditQueries queries, string? actor, string? action, string? subjectType, string? subjectId, DateTimeOffset? from, DateTimeOffset? to,
        CancellationToken ct, int page = 1, int pageSize = AuditQueries.DefaultPageSize) =>
        StorefrontApi.Respond(
            await queries.ListAsync(new AuditFilter(actor, action, subjectType, subjectId, from, to, page, pageSize), ct),
            p => new AuditPageResponse([.. p.Items.Select(AuditEntryResponse.From)], p.Page, p.PageSize, p.Total));
}

/// <summary>One admin action as the audit log recorded it.</summary>
/// <param name="Before">The subject's state before the action (a JSON object); null before a creation.</param>
/// <param name="After">The subject's state after it; null after a deletion.</param>
/// <param name="Changes">The fields the action changed, each value as compact JSON text (null: the field was not there).</param>
public sealed record AuditEntryResponse(
    Guid Id, DateTimeOffset At, string Actor, string Action, string SubjectType, string SubjectId, JsonElement? Before, JsonElement? After,
    Guid? RequestId, IReadOnlyList<AuditChange> Changes)
{
    public static AuditEntryResponse From(AuditEntryView e) => new(
        e.Id, e.At, e.Actor, e.Action, e.SubjectType, e.SubjectId, Parse(e.Before), Parse(e.After), e.RequestId, e.Changes);

    private static JsonElement? Parse(string? json) => json is null ? null : JsonElement.Parse(json);
}

public sealed record AuditPageResponse(IReadOnlyList<AuditEntryResponse> Items, int Page, int PageSize, int Total);
