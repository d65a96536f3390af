namespace Checkout.Data.Audit;

/// <summary>
/// One admin action as the audit log keeps it: who did what to which subject, when, and the subject's state before and
/// after it, each a compact JSON object (null when there was none: before a creation, after a deletion). Written in the
/// action's own transaction (<see cref="AuditLog"/>), never changed afterwards.
/// </summary>
public sealed class AuditEntry
{
    public const int MaxActorLength = 100;
    public const int MaxActionLength = 64;
    public const int MaxSubjectTypeLength = 32;
    public const int MaxSubjectIdLength = 100;

    /// <summary>The longest state before or after: a product's, with its description of up to 2,000 characters escaped, fits with room to spare.</summary>
    public const int MaxStateLength = 16_000;

    private AuditEntry()
    {
    }

    internal AuditEntry(DateTimeOffset at, string actor, string action, AuditSubject subject, string? before, string? after, Guid? requestId)
    {
        if (AuditLog.CheckActor(actor) is not null)
        {
            throw new ArgumentException($"An audit entry names its actor in 1–{MaxActorLength} printable characters.", nameof(actor));
        }
        if (!AuditLog.IsActionName(action))
        {
            throw new ArgumentException($"'{action}' is not a dotted action name (such as order.cancelled).", nameof(action));
        }
        if (before?.Length > MaxStateLength || after?.Length > MaxStateLength)
        {
            throw new ArgumentException($"An audit entry's states are at most {MaxStateLength} characters of JSON each.");
        }
        Id = Guid.CreateVersion7(at);
        At = at;
        Actor = actor.Trim();
        Action = action;
        SubjectType = subject.Type;
        SubjectId = subject.Id;
        Before = before;
        After = after;
        RequestId = requestId;
    }

    public Guid Id { get; private set; }
    public DateTimeOffset At { get; private set; }

    /// <summary>The admin's name (their e-mail), or <c>api-key</c> for a script.</summary>
    public string Actor { get; private set; } = "";

    /// <summary>A stable dotted name: <c>order.cancelled</c>, <c>refund.created</c>, <c>product.image.set</c>…</summary>
    public string Action { get; private set; } = "";

    public string SubjectType { get; private set; } = "";
    public string SubjectId { get; private set; } = "";
    public string? Before { get; private set; }
    public string? After { get; private set; }

    /// <summary>The request that made it, when it carried an Idempotency-Key.</summary>
    public Guid? RequestId { get; private set; }
}
