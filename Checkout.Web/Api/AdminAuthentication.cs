using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
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
            [new Claim(ClaimTypes.Name, "api-key"), new Claim(ClaimTypes.Role, AdminAuthentication.Role)], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}

public static class AdminAuthentication
{
    public const string Scheme = "AdminApiKey";
    public const string Policy = "Admin";
    public const string Role = "Admin";
}
