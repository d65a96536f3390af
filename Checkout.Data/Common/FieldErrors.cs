using System.Text.Json;
using FluentValidation;

namespace Checkout.Data.Common;

/// <summary>
/// Refusals that say which fields are wrong: the error's <c>errors</c> detail holds each field's messages under the
/// field's JSON name, so that a form shows them on its fields and the API returns them as they are.
/// </summary>
public static class FieldErrors
{
    /// <summary>The input's refusal by <paramref name="rules"/>, its message opening with "Check <paramref name="subject"/>:"; null when the input passes.</summary>
    public static Error? Check<T>(IValidator<T> rules, T input, string subject) =>
        rules.Validate(input).Errors is { Count: > 0 } failures
            ? Refusal(
                ErrorCodes.Validation, $"Check {subject}: {failures[0].ErrorMessage}",
                [.. failures.GroupBy(f => f.PropertyName, f => f.ErrorMessage).Select(g => (g.Key, g.ToArray()))])
            : null;

    /// <summary>An error with the messages of each field, the field named as its property is (<c>PostalCode</c> becomes <c>postalCode</c>).</summary>
    public static Error Refusal(string code, string message, IReadOnlyList<(string Field, string[] Messages)> fields) => new(
        code, message,
        new Dictionary<string, object?>
        {
            ["errors"] = (IReadOnlyDictionary<string, string[]>)fields.ToDictionary(
                f => JsonNamingPolicy.CamelCase.ConvertName(f.Field), f => f.Messages, StringComparer.Ordinal),
        });
}
