using System.Security.Claims;
using Checkout.Data.Common;
using Checkout.Web.Components.Admin;
using Checkout.Web.Staff;

namespace Checkout.Web.Api;

/// <param name="Email">Whom to invite.</param>
/// <param name="Role">Admin or Support.</param>
public sealed record InviteStaffRequest(string? Email, string? Role);

/// <param name="Role">Admin or Support.</param>
public sealed record ChangeStaffRoleRequest(string? Role);

/// <summary>The admin API of staff accounts (<see cref="StaffService"/>); every route is for admins (the Admin policy).</summary>
public static class AdminStaffApi
{
    public static RouteGroupBuilder MapAdminStaffApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);

        admin.MapGet("/staff", async (StaffService staff, CancellationToken ct) => await staff.ListAsync(ct))
            .WithName("AdminListStaff")
            .WithSummary("List staff accounts")
            .WithDescription("Every staff account by email, with its role (`Admin` or `Support`) and status (`Invited`, `Active` or `Disabled`).");
        admin.MapPost("/staff", async (InviteStaffRequest body, StaffService staff, HttpContext http, CancellationToken ct) =>
            {
                var result = await staff.InviteAsync(body.Email, body.Role, Actor(http), ct);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/admin/staff/{Uri.EscapeDataString(result.Value.Member.Id)}", result.Value)
                    : Problems.From(result.Error);
            })
            .WithName("AdminInviteStaff")
            .WithSummary("Invite a staff account")
            .WithDescription(
                "Creates an account for the email with the role and no password, and answers its one-time `link`: the invited " +
                $"person opens it to choose a password and is signed in. The link works once, for {StaffInvitationTokens.Lifetime.TotalHours:0} " +
                "hours (`validUntil`); pass it on privately. Inviting an address whose invitation is still open gives it the role " +
                "and a new link, and its older links stop working; an address with any other account is refused (`conflict`). " +
                "A refusal of the input lists each field's messages in `errors` (`email`, `role`).")
            .Produces<StaffInvitation>(StatusCodes.Status201Created).ProducesProblems(ErrorCodes.Validation, ErrorCodes.Conflict);
        admin.MapPost("/staff/{userId}/disable", async (string userId, StaffService staff, HttpContext http, CancellationToken ct) =>
                StorefrontApi.Respond(await staff.DisableAsync(userId, Actor(http), ct), m => m))
            .WithName("AdminDisableStaff")
            .WithSummary("Disable a staff account")
            .WithDescription(
                "Stops the account from signing in and ends its sessions: its next request is refused, its open pages sign out. " +
                "Nobody disables their own account or the last active admin (`conflict`, nothing changes).")
            .Produces<StaffMember>().ProducesProblems(ErrorCodes.NotFound, ErrorCodes.Conflict);
        admin.MapPost("/staff/{userId}/enable", async (string userId, StaffService staff, HttpContext http, CancellationToken ct) =>
                StorefrontApi.Respond(await staff.EnableAsync(userId, Actor(http), ct), m => m))
            .WithName("AdminEnableStaff")
            .WithSummary("Enable a disabled staff account")
            .WithDescription("Lets the account sign in again with its password (an invited one with its invitation).")
            .Produces<StaffMember>().ProducesProblems(ErrorCodes.NotFound);
        admin.MapPut("/staff/{userId}/role", async (string userId, ChangeStaffRoleRequest body, StaffService staff, HttpContext http, CancellationToken ct) =>
                StorefrontApi.Respond(await staff.ChangeRoleAsync(userId, body.Role, Actor(http), ct), m => m))
            .WithName("AdminChangeStaffRole")
            .WithSummary("Change a staff account's role")
            .WithDescription(
                "Gives the account the role (`Admin` or `Support`) in place of its own, from its next request. Nobody demotes " +
                "their own account or the last active admin (`conflict`, nothing changes); an unknown role is refused (`validation`).")
            .Produces<StaffMember>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.Conflict);
        return api;
    }

    /// <summary>The signed-in account acting; null for a script with the admin key, which is no account.</summary>
    private static StaffActor Actor(HttpContext http) => new(http.User.FindFirstValue(ClaimTypes.NameIdentifier), AdminActor.Of(http));
}
