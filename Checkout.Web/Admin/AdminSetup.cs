using Checkout.Data.Operations;
using Checkout.Data.Persistence;
using Checkout.Web.Api;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Admin;

/// <summary>
/// The back office: staff accounts (ASP.NET Core Identity over the shop's database), the cookie that signs them in,
/// the sign-in, sign-out and accept-invite endpoints. The admin API's key scheme and the policies that accept either
/// the cookie or the key are in <see cref="AdminAuthentication"/>; who may do what is <see cref="StaffPolicies"/>.
/// </summary>
public static class AdminSetup
{
    public const string SignInPath = "/admin/sign-in";
    public const string SignOutPath = "/admin/sign-out";

    public static WebApplicationBuilder AddCheckoutAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddStaffAccounts().AddSignInManager();
        // Each request with a staff cookie checks its account (a database read): a disabled account is signed out, and a
        // changed role applies, at its next request instead of half an hour later.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);

        // The cookie is the default scheme so that every request (and so every Blazor circuit) knows its user.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = ".Checkout.Admin";
            // The admin API accepts this cookie too: Strict keeps it off every request another site starts.
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = SignInPath;
            // The sign-in page tells a signed-in user whose role may not open the page that they have no access.
            o.AccessDeniedPath = SignInPath;
            o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, AdminRevalidatingAuthenticationStateProvider>();
        services.AddHostedService<AdminAccountSeeder>();
        return builder;
    }

    /// <summary>
    /// The staff accounts: Identity over the shop's database with its password and lockout rules, the invitation
    /// links' token provider and <see cref="StaffService"/>. The pages' tests register them too.
    /// </summary>
    public static IdentityBuilder AddStaffAccounts(this IServiceCollection services)
    {
        // Identity's stores want a scoped context; the shop's own services keep using the pooled factory.
        services.AddScoped<CheckoutDbContext>(sp => sp.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContext());
        services.AddSingleton<StaffService>();
        return services.AddIdentityCore<IdentityUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(5);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CheckoutDbContext>()
            .AddTokenProvider<StaffInvitationTokens>(StaffInvitationTokens.ProviderName);
    }

    public static WebApplication MapCheckoutAdmin(this WebApplication app)
    {
        app.MapAdminAccount();
        return app;
    }

    /// <summary>Scripts and scrapers get the status code; browsers are sent to the page.</summary>
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (AdminAuthentication.IsMachineRequest(context.Request))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }
}
