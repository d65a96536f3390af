using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Api;

/// <summary>
/// Scripts reach the admin API with the key from <c>Admin:ApiKey</c> in the <c>X-Admin-Key</c> header. Without a
/// configured key the scheme authenticates nobody.
/// </summary>
public sealed class AdminApiKeyHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IConfiguration configuration)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Header = "X-Admin-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var supplied))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var expected = configuration["Admin:ApiKey"];
        if (string.IsNullOrEmpty(expected) || supplied.Count != 1 || !FixedTimeEquals(supplied[0] ?? "", expected))
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid admin key."));
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "api-key"), new Claim(ClaimTypes.Role, StaffRoles.Admin)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}

/// <summary>
/// Who may use the admin pages and the admin API: a signed-in staff account (the Identity cookie that
/// <c>AddCheckoutAdmin</c> sets up) whose role satisfies the route's policy (<see cref="StaffPolicies"/>), or a script
/// with the <c>X-Admin-Key</c> header, which is an Admin. A request that carries the header is judged by the key alone,
/// so a wrong key is a 401 even in a browser with an admin's cookie.
/// </summary>
public static class AdminAuthentication
{
    /// <summary>The <c>X-Admin-Key</c> scheme.</summary>
    public const string Scheme = "AdminApiKey";

    /// <summary>Forwards to <see cref="Scheme"/> when the request carries the key header, else to the Identity cookie.</summary>
    public const string CookieOrKeyScheme = "AdminCookieOrKey";

    public static AuthenticationBuilder AddAdminAuthentication(this IServiceCollection services)
    {
        var authentication = services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, AdminApiKeyHandler>(Scheme, null)
            .AddPolicyScheme(CookieOrKeyScheme, "Admin cookie or key", o => o.ForwardDefaultSelector = SelectScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffPolicies.Admin, p => p.AddAuthenticationSchemes(CookieOrKeyScheme).RequireRole(StaffRoles.Admin))
            .AddPolicy(StaffPolicies.StaffRead, p => p.AddAuthenticationSchemes(CookieOrKeyScheme).RequireRole(StaffRoles.Admin, StaffRoles.Support));
        return authentication;
    }

    private static string SelectScheme(HttpContext context) =>
        context.Request.Headers.ContainsKey(AdminApiKeyHandler.Header) ? Scheme : IdentityConstants.ApplicationScheme;

    /// <summary>Callers that are not browsers: they get 401/403 where a browser is sent to the sign-in page.</summary>
    public static bool IsMachineRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/metrics") || request.Path.StartsWithSegments("/healthz");
}
