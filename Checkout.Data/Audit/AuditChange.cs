using System.Text.Json;

namespace Checkout.Data.Audit;

/// <summary>
/// One field an action changed, as a reader sees it: its name and its value before and after, each as compact JSON text
/// (null: the field was not there).
/// </summary>
public sealed record AuditChange(string Field, string? Before, string? After)
{
    /// <summary>
    /// The fields of two JSON objects that differ, in the order the state after names them (then those only the state
    /// before had); a nested object or list is compared whole. Either side may be null: a creation shows every field
    /// it set, a deletion every field it took away.
    /// </summary>
    public static IReadOnlyList<AuditChange> Between(string? before, string? after)
    {
        var old = Fields(before);
        var now = Fields(after);
        var was = old.ToDictionary(f => f.Field, f => f.Value, StringComparer.Ordinal);
        var named = now.Select(f => f.Field).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. now.Where(f => was.GetValueOrDefault(f.Field) != f.Value).Select(f => new AuditChange(f.Field, was.GetValueOrDefault(f.Field), f.Value)),
            .. old.Where(f => !named.Contains(f.Field)).Select(f => new AuditChange(f.Field, f.Value, null)),
        ];
    }

    /// <summary>The top-level fields of a JSON object, each as its compact text, in order; none for null or anything but an object.</summary>
    private static List<(string Field, string Value)> Fields(string? json)
    {
        if (json is null)
        {
            return [];
        }
        using var document = JsonDocument.Parse(json);
        return document.RootElement.ValueKind == JsonValueKind.Object
            ? [.. document.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText()))]
            : [];
    }
}
