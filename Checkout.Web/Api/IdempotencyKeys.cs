using System.Security.Cryptography;
using Checkout.Data.Idempotency;
using Checkout.Web.Orders;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;

namespace Checkout.Web.Api;

/// <summary>
/// The Idempotency-Key contract of every mutating API route: the first reply to a key is stored and replayed byte
/// for byte (with <c>Idempotent-Replayed: true</c>); the same key with another request is refused (422) without
/// running it; the same key while its first request runs is refused (409, Retry-After). A key lives in its scope:
/// the route template, the resource ids in the path and, on admin routes, the admin. 5xx replies are not stored.
/// </summary>
public static partial class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;
    public const string InvalidCode = "idempotency-key-invalid";
    public const string ReusedCode = "idempotency-key-reused";
    public const string InUseCode = "idempotency-key-in-use";

    /// <summary>The headers a replay repeats besides the body (the order's key travels in the body).</summary>
    private static readonly string[] ReplayedHeaders = ["Content-Type", "Location"];

    /// <summary>Puts every mutating route of <paramref name="builder"/> (routes added later included) under the contract.</summary>
    public static TBuilder WithIdempotencyKeys<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(IdempotentRoute.Instance);

    /// <summary>True when <paramref name="endpoint"/> is under the contract: a mutating method on a route marked by <see cref="WithIdempotencyKeys"/>.</summary>
    public static bool Covers(Endpoint endpoint, string method) =>
        endpoint.Metadata.GetMetadata<IdempotentRoute>() is not null && IsMutating(method);

    /// <summary>The same, for a route described by its metadata (before it is built, or in the OpenAPI document).</summary>
    public static bool Covers(IEnumerable<object> metadata, string method) =>
        metadata.OfType<IdempotentRoute>().Any() && IsMutating(method);

    private static bool IsMutating(string method) =>
        !HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method);

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.UseMiddleware<Middleware>();

    /// <summary>
    /// The id of what this request creates when it carries a key: the key's record id, the same when a retry resumes a
    /// request that died, so the resumed request finds what the first one made instead of making another.
    /// </summary>
    public static Guid? CreatedId(this HttpContext http) => http.Features.Get<IdempotencyClaim>()?.Id;

    /// <summary>1–255 printable ASCII characters.</summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is >= ' ' and <= '~') && !string.IsNullOrWhiteSpace(key);

    private sealed class IdempotentRoute
    {
        public static readonly IdempotentRoute Instance = new();
    }

    private sealed partial class Middleware(
        RequestDelegate next, IdempotencyStore store, IDataProtectionProvider protection, IProblemDetailsService problems, ILogger<Middleware> logger)
    {
        private readonly IDataProtector _protector = protection.CreateProtector("Checkout.IdempotencyKeys.Fingerprint");

        public async Task InvokeAsync(HttpContext http)
        {
            if (http.GetEndpoint() is not RouteEndpoint endpoint || !Covers(endpoint, http.Request.Method)
                || !http.Request.Headers.TryGetValue(Header, out var values))
            {
                await next(http);
                return;
            }
            if (values.Count != 1 || !IsValidKey(values[0]))
            {
                await ProblemAsync(http, StatusCodes.Status400BadRequest, InvalidCode, "The Idempotency-Key header is not valid.",
                    $"Send one {Header} header of 1 to {MaxKeyLength} printable ASCII characters, such as a UUID.");
                return;
            }
            var fingerprint = await FingerprintAsync(http);
            var request = new IdempotentRequest(ScopeOf(http, endpoint), values[0]!, _protector.Protect(fingerprint));
            var outcome = await store.ClaimAsync(request, stored => Matches(stored, fingerprint), http.RequestAborted);
            switch (outcome)
            {
                case KeyClaimOutcome.Found found when !Matches(found.Fingerprint, fingerprint):
                    await ProblemAsync(http, StatusCodes.Status422UnprocessableEntity, ReusedCode, "This Idempotency-Key was used for another request.",
                        "A key stands for one request: send this request with a new key, or the first request again with this one. Nothing was done.");
                    return;
                case KeyClaimOutcome.Found { Reply: { } reply }:
                    await ReplayAsync(http, reply);
                    return;
                case KeyClaimOutcome.Found running:
                    http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(running.RunningFor!.Value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    await ProblemAsync(http, StatusCodes.Status409Conflict, InUseCode, "A request with this Idempotency-Key is still running.",
                        "Wait for its answer, or send this request again after Retry-After seconds to get it.");
                    return;
                case KeyClaimOutcome.Claimed claimed:
                    await RunAsync(http, claimed.Claim);
                    return;
            }
        }

        /// <summary>Runs the request with its reply captured, then stores the reply (or lets the key go on a 5xx) and sends it.</summary>
        private async Task RunAsync(HttpContext http, IdempotencyClaim claim)
        {
            http.Features.Set(claim);
            var body = http.Response.Body;
            using var captured = new MemoryStream();
            http.Response.Body = captured;
            try
            {
                await next(http);
            }
            catch
            {
                http.Response.Body = body;
                await LetGoAsync(claim);
                throw;
            }
            http.Response.Body = body;
            var status = http.Response.StatusCode;
            if (status >= StatusCodes.Status500InternalServerError)
            {
                await LetGoAsync(claim);
            }
            else
            {
                var headers = ReplayedHeaders
                    .Where(h => http.Response.Headers.ContainsKey(h))
                    .ToDictionary(h => h, h => http.Response.Headers[h].ToString());
                try
                {
                    await store.CompleteAsync(claim, new StoredReply(status, headers, captured.ToArray()), CancellationToken.None);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The effect stands and the reply goes out; the key stays held until its lease ends, when a retry
                    // resumes the request, which finds what this one did.
                    LogNotStored(e);
                }
            }
            captured.Position = 0;
            await captured.CopyToAsync(body, http.RequestAborted);
        }

        private async Task LetGoAsync(IdempotencyClaim claim)
        {
            try
            {
                await store.ReleaseAsync(claim, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Unreachable store: the key's lease runs out and a retry resumes the request.
                LogNotStored(e);
            }
        }

        private static async Task ReplayAsync(HttpContext http, StoredReply reply)
        {
            http.Response.StatusCode = reply.Status;
            foreach (var (name, value) in reply.Headers)
            {
                http.Response.Headers[name] = value;
            }
            http.Response.Headers[ReplayedHeader] = "true";
            http.Response.ContentLength = reply.Body.Length;
            await http.Response.Body.WriteAsync(reply.Body, http.RequestAborted);
        }

        /// <summary>The route template, the values of its parameters and, on the admin API, who calls it.</summary>
        private static string ScopeOf(HttpContext http, RouteEndpoint endpoint)
        {
            var pattern = endpoint.RoutePattern;
            var ids = pattern.Parameters.Select(p => http.GetRouteValue(p.Name)?.ToString() ?? "");
            var scope = $"{pattern.RawText}|{string.Join('/', ids)}";
            return http.Request.Path.StartsWithSegments("/api/admin") ? $"{scope}|{http.User.Identity?.Name}" : scope;
        }

        /// <summary>
        /// SHA-256 of the method, the path with its query, the order's key and the body's bytes; stored only protected
        /// (a body may hold a card). The order's key is part of it because the order routes check it only when they run:
        /// a replay must go to a caller who holds the same key, never to one who would have been answered 404.
        /// </summary>
        private static async Task<string> FingerprintAsync(HttpContext http)
        {
            http.Request.EnableBuffering();
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var orderKey = http.Request.Headers[OrderLinks.Header].ToString();
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{http.Request.Method}\n{http.Request.Path}{http.Request.QueryString}\n{orderKey}\n"));
            var buffer = new byte[4096];
            int read;
            while ((read = await http.Request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
            http.Request.Body.Position = 0;
            return Convert.ToHexString(hash.GetHashAndReset());
        }

        private bool Matches(string storedFingerprint, string fingerprint)
        {
            try
            {
                return CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.ASCII.GetBytes(_protector.Unprotect(storedFingerprint)), System.Text.Encoding.ASCII.GetBytes(fingerprint));
            }
            catch (CryptographicException)
            {
                // Protected with a key this instance no longer has: it cannot be the same request as far as we can tell.
                return false;
            }
        }

        private async Task ProblemAsync(HttpContext http, int status, string code, string title, string detail)
        {
            http.Response.StatusCode = status;
            var problem = new ProblemDetails { Type = Problems.TypeBase + code, Status = status, Title = title, Detail = detail };
            problem.Extensions["code"] = code;
            await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem });
        }

        [LoggerMessage(LogLevel.Warning, "The reply to an idempotent request could not be stored; a retry after the key's lease resumes it")]
        private partial void LogNotStored(Exception exception);
    }
}
