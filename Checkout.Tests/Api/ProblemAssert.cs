using System.Net;
using System.Text.Json;

namespace Checkout.Tests.Api;

/// <summary>Checks that an error answer is the contract's problem document: the status, <c>application/problem+json</c>, and a type, title, status and detail.</summary>
public static class ProblemAssert
{
    /// <param name="type">The last segment of the problem type (<c>out-of-stock</c>), or null when only its presence is checked.</param>
    /// <returns>The problem document, for its extensions.</returns>
    public static async Task<JsonElement> IsAsync(HttpResponseMessage response, HttpStatusCode status, string? type)
    {
        var body = await response.Content.ReadAsStringAsync();
        var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
        Assert.True(response.StatusCode == status, $"{request}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{request}: expected application/problem+json, got '{response.Content.Headers.ContentType}': {body}");

        var problem = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.True(problem.TryGetProperty("status", out var statusField) && statusField.ValueKind == JsonValueKind.Number
            && statusField.GetInt32() == (int)status, $"{request}: the problem's status field is not {(int)status}: {body}");
        Assert.False(string.IsNullOrWhiteSpace(Text(problem, "title")), $"{request}: the problem has no title: {body}");
        Assert.False(string.IsNullOrWhiteSpace(Text(problem, "detail")), $"{request}: the problem has no detail: {body}");
        var problemType = Text(problem, "type");
        Assert.False(string.IsNullOrWhiteSpace(problemType), $"{request}: the problem has no type: {body}");
        if (type is not null)
        {
            Assert.True(problemType!.EndsWith("/" + type, StringComparison.Ordinal), $"{request}: expected a type ending /{type}, got '{problemType}': {body}");
        }
        return problem;
    }

    private static string? Text(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
