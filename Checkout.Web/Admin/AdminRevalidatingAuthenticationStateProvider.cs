using System.Security.Claims;
using Checkout.Web.Api;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Admin;

/// <summary>
/// A circuit keeps the user it started with; the cookie is not read again until the next page load. Every few minutes
/// this checks that the account still exists, is not locked out, has the same security stamp (a password change
/// signs other sessions out) and still has the Admin role it claims; if not, the circuit's user becomes anonymous.
/// </summary>
public sealed class AdminRevalidatingAuthenticationStateProvider(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        var principal = authenticationState.User;
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return false;
        }
        if (users.SupportsUserSecurityStamp
            && principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
        {
            return false;
        }
        return !principal.IsInRole(AdminAuthentication.Role) || await users.IsInRoleAsync(user, AdminAuthentication.Role);
    }
}
