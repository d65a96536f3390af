using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using Checkout.Data.Audit;
using Checkout.Data.Persistence;
using Checkout.Tests.Api;
using Checkout.Tests.Builders;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Admin;

/// <summary>One admin app on a fake clock, so that an invitation link can be let expire.</summary>
public sealed class StaffApp : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public AdminFactory App { get; }

    public StaffApp() => App = new AdminFactory(web => web.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock)));

    public StaffService Staff => App.Get<StaffService>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// Staff accounts end to end: an invitation through <c>/api/admin/staff</c>, its link accepted through the real form,
/// the link refused once used or expired, disabling (cookie and circuit), role changes and the guard rails.
/// </summary>
public class StaffTests(StaffApp shop) : IClassFixture<StaffApp>
{
    private const string Password = "Staff-Test-Passw0rd!";

    /// <summary>An admin changing staff accounts in a test (the guard rails compare its id: none here).</summary>
    internal static readonly StaffActor TestActor = new(null, "staff-admin@test.local");

    /// <summary>A script with the admin key: no account of its own.</summary>
    internal static readonly StaffActor KeyActor = new(null, "api-key");

    private record InvitationDto(MemberDto Member, Uri Link, DateTimeOffset ValidUntil);

    private record MemberDto(string Id, string Email, string Role, string Status);

    [Fact]
    public async Task AnInvitation_AcceptedThroughItsLink_SignsInWithTheRole()
    {
        using var script = shop.App.Script();
        var email = NewEmail();

        var invited = await script.PostAsJsonAsync("/api/admin/staff", new { email = email.ToUpperInvariant(), role = "support" });

        Assert.Equal(HttpStatusCode.Created, invited.StatusCode);
        var invitation = (await invited.Content.ReadFromJsonAsync<InvitationDto>(ProblemJson))!;
        Assert.Equal((email, StaffRoles.Support, "Invited"), (invitation.Member.Email, invitation.Member.Role, invitation.Member.Status));
        Assert.Equal(shop.Clock.GetUtcNow() + StaffInvitationTokens.Lifetime, invitation.ValidUntil);
        Assert.Equal(StaffService.AcceptPath, invitation.Link.AbsolutePath);
        using var browser = shop.App.Browser();
        var page = await (await browser.GetAsync(invitation.Link.PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains(email, page, StringComparison.Ordinal);
        // No sign-in before the password is chosen.
        Assert.Equal("/admin/sign-in?error=invalid", (await AdminFactory.SignInAsync(browser, email, Password)).Headers.Location?.OriginalString);

        var accepted = await AcceptAsync(browser, invitation.Link, Password);

        Assert.Equal("/admin", accepted.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/admin/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/admin/promos")).StatusCode);
        using var again = await shop.App.SignedInAsync(email, Password);
        Assert.Contains(await shop.Staff.ListAsync(), m => m.Email == email && m.Status == StaffStatus.Active);
    }

    [Fact]
    public async Task AUsedLink_IsRefusedTheSecondTime()
    {
        var invitation = ResultAssert.Success(await shop.Staff.InviteAsync(NewEmail(), StaffRoles.Support, StaffTests.TestActor));
        using var first = shop.App.Browser();
        Assert.Equal("/admin", (await AcceptAsync(first, invitation.Link, Password)).Headers.Location?.OriginalString);
        using var second = shop.App.Browser();

        var token = await AdminFactory.AntiforgeryTokenAsync(second, "/admin/sign-in");
        var replay = await second.PostAsync(StaffService.AcceptPath, Form(token, invitation.Link, "Another-Passw0rd!!"));

        Assert.Equal($"{StaffService.AcceptPath}?error=link", replay.Headers.Location?.OriginalString);
        var page = await (await second.GetAsync(invitation.Link.PathAndQuery)).Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"invitation-invalid\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task AnExpiredLink_IsRefused()
    {
        var invitation = ResultAssert.Success(await shop.Staff.InviteAsync(NewEmail(), StaffRoles.Support, StaffTests.TestActor));
        var (user, token) = Parts(invitation.Link);
        shop.Clock.Advance(StaffInvitationTokens.Lifetime);
        ResultAssert.Success(await shop.Staff.CheckInvitationAsync(user, token));

        shop.Clock.Advance(TimeSpan.FromSeconds(1));

        ResultAssert.Failure(await shop.Staff.CheckInvitationAsync(user, token), "not-found");
        ResultAssert.Failure(await shop.Staff.AcceptAsync(user, token, Password), "not-found");
    }

    [Fact]
    public async Task InvitingAgain_GivesANewLinkAndRole_AndTheOlderLinkStopsWorking()
    {
        var email = NewEmail();
        var first = ResultAssert.Success(await shop.Staff.InviteAsync(email, StaffRoles.Support, StaffTests.TestActor));

        var renewed = ResultAssert.Success(await shop.Staff.InviteAsync(email, StaffRoles.Admin, StaffTests.TestActor));

        Assert.Equal((first.Member.Id, StaffRoles.Admin, StaffStatus.Invited), (renewed.Member.Id, renewed.Member.Role, renewed.Member.Status));
        var (user, oldToken) = Parts(first.Link);
        ResultAssert.Failure(await shop.Staff.AcceptAsync(user, oldToken, Password), "not-found");
        var (_, newToken) = Parts(renewed.Link);
        Assert.Equal(StaffStatus.Active, ResultAssert.Success(await shop.Staff.AcceptAsync(user, newToken, Password)).Status);
        ResultAssert.Failure(await shop.Staff.InviteAsync(email, StaffRoles.Support, StaffTests.TestActor), "conflict");
    }

    [Fact]
    public async Task APasswordThatBreaksTheRules_IsRefused_AndTheLinkStillWorks()
    {
        var invitation = ResultAssert.Success(await shop.Staff.InviteAsync(NewEmail(), StaffRoles.Support, StaffTests.TestActor));
        var (user, token) = Parts(invitation.Link);

        var refused = ResultAssert.Failure(await shop.Staff.AcceptAsync(user, token, "short"), "validation");

        Assert.Contains("password", ((IReadOnlyDictionary<string, string[]>)refused.Details!["errors"]!).Keys);
        using var browser = shop.App.Browser();
        var mismatch = await AcceptAsync(browser, invitation.Link, Password, confirm: Password + "x");
        Assert.EndsWith("&error=mismatch", mismatch.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal("/admin", (await AcceptAsync(browser, invitation.Link, Password)).Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Disabling_EndsTheCookieAndTheCircuit_AndEnablingLetsTheAccountBackIn()
    {
        var (id, email) = await ActiveAsync(StaffRoles.Support);
        using var browser = await shop.App.SignedInAsync(email, Password);
        var circuit = await PrincipalAsync(id);
        Assert.True(await shop.Staff.IsSessionCurrentAsync(circuit));
        using var script = shop.App.Script();

        var disabled = await script.PostAsync($"/api/admin/staff/{id}/disable", null);

        Assert.Equal("Disabled", (await disabled.Content.ReadFromJsonAsync<MemberDto>(ProblemJson))!.Status);
        NextRequest();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/admin/orders")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin/orders")).StatusCode);
        Assert.False(await shop.Staff.IsSessionCurrentAsync(circuit));
        using var other = shop.App.Browser();
        Assert.Equal("/admin/sign-in?error=locked-out", (await AdminFactory.SignInAsync(other, email, Password)).Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.OK, (await script.PostAsync($"/api/admin/staff/{id}/enable", null)).StatusCode);

        using var back = await shop.App.SignedInAsync(email, Password);
        Assert.Equal(HttpStatusCode.OK, (await back.GetAsync("/api/admin/orders")).StatusCode);
    }

    [Fact]
    public async Task ARoleChange_AppliesAtTheAccountsNextRequest_AndEndsItsCircuit()
    {
        var (id, email) = await ActiveAsync(StaffRoles.Support);
        using var browser = await shop.App.SignedInAsync(email, Password);
        var circuit = await PrincipalAsync(id);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/admin/promos")).StatusCode);
        using var script = shop.App.Script();

        var changed = await script.PutAsJsonAsync($"/api/admin/staff/{id}/role", new { role = "Admin" });

        Assert.Equal(StaffRoles.Admin, (await changed.Content.ReadFromJsonAsync<MemberDto>(ProblemJson))!.Role);
        NextRequest();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/admin/promos")).StatusCode);
        Assert.False(await shop.Staff.IsSessionCurrentAsync(circuit));
        Assert.True(await shop.Staff.IsSessionCurrentAsync(await PrincipalAsync(id)));

        await script.PutAsJsonAsync($"/api/admin/staff/{id}/role", new { role = "Support" });
        NextRequest();

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync("/api/admin/promos")).StatusCode);
    }

    [Fact]
    public async Task AnAdmin_CannotDisableOrDemoteThemselves()
    {
        var (id, email) = await ActiveAsync(StaffRoles.Admin);
        using var browser = await shop.App.SignedInAsync(email, Password);

        var disable = await browser.PostAsync($"/api/admin/staff/{id}/disable", null);
        var demote = await browser.PutAsJsonAsync($"/api/admin/staff/{id}/role", new { role = "Support" });

        var problem = await ProblemAssert.IsAsync(disable, HttpStatusCode.Conflict, "conflict");
        Assert.Equal("You cannot disable your own account: ask another admin.", problem.GetProperty("detail").GetString());
        await ProblemAssert.IsAsync(demote, HttpStatusCode.Conflict, "conflict");
        Assert.Contains(await shop.Staff.ListAsync(), m => m.Id == id && m.Role == StaffRoles.Admin && m.Status == StaffStatus.Active);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/admin/promos")).StatusCode);
    }

    [Fact]
    public async Task AnAdminsChangesOfStaff_AreInTheAuditLog_WithTheAccountBeforeAndAfter_ARefusedOneIsNot()
    {
        await using var app = new AdminFactory();
        var staff = app.Get<StaffService>();
        var admin = Assert.Single(await staff.ListAsync());
        var email = NewEmail();

        var invited = ResultAssert.Success(await staff.InviteAsync(email, StaffRoles.Support, TestActor));
        ResultAssert.Success(await staff.ChangeRoleAsync(invited.Member.Id, StaffRoles.Admin, TestActor));
        ResultAssert.Success(await staff.DisableAsync(invited.Member.Id, TestActor));
        ResultAssert.Success(await staff.EnableAsync(invited.Member.Id, TestActor));
        ResultAssert.Failure(await staff.DisableAsync(admin.Id, KeyActor), "conflict");

        await using var db = await app.Get<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();
        var entries = (await db.AuditEntries.AsNoTracking().Where(e => e.SubjectType == AuditSubject.StaffType).ToListAsync()).ToDictionary(e => e.Action);
        Assert.Equal(["staff.disabled", "staff.enabled", "staff.invited", "staff.role.changed"], entries.Keys.Order(StringComparer.Ordinal));
        Assert.All(entries.Values, e => Assert.Equal((TestActor.Name, email), (e.Actor, e.SubjectId)));
        Assert.Null(entries["staff.invited"].Before);
        var roleChange = entries["staff.role.changed"];
        Assert.Equal(("""{"role":"Support","status":"Invited"}""", """{"role":"Admin","status":"Invited"}"""), (roleChange.Before, roleChange.After));
        Assert.Equal("""{"role":"Admin","status":"Disabled"}""", entries["staff.disabled"].After);
    }

    [Fact]
    public async Task TheLastActiveAdmin_CannotBeDisabledOrDemoted_UntilThereIsAnother()
    {
        await using var app = new AdminFactory();
        var staff = app.Get<StaffService>();
        var admin = Assert.Single(await staff.ListAsync());

        ResultAssert.Failure(await staff.DisableAsync(admin.Id, StaffTests.KeyActor), "conflict");
        var demote = ResultAssert.Failure(await staff.ChangeRoleAsync(admin.Id, StaffRoles.Support, StaffTests.KeyActor), "conflict");
        Assert.Equal($"{AdminFactory.AdminEmail} is the last active admin: make another account an admin first.", demote.Message);
        Assert.Equal(admin, Assert.Single(await staff.ListAsync()));
        // An invited admin is not active yet: it does not count.
        var invited = ResultAssert.Success(await staff.InviteAsync(NewEmail(), StaffRoles.Admin, StaffTests.TestActor));
        ResultAssert.Failure(await staff.DisableAsync(admin.Id, StaffTests.KeyActor), "conflict");
        var (user, token) = Parts(invited.Link);
        ResultAssert.Success(await staff.AcceptAsync(user, token, Password));

        Assert.Equal(StaffStatus.Disabled, ResultAssert.Success(await staff.DisableAsync(admin.Id, StaffTests.KeyActor)).Status);
    }

    [Fact]
    public async Task BadInput_IsRefusedWithEachFieldsMessages_AndChangesNothing()
    {
        using var script = shop.App.Script();
        var before = await shop.Staff.ListAsync();

        var invite = await script.PostAsJsonAsync("/api/admin/staff", new { email = "not-an-email", role = "Owner" });
        var role = await script.PutAsJsonAsync($"/api/admin/staff/{before[0].Id}/role", new { role = "Owner" });
        var unknown = await script.PostAsync("/api/admin/staff/no-such-account/disable", null);
        var taken = await script.PostAsJsonAsync("/api/admin/staff", new { email = AdminFactory.AdminEmail, role = "Support" });

        var errors = (await ProblemAssert.IsAsync(invite, HttpStatusCode.UnprocessableEntity, "validation")).GetProperty("errors");
        Assert.Equal(["email", "role"], errors.EnumerateObject().Select(p => p.Name).Order());
        await ProblemAssert.IsAsync(role, HttpStatusCode.UnprocessableEntity, "validation");
        await ProblemAssert.IsAsync(unknown, HttpStatusCode.NotFound, "not-found");
        await ProblemAssert.IsAsync(taken, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(before, await shop.Staff.ListAsync());
    }

    private static readonly System.Text.Json.JsonSerializerOptions ProblemJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>
    /// A moment passes before the account's next request: the cookie is checked against its account on every request
    /// after the one that issued or renewed it, and on this fake clock no time passes unless a test moves it.
    /// </summary>
    private void NextRequest() => shop.Clock.Advance(TimeSpan.FromSeconds(1));

    private static string NewEmail() => $"staff-{Guid.NewGuid():N}@test.local";

    /// <summary>An account invited with <paramref name="role"/> that chose <see cref="Password"/>.</summary>
    private async Task<(string Id, string Email)> ActiveAsync(string role)
    {
        var email = NewEmail();
        var invitation = ResultAssert.Success(await shop.Staff.InviteAsync(email, role, StaffTests.TestActor));
        var (user, token) = Parts(invitation.Link);
        ResultAssert.Success(await shop.Staff.AcceptAsync(user, token, Password));
        return (invitation.Member.Id, email);
    }

    /// <summary>The principal a circuit of the account holds: what its cookie carried when the page loaded.</summary>
    private async Task<ClaimsPrincipal> PrincipalAsync(string id)
    {
        await using var scope = shop.App.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var factory = scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<IdentityUser>>();
        return await factory.CreateAsync((await users.FindByIdAsync(id))!);
    }

    private static (string User, string Token) Parts(Uri link)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);
        return (query["user"].ToString(), query["token"].ToString());
    }

    /// <summary>Opens the link's page as a browser does and posts its form.</summary>
    private static async Task<HttpResponseMessage> AcceptAsync(HttpClient browser, Uri link, string password, string? confirm = null)
    {
        var token = await AdminFactory.AntiforgeryTokenAsync(browser, link.PathAndQuery);
        var response = await browser.PostAsync(StaffService.AcceptPath, Form(token, link, password, confirm));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }

    private static FormUrlEncodedContent Form(string antiforgery, Uri link, string password, string? confirm = null)
    {
        var (user, token) = Parts(link);
        return new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgery,
            ["user"] = user,
            ["token"] = token,
            ["password"] = password,
            ["confirm"] = confirm ?? password,
        });
    }
}
