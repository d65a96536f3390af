using Checkout.Data.Common;
using Checkout.Web.Orders;
using Checkout.Web.Security;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Checkout.Web.Api;

/// <summary>The API's areas, one tag each, with the description the document gives it.</summary>
public static class ApiTags
{
    public const string Catalog = "Catalog";
    public const string Carts = "Carts";
    public const string Checkout = "Checkout";
    public const string Orders = "Orders";
    public const string Admin = "Admin";
    public const string Fulfillment = "Fulfillment";

    internal static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [Catalog] = "The products on sale, with the units available.",
        [Carts] = "Server-side carts, re-priced and checked for stock on every read.",
        [Checkout] = "Holding a cart's items under a price-locked quote, and paying for them.",
        [Orders] = "The shopper's orders, each opened by its own key (`X-Order-Key`); a find-my-order link (`X-Lookup-Token`) lists an email's orders with their keys.",
        [Fulfillment] = "Shipment updates from a fulfillment partner, signed with its webhook subscription's secret (`Checkout-Webhook-Id`, `Checkout-Signature`).",
        [Admin] = "The back office: orders, products, promo codes, inventory, delivery and tax, staff accounts, webhook subscriptions, for a staff account's cookie or the `X-Admin-Key`. Support accounts read orders and resend their e-mails; everything else is for admins.",
    };
}

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, complete enough for client generators (and for the linters that
/// <c>scripts/openapi-lint.sh</c> runs): every operation has its tag, its security and every problem it may answer, each
/// with its <c>type</c>. A route declares the problems of its own use case with <see cref="ProducesProblems"/>; the ones
/// every route of a kind shares (admission, outages, idempotency keys, sign-in, rate limits, unreadable bodies) are
/// declared once, from the route's metadata, by <see cref="WithCommonProblems"/>.
/// </summary>
public static class ApiDocument
{
    private const string AdminKeyScheme = "AdminKey";
    private const string AdminCookieScheme = "AdminCookie";
    private const string OrderKeyScheme = "OrderKey";
    private const string LookupTokenScheme = "LookupToken";
    private const string RetryAfterHeader = "Retry-After";
    private const string ProblemContentType = "application/problem+json";

    /// <summary>The problems that come with <c>Retry-After</c>.</summary>
    private static readonly HashSet<string> RetryAfterCodes =
        [ErrorCodes.Busy, Problems.ServiceUnavailable, RateLimits.ProblemCode, IdempotencyKeys.InUseCode];

    /// <summary>Problems answered before the route runs (sign-in, rate limits, the key itself): never stored for a replay.</summary>
    private static readonly HashSet<string> NeverStoredCodes =
        [Problems.Unauthorized, Problems.Forbidden, RateLimits.ProblemCode, IdempotencyKeys.InvalidCode, IdempotencyKeys.InUseCode, IdempotencyKeys.ReusedCode];

    /// <summary>The transformers that complete the generated document: its info, servers, tags and schemes, each operation's security, problems and headers.</summary>
    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(DescribeOperationAsync);
        options.AddSchemaTransformer(DescribeProblemCodeAsync);
    }

    /// <summary>The route may answer the problems with these codes (its status follows from each, see <see cref="Problems.StatusFor"/>).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params string[] codes)
    {
        endpoint.Add(builder => Declare(builder.Metadata, codes));
        return endpoint;
    }

    /// <summary>Declares on every route of <paramref name="group"/> the problems its kind of route may answer, once all its metadata is known.</summary>
    public static RouteGroupBuilder WithCommonProblems(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Finally(builder => Declare(builder.Metadata, CommonProblems(builder.Metadata)));
        return group;
    }

    private static IEnumerable<string> CommonProblems(IList<object> metadata)
    {
        // Turned away by admission, or the database did not answer: any API request.
        yield return ErrorCodes.Busy;
        yield return Problems.ServiceUnavailable;
        if (metadata.OfType<IAcceptsMetadata>().Any())
        {
            yield return Problems.BadRequest;
            yield return Problems.PayloadTooLarge;
            yield return Problems.UnsupportedMediaType;
        }
        if (metadata.OfType<IAuthorizeData>().Any())
        {
            yield return Problems.Unauthorized;
            yield return Problems.Forbidden;
        }
        if (metadata.OfType<ClientLimit>().Any())
        {
            yield return RateLimits.ProblemCode;
        }
        if (metadata.OfType<IHttpMethodMetadata>().LastOrDefault()?.HttpMethods is [var method] && IdempotencyKeys.Covers(metadata, method))
        {
            yield return IdempotencyKeys.InvalidCode;
            yield return IdempotencyKeys.InUseCode;
            yield return IdempotencyKeys.ReusedCode;
        }
    }

    /// <summary>A problem response for each status of <paramref name="codes"/> unless the route declares one already, and the codes themselves for its description.</summary>
    private static void Declare(IList<object> metadata, IEnumerable<string> codes)
    {
        foreach (var code in codes)
        {
            var status = Problems.StatusFor(code);
            if (!metadata.OfType<IProducesResponseTypeMetadata>().Any(p => p.StatusCode == status))
            {
                metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), [ProblemContentType]));
            }
            metadata.Add(new ProblemCode(code));
        }
    }

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Checkout API",
            Version = "1.0.0",
            Description = """
                The storefront's checkout over HTTP: the catalog, server-side carts, checkouts that hold the items under a
                price-locked quote, payment, the shopper's orders, and the back office.

                - Money is in minor units of `currency` (`priceMinor: 2490` is 24.90).
                - Errors are `application/problem+json` with a stable `type` and a `code` member that repeats its last
                  segment; every operation lists the types it may answer.
                - Every mutating request takes an optional `Idempotency-Key`: a new one per request, the same on its
                  retries. A retry gets the first reply again, marked `Idempotent-Replayed: true`.
                - Placing an order answers its `orderKey`, which the order routes need in `X-Order-Key`.
                - `503` answers (`busy`, `service-unavailable`) come with `Retry-After`: every request is safe to retry.
                """,
            Contact = new OpenApiContact { Name = "Checkout", Url = new Uri("https://checkout.example/") },
            License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
        };
        // The server is the address the document was asked at; a trailing slash would double the paths' own.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            tag.Description = tag.Name is { } name ? ApiTags.Descriptions.GetValueOrDefault(name) : null;
        }

        var cookie = context.ApplicationServices.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(IdentityConstants.ApplicationScheme).Cookie.Name;
        document.AddComponent(AdminKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = AdminApiKeyHandler.Header,
            Description = "The key configured as `Admin:ApiKey`, for scripts. A request with this header is judged by the key alone.",
        });
        document.AddComponent(AdminCookieScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = cookie,
            Description = "The cookie of a staff account signed in at `/admin/sign-in`; its role decides which routes it may call.",
        });
        document.AddComponent(OrderKeyScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = OrderLinks.Header,
            Description = "The order's key: the `orderKey` of the reply that placed the order. A missing or wrong key gets the same 404 as an unknown order.",
        });
        document.AddComponent(LookupTokenScheme, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = OrderLookupLinks.Header,
            Description = "The `token` of a find-my-order link (`POST /api/orders/lookup` e-mails one), for 24 hours. A missing, altered or expired token gets 401.",
        });
        document.AddComponent(IdempotencyKeys.Header, new OpenApiParameter
        {
            Name = IdempotencyKeys.Header,
            In = ParameterLocation.Header,
            Description = $"""
                A new key (a UUID) per request and the same on its retries: the first reply is stored and every retry gets it
                again. 1 to {IdempotencyKeys.MaxKeyLength} printable ASCII characters.
                """,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyKeys.MaxKeyLength },
        });
        document.AddComponent(IdempotencyKeys.ReplayedHeader, new OpenApiHeader
        {
            Description = "`true` when this is the stored reply to an earlier request with the same `Idempotency-Key`.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true"] },
        });
        document.AddComponent(RetryAfterHeader, new OpenApiHeader
        {
            Description = "Seconds to wait before sending the request again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
        });
        return Task.CompletedTask;
    }

    private static Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;
        operation.Security = [.. SecurityOf(operation, metadata, document)];
        if (WhoMay(metadata) is { } who)
        {
            operation.Description = operation.Description is { Length: > 0 } description ? $"{description} {who}" : who;
        }
        var idempotent = context.Description.HttpMethod is { } method && IdempotencyKeys.Covers(metadata, method);
        if (idempotent)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameterReference(IdempotencyKeys.Header, document));
        }
        if (operation.Responses is not { } responses)
        {
            return Task.CompletedTask;
        }
        var codes = metadata.OfType<ProblemCode>().Select(p => p.Code).Distinct().ToLookup(Problems.StatusFor);
        var byStatus = responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        responses.Clear();
        foreach (var (key, response) in byStatus)
        {
            responses[key] = response;
            if (response is OpenApiResponse described && int.TryParse(key, out var status))
            {
                DescribeResponse(described, status, [.. codes[status]], idempotent, document);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Names the problem types of an error response and the headers that may come with a response: <c>Retry-After</c>,
    /// and on a route under the <c>Idempotency-Key</c> contract <c>Idempotent-Replayed</c> wherever the reply may be a
    /// stored one (not 5xx, and not a problem answered before the route ran).
    /// </summary>
    private static void DescribeResponse(OpenApiResponse response, int status, IReadOnlyList<string> codes, bool idempotent, OpenApiDocument document)
    {
        if (idempotent && status < StatusCodes.Status500InternalServerError && (status < StatusCodes.Status400BadRequest || codes.Any(c => !NeverStoredCodes.Contains(c))))
        {
            (response.Headers ??= new Dictionary<string, IOpenApiHeader>())[IdempotencyKeys.ReplayedHeader] =
                new OpenApiHeaderReference(IdempotencyKeys.ReplayedHeader, document);
        }
        if (codes.Any(RetryAfterCodes.Contains))
        {
            (response.Headers ??= new Dictionary<string, IOpenApiHeader>())[RetryAfterHeader] = new OpenApiHeaderReference(RetryAfterHeader, document);
        }
        if (codes.Count > 0)
        {
            var types = codes.Select(code => $"`{Problems.TypeBase}{code}`").ToList();
            response.Description = $"{ReasonPhrases.GetReasonPhrase(status)}: a problem whose `type` is " +
                (types.Count == 1 ? types[0] : $"{string.Join(", ", types[..^1])} or {types[^1]}") + ".";
        }
    }

    /// <summary>A staff account's cookie or the admin key on the admin API; the order's key or a find-my-order token on the routes that read them; nothing elsewhere.</summary>
    private static IEnumerable<OpenApiSecurityRequirement> SecurityOf(OpenApiOperation operation, IList<object> metadata, OpenApiDocument document)
    {
        if (StaffPolicyOf(metadata) is not null)
        {
            return [Requirement(AdminKeyScheme, document), Requirement(AdminCookieScheme, document)];
        }
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Header && p.Name == OrderLinks.Header) == true)
        {
            return [Requirement(OrderKeyScheme, document)];
        }
        if (operation.Parameters?.Any(p => p.In == ParameterLocation.Header && p.Name == OrderLookupLinks.Header) == true)
        {
            return [Requirement(LookupTokenScheme, document)];
        }
        return [];
    }

    /// <summary>The staff policy the route requires (the stricter when it names both), or null on a route that is not the back office's.</summary>
    private static string? StaffPolicyOf(IList<object> metadata)
    {
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).ToList();
        return policies.Contains(StaffPolicies.Admin) ? StaffPolicies.Admin
            : policies.Contains(StaffPolicies.StaffRead) ? StaffPolicies.StaffRead
            : null;
    }

    /// <summary>Who may call a route of the back office, as its description ends.</summary>
    private static string? WhoMay(IList<object> metadata) => StaffPolicyOf(metadata) switch
    {
        StaffPolicies.Admin => "For admins: the Admin role or the admin key.",
        StaffPolicies.StaffRead => "For all staff: the Admin or the Support role, or the admin key.",
        _ => null,
    };

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };

    /// <summary>Problems carry the <c>code</c> member that clients switch on.</summary>
    private static Task DescribeProblemCodeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The last segment of `type`." };
        }
        return Task.CompletedTask;
    }

    /// <summary>The route may answer the problem with this code.</summary>
    private sealed record ProblemCode(string Code);
}
