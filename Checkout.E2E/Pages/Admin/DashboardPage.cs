using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin: today's figures and the invariants, each a count that must be 0.</summary>
public sealed class DashboardPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 });

    /// <summary>
    /// A chart by the start of its title ("Orders per hour"): an image whose name goes on with a summary of the values
    /// ("…: 3 in all; highest 2 (14:00).").
    /// </summary>
    public ILocator Chart(string title) => Page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex($"^{Regex.Escape(title)}\\b.*: ") });

    public ILocator InvariantsHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "Invariants", Level = 2 });

    /// <summary>
    /// One row per invariant. The rows have no role or name in the accessibility tree (a chip with the count, "0
    /// violations" to a screen reader, beside the name and description), so they are found by their test ids.
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
