using Checkout.Data.Common;
using Checkout.Web.Security;
using Checkout.Web.Staff;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Checkout.Web.Admin;

/// <summary>
/// Sign-in, sign-out and accepting a staff invitation. The sign-in and accept-invite pages post plain HTML forms here:
/// only a response to an HTTP request can set the cookie, and an interactive page has none. Each checks the antiforgery
/// token and answers with a redirect.
/// </summary>
public static class AccountEndpoints
{
    /// <summary>A sign-in form is two short fields and a return URL.</summary>
    private const long MaxFormBytes = 8 * 1024;

    public static IEndpointRouteBuilder MapAdminAccount(this IEndpointRouteBuilder app)
    {
        // The page's own endpoint at the same path accepts POST too (for Blazor's forms); the lower order wins.
        app.MapPost(AdminSetup.SignInPath, SignInAsync)
            .WithOrder(-1)
            .WithMetadata(new RequireAntiforgeryTokenAttribute(), new RequestSizeLimitAttribute(MaxFormBytes))
            .RequireClientLimit(RateLimits.SignInPolicy)
            .ExcludeFromDescription();
        app.MapPost(StaffService.AcceptPath, AcceptInviteAsync)
            .WithOrder(-1)
            .WithMetadata(new RequireAntiforgeryTokenAttribute(), new RequestSizeLimitAttribute(MaxFormBytes))
            .RequireClientLimit(RateLimits.SignInPolicy)
            .ExcludeFromDescription();
        app.MapPost(AdminSetup.SignOutPath, SignOutAsync)
            .WithMetadata(new RequireAntiforgeryTokenAttribute(), new RequestSizeLimitAttribute(MaxFormBytes))
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// Signs in with email and password, counting failures towards the lockout, and redirects to the form's local
    /// return URL (the dashboard by default); a refusal goes back to the page with its reason in the query string.
    /// </summary>
    private static async Task<IResult> SignInAsync(HttpContext http, SignInManager<IdentityUser> signIn)
    {
        // Checked here rather than by form binding so that a stale page gets a sentence, not an error page.
        if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true } || !http.Request.HasFormContentType)
        {
            return BackToSignIn(SignInErrors.Expired, null);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var returnUrl = LocalOrNull(form["returnUrl"]);
        var email = form["email"].ToString().Trim();
        var password = form["password"].ToString();
        if (email.Length == 0 || password.Length == 0)
        {
            return BackToSignIn(SignInErrors.Missing, returnUrl);
        }

        var result = await signIn.PasswordSignInAsync(email, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return TypedResults.LocalRedirect(returnUrl ?? "/admin");
        }
        return BackToSignIn(result.IsLockedOut ? SignInErrors.LockedOut : SignInErrors.Invalid, returnUrl);
    }

    /// <summary>
    /// Sets the invited account's password through its link and signs it in (to the dashboard); a refusal goes back to
    /// the page, with the link while it still works, and the reason in the query string.
    /// </summary>
    private static async Task<IResult> AcceptInviteAsync(
        HttpContext http, StaffService staff, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn)
    {
        if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true } || !http.Request.HasFormContentType)
        {
            return BackToInvitation(null, null, InvitationErrors.Expired);
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (userId, token, password) = (form["user"].ToString(), form["token"].ToString(), form["password"].ToString());
        if (password != form["confirm"].ToString())
        {
            return BackToInvitation(userId, token, InvitationErrors.Mismatch);
        }
        var accepted = await staff.AcceptAsync(userId, token, password, http.RequestAborted);
        if (!accepted.IsSuccess)
        {
            return accepted.Error.Code == ErrorCodes.NotFound
                ? BackToInvitation(null, null, InvitationErrors.InvalidLink)
                : BackToInvitation(userId, token, InvitationErrors.Password);
        }
        var user = await users.FindByIdAsync(accepted.Value.Id) ?? throw new InvalidOperationException($"The account {accepted.Value.Id} just accepted is gone.");
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.LocalRedirect("/admin");
    }

    private static RedirectHttpResult BackToInvitation(string? userId, string? token, string error) =>
        TypedResults.LocalRedirect(QueryHelpers.AddQueryString(
            StaffService.AcceptPath, new Dictionary<string, string?> { ["user"] = userId, ["token"] = token, ["error"] = error }.Where(p => p.Value is not null)));

    private static async Task<IResult> SignOutAsync(HttpContext http, SignInManager<IdentityUser> signIn)
    {
        if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            return BackToSignIn(SignInErrors.Expired, null);
        }
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect(AdminSetup.SignInPath);
    }

    private static RedirectHttpResult BackToSignIn(string error, string? returnUrl)
    {
        var query = new Dictionary<string, string?> { ["error"] = error };
        if (returnUrl is not null)
        {
            query["ReturnUrl"] = returnUrl;
        }
        return TypedResults.LocalRedirect(QueryHelpers.AddQueryString(AdminSetup.SignInPath, query));
    }

    /// <summary>A path on this site ("/admin/orders"), never another host ("//evil.example", "/\evil.example", "https://…").</summary>
    public static string? LocalOrNull(string? url) =>
        url is ['/'] or ['/', not ('/' or '\\'), ..] && !url.Any(char.IsControl) ? url : null;
}

/// <summary>Why a sign-in was refused, as the endpoint puts it in the query string and the page shows it.</summary>
public static class SignInErrors
{
    public const string Invalid = "invalid";
    public const string LockedOut = "locked-out";
    public const string Expired = "expired";
    public const string Missing = "missing";

    public static string? Describe(string? code) => code switch
    {
        Invalid => "The email or password is not right.",
        LockedOut => "Too many failed attempts: this account is locked for a few minutes. Try again later.",
        Expired => "The form expired. Please try again.",
        Missing => "Enter your email and password.",
        _ => null,
    };
}

/// <summary>Why accepting an invitation was refused, as the endpoint puts it in the query string and the page shows it.</summary>
public static class InvitationErrors
{
    public const string InvalidLink = "link";
    public const string Password = "password";
    public const string Mismatch = "mismatch";
    public const string Expired = "expired";

    public static string? Describe(string? code) => code switch
    {
        InvalidLink => StaffService.InvalidLinkMessage,
        Password => "That password does not follow the rules below. Choose another one.",
        Mismatch => "The two passwords are not the same.",
        Expired => "The form expired. Open the link from your invitation again.",
        _ => null,
    };
}
