using Bunit;
using Checkout.Data.Notifications;
using Checkout.Data.Persistence;
using Checkout.Data.Reliability;
using Checkout.Tests.Admin;
using Checkout.Tests.Builders;
using Checkout.Web.Admin;
using Checkout.Web.Components.Pages.Admin;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StaffPage = Checkout.Web.Components.Pages.Admin.Staff;

namespace Checkout.Tests.Components.Admin;

/// <summary>The staff pages' set-up: the app's staff accounts (Identity over the shop's database), with the signed-in admin an account of its own.</summary>
public abstract class StaffPageContext : AdminTestContext
{
    public const string Password = "Staff-Test-Passw0rd!";

    protected StaffService Staff => Services.GetRequiredService<StaffService>();

    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddLogging();
        services.AddSingleton(Shop.Get<IDbContextFactory<CheckoutDbContext>>());
        services.AddSingleton(Shop.Get<DbRetry>());
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton(Options.Create(new EmailOptions()));
        services.AddStaffAccounts();
    }

    /// <summary>The staff roles, and the signed-in admin as an active account with the test context's user id.</summary>
    protected async Task SeedAsync()
    {
        await using var scope = Services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in StaffRoles.All)
        {
            Assert.True((await roles.CreateAsync(new IdentityRole(role))).Succeeded);
        }
        var users = scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>();
        var admin = new IdentityUser { Id = UserId, UserName = AdminName, Email = AdminName };
        Assert.True((await users.CreateAsync(admin, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(admin, StaffRoles.Admin)).Succeeded);
    }

    protected static (string User, string Token) Parts(Uri link)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);
        return (query["user"].ToString(), query["token"].ToString());
    }
}

/// <summary>The staff page: the accounts with their roles and status, inviting (the one-time link), disabling, enabling, roles.</summary>
public class StaffPageTests : StaffPageContext
{
    [Fact]
    public async Task ListsEveryAccount_WithItsRoleAndStatus_AndOffersNothingOnYourOwn()
    {
        await SeedAsync();
        var invited = ResultAssert.Success(await Staff.InviteAsync("support@test.local", StaffRoles.Support, StaffTests.TestActor));

        var cut = RenderAdmin<StaffPage>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=staff-row]").Count));
        var own = Row(cut, AdminName);
        Assert.Equal((StaffRoles.Admin, "Active"), (Cell(own, "role"), Cell(own, "status")));
        Assert.Contains("(you)", own.TextContent, StringComparison.Ordinal);
        Assert.Empty(own.QuerySelectorAll("button"));
        var other = Row(cut, invited.Member.Email);
        Assert.Equal((StaffRoles.Support, "Invited"), (Cell(other, "role"), Cell(other, "status")));
        Assert.NotNull(other.QuerySelector("[data-testid=disable]"));
        Assert.Equal("Make Admin", other.QuerySelector("[data-testid=make-role]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Invite_ShowsTheOneTimeLink_AndListsTheInvitedAccount()
    {
        await SeedAsync();
        var cut = RenderAdmin<StaffPage>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=staff-row]")));

        await cut.Find("input[data-testid=invite-email]").SetAsync("New.Person@Test.Local");
        await cut.Find("[data-testid=invite]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=staff-row]").Count));
        var link = new Uri(cut.Find("[data-testid=invitation-link]").TextContent.Trim());
        Assert.Equal(StaffService.AcceptPath, link.AbsolutePath);
        var (user, token) = Parts(link);
        var member = ResultAssert.Success(await Staff.CheckInvitationAsync(user, token));
        Assert.Equal(("new.person@test.local", StaffRoles.Support), (member.Email, member.Role));
        Assert.Equal((StaffRoles.Support, "Invited"), (Cell(Row(cut, "new.person@test.local"), "role"), Cell(Row(cut, "new.person@test.local"), "status")));
    }

    [Fact]
    public async Task Invite_WithABadEmail_SaysSoOnTheField_AndInvitesNobody()
    {
        await SeedAsync();
        var cut = RenderAdmin<StaffPage>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=staff-row]")));

        await cut.Find("input[data-testid=invite-email]").SetAsync("not an email");
        await cut.Find("[data-testid=invite]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Contains("Enter a valid email address", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=invitation]"));
        Assert.Single(await Staff.ListAsync());
    }

    [Fact]
    public async Task DisableEnableAndMakeAdmin_ChangeTheAccount_AndSaySo()
    {
        await SeedAsync();
        var invited = ResultAssert.Success(await Staff.InviteAsync("support@test.local", StaffRoles.Support, StaffTests.TestActor));
        var (user, token) = Parts(invited.Link);
        ResultAssert.Success(await Staff.AcceptAsync(user, token, Password));
        var cut = RenderAdmin<StaffPage>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=staff-row]").Count));

        await Row(cut, "support@test.local").QuerySelector("[data-testid=disable]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("Disabled", Cell(Row(cut, "support@test.local"), "status")));
        Assert.Equal("support@test.local is disabled and signed out.", cut.Find("[data-testid=staff-message]").TextContent.Trim());

        await Row(cut, "support@test.local").QuerySelector("[data-testid=enable]")!.PressAsync();
        await cut.WaitForAssertionAsync(() => Assert.Equal("Active", Cell(Row(cut, "support@test.local"), "status")));

        await Row(cut, "support@test.local").QuerySelector("[data-testid=make-role]")!.PressAsync();
        await cut.WaitForAssertionAsync(() => Assert.Equal(StaffRoles.Admin, Cell(Row(cut, "support@test.local"), "role")));
        Assert.Equal("support@test.local is now Admin.", cut.Find("[data-testid=staff-message]").TextContent.Trim());
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<AdminHost> cut, string email) =>
        cut.FindAll("[data-testid=staff-row]").Single(r => r.GetAttribute("data-email") == email);

    private static string Cell(AngleSharp.Dom.IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}

/// <summary>The accept-invite page: the form for a working link, a plain "ask for a new one" for any other.</summary>
public class AcceptInvitePageTests : StaffPageContext
{
    [Fact]
    public async Task AWorkingLink_ShowsTheFormForItsAccount_WithThePasswordRules()
    {
        await SeedAsync();
        var invitation = ResultAssert.Success(await Staff.InviteAsync("support@test.local", StaffRoles.Support, StaffTests.TestActor));
        var (user, token) = Parts(invitation.Link);
        Navigation.NavigateTo(invitation.Link.PathAndQuery);

        var cut = Render<AcceptInvite>();

        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=accept-invitation]")));
        Assert.Contains("You are invited as Support with support@test.local.", cut.Find("[data-testid=invitation-for]").TextContent, StringComparison.Ordinal);
        Assert.Equal("At least 12 characters, with an upper-case letter, a lower-case letter, a digit and a symbol.",
            cut.Find("[data-testid=password-rules]").TextContent.Trim());
        var form = cut.Find("form");
        Assert.Equal(StaffService.AcceptPath, form.GetAttribute("action"));
        Assert.Equal(user, form.QuerySelector("input[name=user]")!.GetAttribute("value"));
        Assert.Equal(token, form.QuerySelector("input[name=token]")!.GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=invitation-error]"));
    }

    [Fact]
    public async Task AnAlteredLink_SaysItDoesNotWork_AndShowsNoForm()
    {
        await SeedAsync();
        var invitation = ResultAssert.Success(await Staff.InviteAsync("support@test.local", StaffRoles.Support, StaffTests.TestActor));
        var (user, _) = Parts(invitation.Link);
        Navigation.NavigateTo($"{StaffService.AcceptPath}?user={user}&token=forged");

        var cut = Render<AcceptInvite>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(StaffService.InvalidLinkMessage, cut.Find("[data-testid=invitation-invalid]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("form"));
    }

    [Fact]
    public async Task ARefusedPassword_IsExplained_AboveTheFormAgain()
    {
        await SeedAsync();
        var invitation = ResultAssert.Success(await Staff.InviteAsync("support@test.local", StaffRoles.Support, StaffTests.TestActor));
        Navigation.NavigateTo($"{invitation.Link.PathAndQuery}&error={InvitationErrors.Password}");

        var cut = Render<AcceptInvite>();

        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=accept-invitation]")));
        Assert.Equal(InvitationErrors.Describe(InvitationErrors.Password), cut.Find("[data-testid=invitation-error]").TextContent.Trim());
    }
}

/// <summary>The order page as a Support account sees it: the order, no moves or refunds, and "resend confirmation e-mail".</summary>
public class SupportOrderDetailTests : AdminTestContext
{
    protected override string Role => StaffRoles.Support;

    [Fact]
    public async Task ShowsNoMovesOrRefunds_AndResendsTheConfirmation()
    {
        var order = await Shop.PlaceConfirmedOrderAsync();
        var cut = RenderAdmin<OrderDetail>(p => p.Add(page => page.OrderId, order.OrderId));
        await cut.WaitForAssertionAsync(() => Assert.Equal($"Order {order.OrderNumber}", cut.Find("[data-testid=order-title]").TextContent.Trim()));

        Assert.Empty(cut.FindAll("[data-testid=order-actions]"));
        Assert.Empty(cut.FindAll("[data-testid=refund-open]"));
        await cut.Find("[data-testid=resend-email]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(
            $"The confirmation e-mail is on its way to {order.Email} again.", cut.Find("[data-testid=order-done]").TextContent.Trim()));
        await using var db = await Shop.DbAsync();
        var resent = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AggregateId == order.OrderId && m.Type == Checkout.Data.Fulfillment.OutboxTypes.OrderConfirmationResent);
        Assert.Contains(AdminName, resent.Payload, StringComparison.Ordinal);
    }
}
