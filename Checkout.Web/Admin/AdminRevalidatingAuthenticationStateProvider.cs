using Checkout.Web.Staff;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Checkout.Web.Admin;

/// <summary>
/// A circuit keeps the user it started with; the cookie is not read again until the next page load. Every few minutes
/// this asks <see cref="StaffService.IsSessionCurrentAsync"/> whether the session still stands (the account exists, is
/// not disabled or locked out, has the same security stamp and the staff role it claims); if not, the circuit's user
/// becomes anonymous and its page reloads, where the cookie decides again.
/// </summary>
public sealed class AdminRevalidatingAuthenticationStateProvider(ILoggerFactory loggerFactory, StaffService staff)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        staff.IsSessionCurrentAsync(authenticationState.User, cancellationToken);
}
