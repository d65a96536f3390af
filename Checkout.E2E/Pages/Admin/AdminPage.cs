using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>What every back-office page has: the admin navigation and the circuit marker.</summary>
public abstract class AdminPage(IPage page)
{
    public IPage Page { get; } = page;

    public ILocator Navigation => Page.GetByRole(AriaRole.Navigation, new() { Name = "Admin" });

    public ILocator NavLink(string name) => Navigation.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    public ILocator SignOutButton => Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });

    public Task WaitForCircuitAsync() =>
        Page.GetByTestId("interactive").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    protected async Task GoAsync(string path, ILocator heading)
    {
        await Page.GotoAsync(path);
        await WaitForCircuitAsync();
        await Expect(heading).ToBeVisibleAsync();
    }
}
