using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// Runs axe-core on each page a journey reaches and fails once, at the end, listing every serious or critical
/// violation of every page (rule, element, why), so that one run shows the whole picture. Nothing is excluded:
/// a violation in the app is the app's to fix.
/// </summary>
public sealed class AccessibilityAudit(ITestOutputHelper output)
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    private readonly List<string> _findings = [];

    /// <summary>The pages checked so far, in order.</summary>
    public List<string> Pages { get; } = [];

    /// <summary>Checks the page as it is now; call it once the page shows what it is about.</summary>
    public async Task CheckAsync(IPage page, string name)
    {
        var result = await page.RunAxe();
        Pages.Add(name);
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
            $"axe found serious or critical violations:{Environment.NewLine}{string.Join(Environment.NewLine, _findings)}");

    private static string Why(AxeResultNode node)
    {
        var messages = (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? [])
            .Select(c => c.Message).Where(m => !string.IsNullOrWhiteSpace(m)).Distinct().Take(2).ToList();
        return string.Join("; ", messages);
    }

    private static string Shorten(string? html) =>
        html is null ? "" : html.Length <= 160 ? html : html[..157] + "...";
}
