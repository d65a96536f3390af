using Microsoft.Playwright;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/audit: the admin actions, newest first, each with who, what, its subject and the fields it changed.</summary>
public sealed class AuditLogPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Audit log", Level = 1 });

    /// <summary>The rows of the entries table (those with cells, not the header).</summary>
    public ILocator Entries => Page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Row).Filter(new() { Has = Page.GetByRole(AriaRole.Cell) });

    /// <summary>The entries of one action, found by its name as the table shows it.</summary>
    public ILocator Entry(string action) => Entries.Filter(new() { Has = Page.GetByText(action, new() { Exact = true }) });

    /// <summary>One field an entry changed, as its list item reads: "amountMinor: 1900".</summary>
    public static ILocator Change(ILocator entry, string field) => entry.GetByRole(AriaRole.Listitem).Filter(new() { HasText = field + ":" });

    public Task OpenAsync() => GoAsync("/admin/audit", Heading);
}
