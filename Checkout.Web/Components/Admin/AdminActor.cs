using Microsoft.AspNetCore.Components.Authorization;

namespace Checkout.Web.Components.Admin;

/// <summary>Who is acting in the back office, as written to order history and stock audit rows.</summary>
public static class AdminActor
{
    public const string Fallback = "admin";

    /// <summary>The signed-in user's name, or <see cref="Fallback"/> when the circuit has no named user.</summary>
    public static async Task<string> NameAsync(AuthenticationStateProvider authentication)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        var name = state.User.Identity?.IsAuthenticated == true ? state.User.Identity.Name : null;
        return string.IsNullOrWhiteSpace(name) ? Fallback : name.Trim();
    }
}
