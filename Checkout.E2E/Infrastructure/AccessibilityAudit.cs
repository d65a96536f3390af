using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// Runs axe-core on each page a journey reaches, in one colour scheme, and fails once, at the end, listing every
/// serious or critical violation of every page (rule, element, why), so that one run shows the whole picture. Nothing
/// is excluded: a violation in the app is the app's to fix.
/// </summary>
public sealed class AccessibilityAudit(ITestOutputHelper output, ColorScheme scheme)
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    private readonly List<string> _findings = [];
    private int _checked;

    /// <summary>
    /// Checks the page as it is now; call it once the page shows what it is about. The colours are checked once the
    /// page has taken on the audit's scheme: the server renders light, and the circuit switches to the browser's.
    /// </summary>
    public async Task CheckAsync(IPage page, string name)
    {
        await Expect(page.GetByTestId("interactive"))
            .ToHaveAttributeAsync("data-color-scheme", scheme == ColorScheme.Dark ? "dark" : "light");
        var result = await page.RunAxe();
        _checked++;
        if (result.Violations.Length == 0)
        {
            var review = result.Incomplete.Length == 0 ? "" : $"; for a person to review: {string.Join(", ", result.Incomplete.Select(r => r.Id))}";
            output.WriteLine($"{name}: no violations ({result.Passes.Length} rules passed{review})");
        }
        foreach (var violation in result.Violations)
        {
            // Twelve "Disable" buttons of one colour are one finding: group the elements by why they fail.
            var groups = violation.Nodes
                .GroupBy(n => Why(n))
                .Select(g => $"    {g.Count()}× e.g. {g.First().Target}: {Shorten(g.First().Html)}{(g.Key.Length == 0 ? "" : " — " + g.Key)}");
            var report = string.Join(Environment.NewLine,
                [$"{name}: {violation.Impact} {violation.Id} — {violation.Help} ({violation.Nodes.Length} element(s))", .. groups]);
            output.WriteLine(report);
            if (Blocking.Contains(violation.Impact ?? ""))
            {
                _findings.Add(report);
            }
        }
    }

    /// <summary>Fails with every serious or critical violation found on any page.</summary>
    public void AssertNoSeriousViolations() =>
        Assert.True(_findings.Count == 0,
            $"axe found serious or critical violations on the {_checked} pages checked:{Environment.NewLine}{string.Join(Environment.NewLine, _findings)}");

    private static string Why(AxeResultNode node)
    {
        var messages = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? [])
            .Select(c => c.Message).Where(m => !string.IsNullOrWhiteSpace(m)).Distinct().Take(2).ToList();
        return string.Join("; ", messages);
    }

    private static string Shorten(string? html) =>
        html is null ? "" : html.Length <= 160 ? html : html[..157] + "...";
}
