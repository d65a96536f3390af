using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/promos: the list of codes with their usage, and the editor at /admin/promos/new.</summary>
public sealed class PromosPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Promo codes", Level = 1 });

    public ILocator NewCodeLink => Page.GetByRole(AriaRole.Link, new() { Name = "New code" });

    /// <summary>The code's link in the list, to its editor.</summary>
    public ILocator CodeLink(string code) => Page.GetByRole(AriaRole.Link, new() { Name = code, Exact = true });

    public ILocator Row(string code) => Page.GetByRole(AriaRole.Row).Filter(new() { Has = CodeLink(code) });

    /// <summary>The "Used / limit" cell of a code ("1 / 1"), by its column position in the row.</summary>
    public ILocator Usage(string code) => Row(code).GetByRole(AriaRole.Cell).Nth(2);

    // ---- the editor (/admin/promos/new, /admin/promos/{code})

    public ILocator EditorHeading => Page.GetByRole(AriaRole.Heading, new() { Name = "New promo code", Level = 1 });

    public ILocator CodeHeading(string code) => Page.GetByRole(AriaRole.Heading, new() { Name = $"Promo code {code}", Level = 1 });

    /// <summary>The chart of an existing code's uses per day, an image named by its summary ("Uses of WELCOME10 per day…: 1 in all…").</summary>
    public ILocator UsageChart(string code) => Page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex($"^Uses of {Regex.Escape(code)} per day") });

    public ILocator Code => Page.GetByRole(AriaRole.Textbox, new() { Name = "Code", Exact = true });

    public ILocator Kind(string name) => Page.GetByRole(AriaRole.Radio, new() { Name = name, Exact = true });

    public ILocator PercentOff => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Percent off" });

    public ILocator UsageLimit => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Usage limit (optional)" });

    public ILocator CreateButton => Page.GetByRole(AriaRole.Button, new() { Name = "Create code" });

    public Task OpenAsync() => GoAsync("/admin/promos", Heading);

    /// <summary>Creates a percentage code with a total usage limit through the editor, and waits for it in the list.</summary>
    public async Task CreatePercentageCodeAsync(string code, int percent, int usageLimit)
    {
        await NewCodeLink.ClickAsync();
        await Expect(EditorHeading).ToBeVisibleAsync();
        await Code.FillAsync(code);
        await Kind("Percentage").CheckAsync();
        await PercentOff.FillAsync(percent.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await UsageLimit.FillAsync(usageLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await CreateButton.ClickAsync();
        await Expect(Heading).ToBeVisibleAsync();
        await Expect(Row(code)).ToBeVisibleAsync();
    }
}
