using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Audit;

/// <summary>Which entries of the audit log to show, and which page of them.</summary>
/// <param name="Actor">Exactly this admin (their e-mail, or <c>api-key</c>).</param>
/// <param name="Action">An action or the start of one: <c>refund</c> finds <c>refund.created</c>, <c>product.image</c> every picture change.</param>
/// <param name="SubjectType">One kind of subject (<see cref="AuditSubject.Types"/>).</param>
/// <param name="SubjectId">One subject of that kind; only with <paramref name="SubjectType"/>.</param>
/// <param name="From">From this moment on, inclusive.</param>
/// <param name="To">Before this moment, exclusive.</param>
/// <param name="Page">From 1.</param>
public sealed record AuditFilter(
    string? Actor = null, string? Action = null, string? SubjectType = null, string? SubjectId = null,
    DateTimeOffset? From = null, DateTimeOffset? To = null, int Page = 1, int PageSize = AuditQueries.DefaultPageSize);

/// <summary>One entry as the page and the API show it, with the fields its action changed.</summary>
public sealed record AuditEntryView(
    Guid Id, DateTimeOffset At, string Actor, string Action, string SubjectType, string SubjectId, string? Before, string? After,
    Guid? RequestId, IReadOnlyList<AuditChange> Changes);

/// <summary>A page of entries, newest first, and how many entries match in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, int Page, int PageSize, int Total);

/// <summary>Reads the audit log for the admin page and the API.</summary>
public sealed class AuditQueries(IDbContextFactory<CheckoutDbContext> dbFactory)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>
    /// The entries that match every filter given, newest first (entries of one moment by id, so that pages never
    /// overlap), one page of them; a filter that cannot be read is refused field by field and reads nothing.
    /// </summary>
    public async Task<Result<AuditPage>> ListAsync(AuditFilter filter, CancellationToken ct = default)
    {
        if (Check(filter) is { } refused)
        {
            return refused;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entries = db.AuditEntries.AsNoTracking();
        if (Given(filter.Actor) is { } actor)
        {
            entries = entries.Where(e => e.Actor == actor);
        }
        if (Given(filter.Action) is { } action)
        {
            entries = entries.Where(e => e.Action == action || e.Action.StartsWith(action + "."));
        }
        if (Given(filter.SubjectType) is { } subjectType)
        {
            entries = entries.Where(e => e.SubjectType == subjectType);
        }
        if (Given(filter.SubjectId) is { } subjectId)
        {
            entries = entries.Where(e => e.SubjectId == subjectId);
        }
        if (filter.From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }
        if (filter.To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }
        var total = await entries.CountAsync(ct);
        var page = await entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(ct);
        return new AuditPage([.. page.Select(View)], filter.Page, filter.PageSize, total);
    }

    /// <summary>The refusal of a filter, with each field's messages under <c>errors</c>; null when it can be read.</summary>
    public static Error? Check(AuditFilter filter)
    {
        var errors = new List<(string Field, string[] Messages)>();
        if (!InputRules.IsText(filter.Actor, AuditEntry.MaxActorLength, required: false))
        {
            errors.Add(("actor", [$"An actor is at most {AuditEntry.MaxActorLength} printable characters."]));
        }
        if (Given(filter.Action) is { } action && !AuditLog.IsActionOrItsStart(action))
        {
            errors.Add(("action", ["An action is written as the log writes it: lower-case words joined by dots, such as refund or order.cancelled."]));
        }
        if (Given(filter.SubjectType) is { } type && !AuditSubject.Types.Contains(type))
        {
            errors.Add(("subjectType", [$"A subject type is one of {string.Join(", ", AuditSubject.Types)}."]));
        }
        if (Given(filter.SubjectId) is not null && Given(filter.SubjectType) is null)
        {
            errors.Add(("subjectId", ["Name the subject's type with its id."]));
        }
        else if (!InputRules.IsText(filter.SubjectId, AuditEntry.MaxSubjectIdLength, required: false))
        {
            errors.Add(("subjectId", [$"A subject id is at most {AuditEntry.MaxSubjectIdLength} printable characters."]));
        }
        if (filter is { From: { } from, To: { } to } && from >= to)
        {
            errors.Add(("to", ["The end of the period comes after its start."]));
        }
        if (filter.Page < 1 || (long)filter.Page * filter.PageSize > int.MaxValue)
        {
            errors.Add(("page", ["Pages start at 1 and end with the log."]));
        }
        if (filter.PageSize is < 1 or > MaxPageSize)
        {
            errors.Add(("pageSize", [$"A page holds 1–{MaxPageSize} entries."]));
        }
        return errors.Count == 0 ? null : FieldErrors.Refusal(ErrorCodes.Validation, $"Check the filter: {errors[0].Messages[0]}", errors);
    }

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static AuditEntryView View(AuditEntry e) =>
        new(e.Id, e.At, e.Actor, e.Action, e.SubjectType, e.SubjectId, e.Before, e.After, e.RequestId, AuditChange.Between(e.Before, e.After));
}
