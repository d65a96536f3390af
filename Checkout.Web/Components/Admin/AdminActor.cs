using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace Checkout.Web.Components.Admin;

/// <summary>Who is acting in the back office, as written to order history, stock audit rows and the audit log.</summary>
public static class AdminActor
{
    public const string Fallback = "admin";

    /// <summary>The signed-in user's name, or <see cref="Fallback"/> when the circuit has no named user.</summary>
    public static async Task<string> NameAsync(AuthenticationStateProvider authentication) =>
        Of((await authentication.GetAuthenticationStateAsync()).User);

    /// <summary>Who an admin API request is (the signed-in admin's e-mail, or <c>api-key</c> for a script): the name the audit log records.</summary>
    public static string Of(HttpContext http) => Of(http.User);

    private static string Of(ClaimsPrincipal user)
    {
        var name = user.Identity?.IsAuthenticated == true ? user.Identity.Name : null;
        return string.IsNullOrWhiteSpace(name) ? Fallback : name.Trim();
    }
}
