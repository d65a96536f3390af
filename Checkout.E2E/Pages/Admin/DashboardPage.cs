using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin: today's figures and the invariants, each a count that must be 0.</summary>
public sealed class DashboardPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 });

    public ILocator InvariantsHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "Invariants", Level = 2 });

    /// <summary>
    /// One row per invariant. The rows have no role or name in the accessibility tree (the count is a chip whose
    /// aria-label is ignored on a plain div), so they are found by their test ids.
    /// </summary>
    public ILocator Invariants => Page.GetByTestId("invariants").Locator("[data-testid^='invariant-']");

    public ILocator BrokenInvariants => Page.GetByTestId("invariants").Locator("[data-testid^='invariant-'][data-holds='false']");

    public Task OpenAsync() => GoAsync("/admin", Heading);

    /// <summary>Every invariant on the dashboard counts 0.</summary>
    public async Task ExpectAllInvariantsHoldAsync()
    {
        await Expect(InvariantsHeading).ToBeVisibleAsync();
        await Expect(Invariants).Not.ToHaveCountAsync(0);
        await Expect(BrokenInvariants).ToHaveCountAsync(0);
    }
}
