using Microsoft.Playwright;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/operations: this instance's live figures.</summary>
public sealed class OperationsPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Operations", Level = 1 });

    /// <summary>A figure's value by its card (the cards' labels are text, not headings): <c>shoppers-online</c>, <c>checkouts-in-progress</c>, …</summary>
    public ILocator Figure(string card) => Page.GetByTestId(card).GetByTestId("value");

    public Task OpenAsync() => GoAsync("/admin/operations", Heading);
}
