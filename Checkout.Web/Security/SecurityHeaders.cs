using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace Checkout.Web.Security;

/// <summary>
/// The headers every response carries, whatever produced it (a page, the API, a static file, an error or a refusal):
/// a Content-Security-Policy that admits only this origin's scripts, no framing, no MIME sniffing, a referrer that
/// never leaves the path of a page on another site, and HSTS on HTTPS answers where it is asked for.
/// </summary>
public static class SecurityHeaders
{
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>
    /// What a page of this app needs and nothing more. Blazor Server and MudBlazor load their scripts from this origin
    /// and need no eval; MudBlazor writes inline <c>style</c> attributes and a theme <c>&lt;style&gt;</c> element, so
    /// styles may be inline. The circuit's WebSocket is same-origin, which <c>'self'</c> covers in connect-src.
    /// The one inline script is the framework's import map, admitted by its hash (see <see cref="ScriptSources"/>).
    /// </summary>
    private const string PolicyAfterScripts =
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

    private const string OwnScripts = "script-src 'self'";

    // One hash per import map; the map is built once per set of static assets.
    private static readonly ConditionalWeakTable<ImportMapDefinition, string> Hashes = [];

    /// <summary>
    /// Adds the headers just before the response starts, so they survive an error handler that clears the response
    /// (which is also why HSTS is set here rather than by the framework's middleware, whose header an error loses).
    /// </summary>
    /// <param name="strictTransport">
    /// Send HSTS (one year) on HTTPS answers, except to loopback names, which a browser would otherwise pin for every
    /// local app.
    /// </param>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app, bool strictTransport) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = $"default-src 'self'; {ScriptSources(context)}; {PolicyAfterScripts}";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            if (strictTransport && context.Request.IsHttps && context.Request.Host.Host is not ("localhost" or "127.0.0.1" or "[::1]"))
            {
                headers.StrictTransportSecurity = StrictTransportSecurity;
            }
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// A page's <c>&lt;ImportMap /&gt;</c> renders the endpoint's import map as an inline script, byte for byte the JSON
    /// that <see cref="ImportMapDefinition.ToString"/> returns; the policy admits exactly that script by its SHA-256 and
    /// no other inline script.
    /// </summary>
    private static string ScriptSources(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ImportMapDefinition>() is { } importMap
            ? $"{OwnScripts} {Hashes.GetValue(importMap, Hash)}"
            : OwnScripts;

    private static string Hash(ImportMapDefinition importMap) =>
        $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(importMap.ToString())))}'";
}
