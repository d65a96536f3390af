using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>
/// /admin/sign-in: a plain HTML form posted to the server (the response sets the cookie). The page is still rendered
/// interactively, and when the circuit starts it re-renders the form, dropping whatever was typed before: wait for it.
/// </summary>
public sealed class SignInPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 });

    public ILocator Email => Page.GetByLabel("Email");

    public ILocator Password => Page.GetByLabel("Password");

    public ILocator SignInButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" });

    /// <summary>
    /// "The email or password is not right." and the like. MudBlazor 9's MudAlert renders no role=alert (and the page
    /// adds none), so there is no role to find it by: its test id it is.
    /// </summary>
    public ILocator Error => Page.GetByTestId("sign-in-error");

    public async Task OpenAsync(string? returnUrl = null)
    {
        await Page.GotoAsync(returnUrl is null ? "/admin/sign-in" : $"/admin/sign-in?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
        await WaitForCircuitAsync();
        await Expect(Heading).ToBeVisibleAsync();
    }

    public Task WaitForCircuitAsync() =>
        Page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public async Task SignInAsync(string email, string password)
    {
        await Email.FillAsync(email);
        await Password.FillAsync(password);
        await SignInButton.ClickAsync();
    }

    /// <summary>Signs the context in as <paramref name="email"/> and lands on the dashboard.</summary>
    public static async Task<DashboardPage> SignInAsAdminAsync(IPage page, string email, string password)
    {
        var signIn = new SignInPage(page);
        await signIn.OpenAsync();
        await signIn.SignInAsync(email, password);
        var dashboard = new DashboardPage(page);
        await dashboard.WaitForCircuitAsync();
        await Expect(dashboard.Heading).ToBeVisibleAsync();
        return dashboard;
    }
}
