using System.Security.Claims;
using Bunit;
using Checkout.Web.Api;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The shared bunit set-up over a real shop, signed in as staff (bunit's fake authorization: the Admin role unless a
/// test class says Support, a name for the audit rows), with pages rendered in <see cref="AdminHost"/> as the admin
/// layout hosts them.
/// </summary>
public abstract class AdminTestContext : ComponentTestContext
{
    public const string AdminName = "admin@test.local";

    protected NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    /// <summary>The signed-in account's staff role; a test class of a Support account says so.</summary>
    protected virtual string Role => StaffRoles.Admin;

    /// <summary>The signed-in account's user id, as its cookie names it.</summary>
    protected virtual string UserId => "admin-user-id";

    protected override void AddServices(IServiceCollection services)
    {
        var authorization = AddAuthorization();
        authorization.SetAuthorized(AdminName);
        authorization.SetRoles(Role);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, UserId));
        // bunit does not evaluate policies: it grants those named here, as the app's policies would for the role.
        authorization.SetPolicies(Role == StaffRoles.Admin ? [StaffPolicies.Admin, StaffPolicies.StaffRead] : [StaffPolicies.StaffRead]);
    }

    /// <summary>Renders <typeparamref name="TPage"/> beside the popover, snackbar and dialog providers, as the admin layout does.</summary>
    protected IRenderedComponent<AdminHost> RenderAdmin<TPage>(Action<ComponentParameterCollectionBuilder<TPage>>? parameters = null)
        where TPage : IComponent =>
        Render<AdminHost>(host => host.AddChildContent(parameters ?? (_ => { })));
}

/// <summary>A harness standing in for the admin layout: MudBlazor's popover, snackbar and dialog providers beside the page.</summary>
public sealed class AdminHost : ComponentBase
{
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudSnackbarProvider>(1);
        builder.CloseComponent();
        builder.OpenComponent<MudDialogProvider>(2);
        builder.CloseComponent();
        builder.AddContent(3, ChildContent);
    }
}

/// <summary>What a person does to an element, awaited so the renderer has finished when the test goes on.</summary>
public static class AdminUi
{
    /// <summary>Types <paramref name="value"/> and leaves the field (the change event).</summary>
    public static Task SetAsync(this AngleSharp.Dom.IElement element, string value) =>
        element.ChangeAsync(new ChangeEventArgs { Value = value });

    public static Task PressAsync(this AngleSharp.Dom.IElement element) =>
        element.ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
}
