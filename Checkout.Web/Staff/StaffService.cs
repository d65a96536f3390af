using System.Data;
using System.Security.Claims;
using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Notifications;
using Checkout.Data.Persistence;
using Checkout.Data.Reliability;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Staff;

public enum StaffStatus
{
    /// <summary>Invited: no password yet, so no sign-in until the invitation link is used.</summary>
    Invited,
    Active,
    /// <summary>Disabled by an admin: locked out for good, signed out everywhere, until enabled again.</summary>
    Disabled,
}

public sealed record StaffMember(string Id, string Email, string Role, StaffStatus Status);

/// <summary>An invitation: the account it made (or renewed) and its one-time link, which works until <paramref name="ValidUntil"/>.</summary>
public sealed record StaffInvitation(StaffMember Member, Uri Link, DateTimeOffset ValidUntil);

/// <summary>Who changes a staff account: their account's id (null for the admin key), which the guard rails compare, and the name the audit log records.</summary>
public sealed record StaffActor(string? Id, string Name);

/// <summary>
/// The shop's staff accounts (ASP.NET Core Identity users in a <see cref="StaffRoles"/> role): invitations and their
/// links, disabling and enabling, roles, and whether a signed-in session still stands. Every change runs in one
/// serializable transaction of the Identity store, so the guard rails (nobody disables or demotes themselves or the
/// last active admin) hold however many admins act at once. Shared by the staff page and <c>/api/admin/staff</c>.
/// </summary>
public sealed class StaffService(IServiceScopeFactory scopes, DbRetry retry, TimeProvider clock, IOptions<EmailOptions> email)
{
    public const string AcceptPath = "/admin/accept-invite";

    /// <summary>The lockout end of a disabled account: far enough to be for good, and kept exactly by every database.</summary>
    public static readonly DateTimeOffset DisabledUntil = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Every staff account, by email.</summary>
    public async Task<IReadOnlyList<StaffMember>> ListAsync(CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var members = new List<StaffMember>();
        foreach (var role in StaffRoles.All)
        {
            foreach (var user in await users.GetUsersInRoleAsync(role))
            {
                if (members.All(m => m.Id != user.Id))
                {
                    members.Add(await MemberAsync(users, user));
                }
            }
        }
        return [.. members.OrderBy(m => m.Email, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Invites <paramref name="emailAddress"/> as <paramref name="role"/>: an account without a password, and a link to
    /// choose one, valid for <see cref="StaffInvitationTokens.Lifetime"/> and once. Inviting an address whose invitation
    /// is still open gives it the role and a new link, and the older links stop working. An address with an account
    /// that is not an open invitation is refused (<see cref="ErrorCodes.Conflict"/>); bad input is a validation error
    /// with each field's messages (<c>email</c>, <c>role</c>).
    /// </summary>
    public Task<Result<StaffInvitation>> InviteAsync(string? emailAddress, string? role, StaffActor actor, CancellationToken ct = default)
    {
        var staffRole = StaffRoles.Find(role);
        List<(string, string[])> fields = [];
        if (InputRules.Email(emailAddress?.Trim()) is not null)
        {
            fields.Add(("email", ["Enter a valid email address, like name@example.com."]));
        }
        if (staffRole is null)
        {
            fields.Add(("role", [$"Choose a role: {string.Join(" or ", StaffRoles.All)}."]));
        }
        if (fields.Count > 0)
        {
            return Task.FromResult<Result<StaffInvitation>>(
                FieldErrors.Refusal(ErrorCodes.Validation, $"Check the invitation: {fields[0].Item2[0]}", fields));
        }
        var address = InputRules.NormalizeEmail(emailAddress!);
        return ChangeAsync<StaffInvitation>(new(actor, "staff.invited", users => users.FindByEmailAsync(address)), i => i.Member, async users =>
        {
            var user = await users.FindByEmailAsync(address);
            if (user is null)
            {
                user = new IdentityUser { UserName = address, Email = address };
                Check(await users.CreateAsync(user));
            }
            else if (await StatusAsync(users, user) != StaffStatus.Invited || await RoleAsync(users, user) is null)
            {
                return new Error(ErrorCodes.Conflict, $"{address} has an account already: change its role or enable it instead.");
            }
            else
            {
                // The links sent before stop working: only the newest invitation stands.
                Check(await users.UpdateSecurityStampAsync(user));
            }
            await SetRoleAsync(users, user, staffRole!);
            return await InvitationAsync(users, user);
        }, ct);
    }

    /// <summary>The account an invitation link is for, while the link works; else why not (<see cref="ErrorCodes.NotFound"/>).</summary>
    public async Task<Result<StaffMember>> CheckInvitationAsync(string? userId, string? token, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await InvitedAsync(users, userId, token);
        return user is null ? InvalidLink : await MemberAsync(users, user);
    }

    /// <summary>
    /// Sets the password of an invited account through its link, which then stops working; the account is active. A
    /// link that was used, expired, replaced or altered is <see cref="ErrorCodes.NotFound"/>; a password Identity's rules
    /// refuse is a validation error with their messages under <c>password</c>, and the link still works.
    /// </summary>
    public Task<Result<StaffMember>> AcceptAsync(string? userId, string? token, string? password, CancellationToken ct = default) =>
        ChangeAsync<StaffMember>(null, m => m, async users =>
        {
            var user = await InvitedAsync(users, userId, token);
            if (user is null)
            {
                return InvalidLink;
            }
            if (string.IsNullOrEmpty(password))
            {
                return FieldErrors.Refusal(ErrorCodes.Validation, "Choose a password.", [("password", ["Choose a password."])]);
            }
            user.EmailConfirmed = true;
            // Setting the password changes the security stamp, which ends the link.
            var set = await users.AddPasswordAsync(user, password);
            if (!set.Succeeded)
            {
                string[] messages = [.. set.Errors.Select(e => e.Description)];
                return FieldErrors.Refusal(ErrorCodes.Validation, $"Choose another password: {messages[0]}", [("password", messages)]);
            }
            return await MemberAsync(users, user);
        }, ct);

    /// <summary>
    /// Disables the account: no sign-in, and its sessions end (its cookie at its next request, its open pages at their
    /// next check). Nobody disables their own account (<paramref name="actorId"/>) or the last active admin
    /// (<see cref="ErrorCodes.Conflict"/>, nothing changes).
    /// </summary>
    public Task<Result<StaffMember>> DisableAsync(string userId, StaffActor actor, CancellationToken ct = default) =>
        ChangeAsync<StaffMember>(new(actor, "staff.disabled", users => StaffAsync(users, userId)), m => m, async users =>
        {
            if (await StaffAsync(users, userId) is not { } user)
            {
                return Error.NotFound("The staff account");
            }
            if (await GuardAsync(users, user, actor.Id, "disable") is { } refused)
            {
                return refused;
            }
            Check(await users.SetLockoutEnabledAsync(user, true));
            Check(await users.SetLockoutEndDateAsync(user, DisabledUntil));
            Check(await users.UpdateSecurityStampAsync(user));
            return await MemberAsync(users, user);
        }, ct);

    /// <summary>Enables a disabled account again: it signs in with its password (or its invitation, if it never chose one).</summary>
    public Task<Result<StaffMember>> EnableAsync(string userId, StaffActor actor, CancellationToken ct = default) =>
        ChangeAsync<StaffMember>(new(actor, "staff.enabled", users => StaffAsync(users, userId)), m => m, async users =>
        {
            if (await StaffAsync(users, userId) is not { } user)
            {
                return Error.NotFound("The staff account");
            }
            Check(await users.SetLockoutEndDateAsync(user, null));
            Check(await users.ResetAccessFailedCountAsync(user));
            return await MemberAsync(users, user);
        }, ct);

    /// <summary>
    /// Gives the account <paramref name="role"/> in place of its own; it applies from the account's next request (its open
    /// pages reload at their next check). Nobody demotes themselves or the last active admin (<see cref="ErrorCodes.Conflict"/>).
    /// </summary>
    public Task<Result<StaffMember>> ChangeRoleAsync(string userId, string? role, StaffActor actor, CancellationToken ct = default)
    {
        if (StaffRoles.Find(role) is not { } staffRole)
        {
            return Task.FromResult<Result<StaffMember>>(FieldErrors.Refusal(
                ErrorCodes.Validation, $"Choose a role: {string.Join(" or ", StaffRoles.All)}.", [("role", [$"Choose a role: {string.Join(" or ", StaffRoles.All)}."])]));
        }
        return ChangeAsync<StaffMember>(new(actor, "staff.role.changed", users => StaffAsync(users, userId)), m => m, async users =>
        {
            if (await StaffAsync(users, userId) is not { } user)
            {
                return Error.NotFound("The staff account");
            }
            if (staffRole != StaffRoles.Admin && await GuardAsync(users, user, actor.Id, "demote") is { } refused)
            {
                return refused;
            }
            await SetRoleAsync(users, user, staffRole);
            return await MemberAsync(users, user);
        }, ct);
    }

    /// <summary>
    /// Whether a signed-in session still stands: its account exists, is not locked out or disabled, has the security stamp
    /// the session started with (a password set or the account disabled since ends it) and the staff role it claims.
    /// </summary>
    public async Task<bool> IsSessionCurrentAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = Users(scope);
        var user = await users.GetUserAsync(principal);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return false;
        }
        var stampClaim = scope.ServiceProvider.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (users.SupportsUserSecurityStamp && principal.FindFirstValue(stampClaim) != await users.GetSecurityStampAsync(user))
        {
            return false;
        }
        return StaffRoles.All.FirstOrDefault(principal.IsInRole) == await RoleAsync(users, user);
    }

    /// <summary>The password rules an invited person must follow, as the accept-invite page states them.</summary>
    public static string DescribePasswordRules(PasswordOptions rules)
    {
        List<string> kinds = [];
        if (rules.RequireUppercase)
        {
            kinds.Add("an upper-case letter");
        }
        if (rules.RequireLowercase)
        {
            kinds.Add("a lower-case letter");
        }
        if (rules.RequireDigit)
        {
            kinds.Add("a digit");
        }
        if (rules.RequireNonAlphanumeric)
        {
            kinds.Add("a symbol");
        }
        var with = kinds.Count switch
        {
            0 => "",
            1 => $", with {kinds[0]}",
            _ => $", with {string.Join(", ", kinds[..^1])} and {kinds[^1]}",
        };
        return $"At least {rules.RequiredLength} characters{with}.";
    }

    /// <summary>What a link that does not work is told, whatever the reason: used, expired, replaced or altered.</summary>
    public const string InvalidLinkMessage =
        "This invitation link does not work any more: it was used, it expired, or a newer invitation replaced it. Ask an admin for a new one.";

    private static readonly Error InvalidLink = new(ErrorCodes.NotFound, InvalidLinkMessage);

    /// <summary>An admin's change of a staff account, for the audit log: who, what, and how to find the account before it.</summary>
    private sealed record AuditedChange(StaffActor Actor, string Action, Func<UserManager<IdentityUser>, Task<IdentityUser?>> Subject);

    /// <summary>
    /// One change, in a serializable transaction of the Identity store, run again when a racing change wins; a refusal
    /// rolls it back. An admin's change (<paramref name="audited"/>; not an invitation's acceptance) is written to the
    /// audit log in the same transaction, with the account's role and status before and after.
    /// </summary>
    private Task<Result<T>> ChangeAsync<T>(
        AuditedChange? audited, Func<T, StaffMember> member, Func<UserManager<IdentityUser>, Task<Result<T>>> change, CancellationToken ct)
        where T : notnull =>
        retry.ExecuteAsync(async token =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, token);
            var users = Users(scope);
            var before = audited is not null && await audited.Subject(users) is { } user ? await MemberAsync(users, user) : null;
            var result = await change(users);
            if (result.IsSuccess)
            {
                if (audited is not null)
                {
                    var after = member(result.Value!);
                    AuditLog.Record(db, audited.Actor.Name, audited.Action, AuditSubject.Staff(after.Email),
                        before is null ? null : new { before.Role, before.Status }, new { after.Role, after.Status }, clock.GetUtcNow());
                    await db.SaveChangesAsync(token);
                }
                await tx.CommitAsync(token);
            }
            return result;
        }, ct);

    /// <summary>Refuses to disable or demote the actor's own account, or the last active admin.</summary>
    private static async Task<Error?> GuardAsync(UserManager<IdentityUser> users, IdentityUser user, string? actorId, string verb)
    {
        if (user.Id == actorId)
        {
            return new Error(ErrorCodes.Conflict, $"You cannot {verb} your own account: ask another admin.");
        }
        if (await RoleAsync(users, user) != StaffRoles.Admin || await StatusAsync(users, user) != StaffStatus.Active)
        {
            return null;
        }
        foreach (var admin in await users.GetUsersInRoleAsync(StaffRoles.Admin))
        {
            if (admin.Id != user.Id && await StatusAsync(users, admin) == StaffStatus.Active)
            {
                return null;
            }
        }
        return new Error(ErrorCodes.Conflict, $"{user.Email} is the last active admin: make another account an admin first.");
    }

    private async Task<StaffInvitation> InvitationAsync(UserManager<IdentityUser> users, IdentityUser user)
    {
        var token = await users.GenerateUserTokenAsync(user, StaffInvitationTokens.ProviderName, StaffInvitationTokens.Purpose);
        var link = new Uri(email.Value.ShopUrl, $"{AcceptPath}?user={Uri.EscapeDataString(user.Id)}&token={token}");
        return new StaffInvitation(await MemberAsync(users, user), link, clock.GetUtcNow() + StaffInvitationTokens.Lifetime);
    }

    /// <summary>The invited account <paramref name="token"/> opens, or null when the link does not work.</summary>
    private static async Task<IdentityUser?> InvitedAsync(UserManager<IdentityUser> users, string? userId, string? token)
    {
        if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(token) || await StaffAsync(users, userId) is not { } user
            || await StatusAsync(users, user) != StaffStatus.Invited)
        {
            return null;
        }
        return await users.VerifyUserTokenAsync(user, StaffInvitationTokens.ProviderName, StaffInvitationTokens.Purpose, token) ? user : null;
    }

    /// <summary>The account with a staff role, or null.</summary>
    private static async Task<IdentityUser?> StaffAsync(UserManager<IdentityUser> users, string userId) =>
        await users.FindByIdAsync(userId) is { } user && await RoleAsync(users, user) is not null ? user : null;

    private static async Task SetRoleAsync(UserManager<IdentityUser> users, IdentityUser user, string role)
    {
        var held = (await users.GetRolesAsync(user)).Where(r => StaffRoles.All.Contains(r) && r != role).ToList();
        if (held.Count > 0)
        {
            Check(await users.RemoveFromRolesAsync(user, held));
        }
        if (!await users.IsInRoleAsync(user, role))
        {
            Check(await users.AddToRoleAsync(user, role));
        }
    }

    /// <summary>The account's staff role (Admin when it somehow holds both), or null when it has none.</summary>
    private static async Task<string?> RoleAsync(UserManager<IdentityUser> users, IdentityUser user)
    {
        var roles = await users.GetRolesAsync(user);
        return StaffRoles.All.FirstOrDefault(roles.Contains);
    }

    private static async Task<StaffStatus> StatusAsync(UserManager<IdentityUser> users, IdentityUser user) =>
        await users.GetLockoutEndDateAsync(user) >= DisabledUntil ? StaffStatus.Disabled
        : await users.HasPasswordAsync(user) ? StaffStatus.Active
        : StaffStatus.Invited;

    private static async Task<StaffMember> MemberAsync(UserManager<IdentityUser> users, IdentityUser user) =>
        new(user.Id, user.Email ?? user.UserName ?? user.Id, await RoleAsync(users, user) ?? "", await StatusAsync(users, user));

    private static UserManager<IdentityUser> Users(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();

    /// <summary>Identity refusing a step the checks above allowed is a bug, not an outcome.</summary>
    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
