using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Api;

/// <summary>The app's OpenAPI document as a client generator reads it, and the API routes the app really serves.</summary>
public sealed partial class OpenApiShop : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public JsonElement Document { get; private set; }
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every API route the app serves, by method and path as the document writes it (<c>{cartId:guid}</c> → <c>{cartId}</c>).</summary>
    public IReadOnlyList<(string Method, string Path, Endpoint Endpoint)> Routes { get; private set; } = [];

    public async Task InitializeAsync()
    {
        using var client = Api.CreateClient();
        BaseAddress = client.BaseAddress!;
        var response = await client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        Document = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync());
        Routes =
        [
            .. Api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
                .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                    .Select(m => (m.ToLowerInvariant(), Constraint().Replace(e.RoutePattern.RawText!, "{$1}").TrimEnd('/'), (Endpoint)e))),
        ];
    }

    public JsonElement Operation(string method, string path) =>
        Document.GetProperty("paths").TryGetProperty(path, out var item) && item.TryGetProperty(method, out var operation)
            ? operation
            : throw new Xunit.Sdk.XunitException($"The document has no operation {method.ToUpperInvariant()} {path}.");

    public JsonElement OperationById(string operationId) =>
        Document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject())
            .Select(o => o.Value)
            .SingleOrDefault(o => o.TryGetProperty("operationId", out var id) && id.GetString() == operationId) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new Xunit.Sdk.XunitException($"The document has no operation {operationId}.");

    public async Task DisposeAsync() => await Api.DisposeAsync();

    [GeneratedRegex(@"\{(\w+):[^}]*\}")]
    private static partial Regex Constraint();
}

/// <summary>
/// The OpenAPI document is a contract a client generator can trust: every API route is an operation with a summary, a
/// description and a described tag; it declares the security it needs (an admin's key or cookie, the order's key, or
/// explicitly none); every error it may answer is a problem response naming its types; the mutating routes take an
/// <c>Idempotency-Key</c> and mark replayed replies. <c>scripts/openapi-lint.sh</c> holds the same document to the
/// linters' rulesets.
/// </summary>
public partial class OpenApiDocumentTests(OpenApiShop shop) : IClassFixture<OpenApiShop>
{
    [Fact]
    public void EveryApiRoute_IsAnOperation_WithASummaryADescriptionAndADescribedTag()
    {
        Assert.Contains(shop.Routes, r => r is ("post", "/api/checkouts/{checkoutSessionId}/complete", _));
        Assert.Contains(shop.Routes, r => r is ("get", "/api/admin/inventory", _));
        var tags = shop.Document.GetProperty("tags").EnumerateArray()
            .ToDictionary(t => t.GetProperty("name").GetString()!, t => Text(t, "description"));

        Assert.All(shop.Routes, route =>
        {
            var operation = shop.Operation(route.Method, route.Path);
            var name = $"{route.Method.ToUpperInvariant()} {route.Path}";
            Assert.False(string.IsNullOrWhiteSpace(Text(operation, "summary")), $"{name} has no summary.");
            Assert.False(string.IsNullOrWhiteSpace(Text(operation, "description")), $"{name} has no description.");
            var operationTags = operation.TryGetProperty("tags", out var t) ? t.EnumerateArray().Select(x => x.GetString()!).ToList() : [];
            Assert.True(operationTags.Count > 0, $"{name} has no tag.");
            Assert.All(operationTags, tag => Assert.False(string.IsNullOrWhiteSpace(tags.GetValueOrDefault(tag)), $"{name}: the tag {tag} is not described."));
        });
    }

    [Fact]
    public void EveryOperation_NeedsAnAdminsKeyOrCookie_TheOrdersKey_ALookupToken_OrExplicitlyNothing()
    {
        Assert.Contains(shop.Routes, r => r.Path.StartsWith("/api/orders/", StringComparison.Ordinal));
        Assert.All(shop.Routes, route =>
        {
            var operation = shop.Operation(route.Method, route.Path);
            var name = $"{route.Method.ToUpperInvariant()} {route.Path}";
            Assert.True(operation.TryGetProperty("security", out var security), $"{name} declares no security, not even none.");
            var alternatives = security.EnumerateArray().Select(r => string.Join("+", r.EnumerateObject().Select(s => s.Name))).ToList();
            string[] expected = route.Endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null ? ["AdminKey", "AdminCookie"]
                : route.Path == "/api/orders/lookup" ? []
                : route.Path == "/api/orders/mine" ? ["LookupToken"]
                : route.Path.StartsWith("/api/orders/", StringComparison.Ordinal) ? ["OrderKey"]
                : [];
            Assert.True(expected.SequenceEqual(alternatives), $"{name} needs [{string.Join(", ", alternatives)}], not [{string.Join(", ", expected)}].");
        });
    }

    [Fact]
    public void TheSecuritySchemes_AreTheAdminKeyHeader_TheAdminCookie_TheOrderKeyHeader_AndTheLookupTokenHeader()
    {
        var schemes = shop.Document.GetProperty("components").GetProperty("securitySchemes");

        Assert.Equal(("apiKey", "header", "X-Admin-Key"), Scheme(schemes, "AdminKey"));
        Assert.Equal(("apiKey", "cookie", ".Checkout.Admin"), Scheme(schemes, "AdminCookie"));
        Assert.Equal(("apiKey", "header", "X-Order-Key"), Scheme(schemes, "OrderKey"));
        Assert.Equal(("apiKey", "header", "X-Lookup-Token"), Scheme(schemes, "LookupToken"));
        Assert.All(schemes.EnumerateObject(), s => Assert.False(string.IsNullOrWhiteSpace(Text(s.Value, "description")), $"The scheme {s.Name} is not described."));
    }

    [Fact]
    public void EveryOperation_AnswersA4xx_AndEveryErrorResponseIsAProblemNamingItsTypes()
    {
        Assert.All(shop.Routes, route =>
        {
            var name = $"{route.Method.ToUpperInvariant()} {route.Path}";
            var errors = shop.Operation(route.Method, route.Path).GetProperty("responses").EnumerateObject().Where(r => int.Parse(r.Name) >= 400).ToList();
            Assert.True(errors.Any(r => r.Name.StartsWith('4')), $"{name} declares no 4xx answer.");
            Assert.All(errors, response =>
            {
                Assert.True(response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out var problem)
                    && Text(problem.GetProperty("schema"), "$ref") == "#/components/schemas/ProblemDetails", $"{name} {response.Name} is not a problem.");
                Assert.True(TypesOf(response.Value).Count > 0, $"{name} {response.Name} names no problem type: '{Text(response.Value, "description")}'.");
            });
        });
        var problemDetails = shop.Document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails");
        Assert.True(problemDetails.GetProperty("properties").TryGetProperty("code", out _), "Problems do not declare their code member.");
    }

    [Theory]
    [InlineData("ListProducts", 422, "validation")]
    [InlineData("ListProducts", 503, "busy")]
    [InlineData("ListProducts", 503, "service-unavailable")]
    [InlineData("SetCartItem", 409, "out-of-stock")]
    [InlineData("SetCartItem", 400, "bad-request")]
    [InlineData("SetCartItem", 413, "payload-too-large")]
    [InlineData("SetCartItem", 415, "unsupported-media-type")]
    [InlineData("StartCheckout", 422, "promo-expired")]
    [InlineData("StartCheckout", 429, "rate-limited")]
    [InlineData("CompleteCheckout", 402, "payment-declined")]
    [InlineData("CompleteCheckout", 409, "already-paid")]
    [InlineData("CompleteCheckout", 410, "hold-expired")]
    [InlineData("CompleteCheckout", 504, "payment-pending")]
    [InlineData("GetOrder", 404, "not-found")]
    [InlineData("CancelOrder", 409, "illegal-transition")]
    [InlineData("LookUpOrders", 422, "validation")]
    [InlineData("LookUpOrders", 429, "rate-limited")]
    [InlineData("ListMyOrders", 401, "unauthorized")]
    [InlineData("AdminListOrders", 400, "bad-request")]
    [InlineData("AdminListPromos", 401, "unauthorized")]
    [InlineData("AdminListPromos", 403, "forbidden")]
    [InlineData("AdminCreatePromo", 409, "conflict")]
    [InlineData("AdminListProducts", 422, "validation")]
    [InlineData("AdminCreateProduct", 409, "conflict")]
    [InlineData("AdminCreateProduct", 422, "validation")]
    [InlineData("AdminGetProduct", 404, "not-found")]
    [InlineData("AdminUpdateProduct", 422, "validation")]
    [InlineData("AdminArchiveProduct", 404, "not-found")]
    public void AnOperation_ListsTheProblemTypeItMayAnswer(string operationId, int status, string type)
    {
        var responses = shop.OperationById(operationId).GetProperty("responses");

        Assert.True(responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response), $"{operationId} declares no {status}.");
        Assert.Contains(type, TypesOf(response));
    }

    [Fact]
    public void EveryMutatingRoute_TakesAnIdempotencyKey_AnswersItsProblems_AndMarksReplayedReplies_AndNoReadDoes()
    {
        var mutating = shop.Routes.Where(r => !HttpMethods.IsGet(r.Method)).ToList();
        var reads = shop.Routes.Where(r => HttpMethods.IsGet(r.Method)).ToList();
        Assert.Contains(mutating, r => r is ("put", "/api/carts/{cartId}/items/{sku}", _));
        Assert.NotEmpty(reads);
        var components = shop.Document.GetProperty("components");
        var key = components.GetProperty("parameters").GetProperty("Idempotency-Key");
        Assert.Equal(("Idempotency-Key", "header"), (Text(key, "name"), Text(key, "in")));
        Assert.False(string.IsNullOrWhiteSpace(Text(components.GetProperty("headers").GetProperty("Idempotent-Replayed"), "description")));

        Assert.All(mutating, route =>
        {
            var operation = shop.Operation(route.Method, route.Path);
            var name = $"{route.Method.ToUpperInvariant()} {route.Path}";
            Assert.True(TakesTheKey(operation), $"{name} does not take an Idempotency-Key.");
            var responses = operation.GetProperty("responses");
            Assert.All(responses.EnumerateObject().Where(r => r.Name.StartsWith('2')),
                r => Assert.True(Headers(r.Value).Contains("Idempotent-Replayed"), $"{name} {r.Name} does not say when it is a replay."));
            Assert.Contains("idempotency-key-invalid", TypesOf(responses.GetProperty("400")));
            Assert.Contains("idempotency-key-in-use", TypesOf(responses.GetProperty("409")));
            Assert.Contains("Retry-After", Headers(responses.GetProperty("409")));
            Assert.Contains("idempotency-key-reused", TypesOf(responses.GetProperty("422")));
            // Refused before the key was looked at: never a stored reply.
            Assert.DoesNotContain("Idempotent-Replayed", Headers(responses.GetProperty("503")));
        });
        Assert.All(reads, route =>
        {
            var operation = shop.Operation(route.Method, route.Path);
            Assert.False(TakesTheKey(operation), $"GET {route.Path} claims to take an Idempotency-Key.");
            Assert.All(operation.GetProperty("responses").EnumerateObject(),
                r => Assert.DoesNotContain("Idempotent-Replayed", Headers(r.Value)));
        });
    }

    [Fact]
    public void TheDocument_NamesItsServerWithoutATrailingSlash_ItsLicenseAndItsContact()
    {
        var server = Assert.Single(shop.Document.GetProperty("servers").EnumerateArray());
        var info = shop.Document.GetProperty("info");

        Assert.Equal(shop.BaseAddress.GetLeftPart(UriPartial.Authority), Text(server, "url"));
        Assert.False(string.IsNullOrWhiteSpace(Text(info, "description")));
        Assert.False(string.IsNullOrWhiteSpace(Text(info.GetProperty("license"), "name")));
        Assert.False(string.IsNullOrWhiteSpace(Text(info.GetProperty("contact"), "url")));
    }

    private static (string?, string?, string?) Scheme(JsonElement schemes, string name) =>
        schemes.TryGetProperty(name, out var scheme) ? (Text(scheme, "type"), Text(scheme, "in"), Text(scheme, "name")) : default;

    private static IEnumerable<JsonElement> Parameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : [];

    private static bool TakesTheKey(JsonElement operation) =>
        Parameters(operation).Any(p => Text(p, "$ref") == "#/components/parameters/Idempotency-Key");

    private static HashSet<string> Headers(JsonElement response) =>
        response.TryGetProperty("headers", out var headers) ? [.. headers.EnumerateObject().Select(h => h.Name)] : [];

    /// <summary>The problem types a response's description names, by their last segment.</summary>
    private static List<string> TypesOf(JsonElement response) =>
        [.. ProblemType().Matches(Text(response, "description") ?? "").Select(m => m.Groups[1].Value)];

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [GeneratedRegex(@"https://checkout\.example/problems/([a-z0-9-]+)")]
    private static partial Regex ProblemType();
}
