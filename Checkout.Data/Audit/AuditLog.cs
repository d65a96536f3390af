using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Checkout.Data.Common;
using Checkout.Data.Persistence;

namespace Checkout.Data.Audit;

/// <summary>
/// The one writer of the audit log (ADR 15). An admin use case records its action on the context it writes with, and
/// the entry is saved by that use case's own <c>SaveChanges</c>, inside its transaction: the action and its entry
/// commit together or not at all. A use case records only once its checks have passed, so a refused action leaves none.
/// </summary>
public static partial class AuditLog
{
    /// <summary>
    /// How the states before and after are written: compact, camel-case, enums by name, a field without a value left out,
    /// and letters of any script as they are (a description in Greek stays readable, and within the column's length).
    /// </summary>
    public static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Adds the entry of <paramref name="action"/> by <paramref name="actor"/> to <paramref name="db"/>, to be saved with
    /// the caller's changes. <paramref name="before"/> and <paramref name="after"/> are the subject's state (any object
    /// that serializes to a JSON object; null for none). An actor that <see cref="CheckActor"/> refuses is a bug of the caller.
    /// </summary>
    public static void Record(
        CheckoutDbContext db, string actor, string action, AuditSubject subject, object? before, object? after, DateTimeOffset at, Guid? requestId = null) =>
        db.AuditEntries.Add(new AuditEntry(at, actor, action, subject, Json(before), Json(after), requestId));

    /// <summary>
    /// As <see cref="Record"/>, for a write unit (ADR 9, 10): the entry is one more statement of the unit, so it stands
    /// or falls with the unit's other writes.
    /// </summary>
    public static Task InsertAsync(
        CheckoutDbContext unit, string actor, string action, AuditSubject subject, object? before, object? after, DateTimeOffset at, Guid? requestId,
        CancellationToken ct) =>
        unit.InsertAsync(new AuditEntry(at, actor, action, subject, Json(before), Json(after), requestId), ct);

    /// <summary>The refusal of an actor a service is given: 1–100 printable characters, as an order's history requires.</summary>
    public static Error? CheckActor(string? actor) =>
        InputRules.IsText(actor, AuditEntry.MaxActorLength, required: true) ? null
            : Error.Validation($"The actor is 1–{AuditEntry.MaxActorLength} printable characters.");

    /// <summary>A dotted name of lower-case words (<c>order.cancelled</c>, <c>product.image.set</c>).</summary>
    public static bool IsActionName(string? action) => IsActionOrItsStart(action) && action!.Contains('.', StringComparison.Ordinal);

    /// <summary>An action's name or its first words (<c>refund</c>, <c>product.image</c>): what the log is filtered by.</summary>
    public static bool IsActionOrItsStart(string? action) => action is { Length: <= AuditEntry.MaxActionLength } && ActionPattern().IsMatch(action);

    private static string? Json(object? state) => state is null ? null : JsonSerializer.Serialize(state, state.GetType(), StateJson);

    [GeneratedRegex("^[a-z][a-z-]*(\\.[a-z][a-z-]*)*$")]
    private static partial Regex ActionPattern();
}
