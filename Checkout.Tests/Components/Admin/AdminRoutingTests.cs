using Bunit;
using Bunit.TestDoubles;
using Checkout.Web.Admin;
using Checkout.Web.Api;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// Navigation inside a circuit never reaches the server's authorization, so the router must check: this is the
/// AuthorizeRouteView that Routes.razor uses, with <see cref="ReloadToAuthorize"/> as what a refused user sees.
/// </summary>
public class AdminRoutingTests : BunitContext, IAsyncLifetime
{
    private readonly BunitAuthorizationContext _auth;

    public AdminRoutingTests()
    {
        _auth = AddAuthorization();
        this.UseStorefrontDefaults();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    [Fact]
    public void NavigatingToAnAdminPage_WithoutTheRole_ReloadsThePageSoTheServerDecides()
    {
        _auth.SetAuthorized("shopper@example.com");
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("/admin/routing-probe");

        var cut = Render<AdminRoutes>();

        cut.WaitForAssertion(() => Assert.Contains(navigation.History, h => h.Uri == "http://localhost/admin/routing-probe" && h.Options.ForceLoad));
        Assert.DoesNotContain("Probe page", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void NavigatingToAnAdminPage_AsAnAdmin_ShowsIt()
    {
        _auth.SetAuthorized("admin@example.com");
        _auth.SetPolicies(StaffPolicies.Admin);
        _auth.SetRoles(StaffRoles.Admin);
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("/admin/routing-probe");

        var cut = Render<AdminRoutes>();

        cut.WaitForAssertion(() => Assert.Contains("Probe page", cut.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain(navigation.History, h => h.Options.ForceLoad);
    }

    [Fact]
    public void WhenRenderedWithoutACircuit_ItOnlyOffersTheSignInLink()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var navigation = Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("/admin/promos");

        var cut = Render<ReloadToAuthorize>();

        Assert.Equal("/admin/sign-in?ReturnUrl=%2Fadmin%2Fpromos", cut.Find("a").GetAttribute("href"));
        Assert.DoesNotContain(navigation.History, h => h.Options.ForceLoad);
    }

    /// <summary>
    /// The router as Routes.razor should have it, over this assembly's probe page rather than the app's pages (whose
    /// services are not the point here), with a bare layout instead of MainLayout.
    /// </summary>
    private sealed class AdminRoutes : ComponentBase
    {
        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenComponent<Router>(0);
            builder.AddComponentParameter(1, nameof(Router.AppAssembly), typeof(AdminRoutingTests).Assembly);
            builder.AddComponentParameter(2, nameof(Router.Found), (RenderFragment<RouteData>)(routeData => found =>
            {
                found.OpenComponent<AuthorizeRouteView>(0);
                found.AddComponentParameter(1, nameof(AuthorizeRouteView.RouteData), routeData);
                found.AddComponentParameter(2, nameof(AuthorizeRouteView.DefaultLayout), typeof(BareLayout));
                found.AddComponentParameter(3, nameof(AuthorizeRouteView.NotAuthorized), (RenderFragment<AuthenticationState>)(_ => denied =>
                {
                    denied.OpenComponent<ReloadToAuthorize>(0);
                    denied.CloseComponent();
                }));
                found.CloseComponent();
            }));
            builder.CloseComponent();
        }
    }

    private sealed class BareLayout : LayoutComponentBase
    {
        protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, Body);
    }
}

/// <summary>An admin page as the admin pages' _Imports makes them: routed and behind the Admin policy.</summary>
[Route("/admin/routing-probe")]
[Authorize(Policy = StaffPolicies.Admin)]
public sealed class RoutingProbePage : ComponentBase
{
    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddMarkupContent(0, "<p>Probe page</p>");
}
