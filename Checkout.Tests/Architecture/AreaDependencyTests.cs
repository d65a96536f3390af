using System.Text.RegularExpressions;

namespace Checkout.Tests.Architecture;

/// <summary>
/// The business areas of Checkout.Data (each top-level folder, namespace <c>Checkout.Data.&lt;Folder&gt;</c>) depend on
/// each other one way only: no circle, and only in the documented direction. Dependencies are read from the source:
/// the <c>using Checkout.Data.&lt;Area&gt;</c> lines (plain, <c>global</c>, <c>static</c> and alias forms) of every file
/// of an area folder. <c>Common/</c> and <c>Persistence/</c> are shared by all areas and left out; the files at the
/// root of the project compose the areas and are no area.
/// </summary>
public sealed partial class AreaDependencyTests
{
    /// <summary>Stands for every area listed above the row it appears in (the top area may use everything below it).</summary>
    private const string AnythingBelow = "(anything below)";

    /// <summary>
    /// The documented direction, from the bottom up: each area may use only the areas on its row, and a row names only
    /// areas listed before it. A new area folder is placed here (and in the ADR) before it may exist.
    /// </summary>
    private static readonly (string Area, string[] MayUse)[] Direction =
    [
        ("Payments",         []),
        ("Audit",            []),
        ("HotStock",         []),
        ("Idempotency",      []),
        ("Realtime",         []),
        ("Telemetry",        []),
        ("Notifications",    []),
        ("Fulfillment",      ["Telemetry", "Audit"]),
        ("Reliability",      ["Payments"]),
        ("Shipping",         ["Reliability", "Realtime", "Audit"]),
        ("Tax",              ["Realtime", "Audit"]),
        ("Pricing",          ["Shipping", "Tax"]),
        ("Promotions",       ["Pricing", "HotStock", "Audit"]),
        ("Inventory",        ["HotStock", "Realtime", "Audit"]),
        ("Catalog",          ["Inventory", "Realtime", "Audit"]),
        ("Carts",            ["Catalog"]),
        ("Waitlist",         ["Inventory", "Realtime", "Fulfillment", "Audit"]),
        ("CheckoutSessions", ["Carts", "Catalog", "Inventory", "Pricing", "Promotions", "Realtime", "Shipping", "Tax", "Telemetry", "Waitlist", "HotStock", "Audit"]),
        ("Orders",           ["Carts", "CheckoutSessions", "Fulfillment", "Inventory", "Payments", "Pricing", "Promotions", "Realtime", "Reliability", "Shipping", "Tax", "Telemetry", "Audit"]),
        ("Webhooks",         ["Orders", "Fulfillment", "Audit"]),
        ("Operations",       [AnythingBelow]),
    ];

    /// <summary>Top-level folders of Checkout.Data that are not areas, or are shared by all of them and left out.</summary>
    private static readonly HashSet<string> NotAreas = new(StringComparer.Ordinal) { "Common", "Persistence", "Migrations", "bin", "obj" };

    /// <summary>A using directive naming an area's namespace: <c>[global] using [static] [Alias =] [global::]Checkout.Data.&lt;Area&gt;…;</c>.</summary>
    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:@?\w+\s*=\s*)?(?:global::)?Checkout\.Data\.(?<area>\w+)\s*[.;<]", RegexOptions.Multiline)]
    private static partial Regex AreaUsing();

    [Fact]
    public void Areas_UseEachOtherWithoutCircles()
    {
        var cycles = FindCycles(ScanAreas());

        Assert.True(cycles.Count == 0,
            "The areas of Checkout.Data must depend on each other one way only, but these circles exist:\n" +
            string.Join("\n", cycles.Select(c => "  " + string.Join(" → ", c))) +
            "\nBreak each circle: move the shared piece down to the lower area, or invert the use behind an interface of the lower area.");
    }

    [Fact]
    public void Areas_UseOnlyTheAreasTheDocumentedDirectionAllows()
    {
        var problems = DirectionViolations(ScanAreas(), Direction);

        Assert.True(problems.Count == 0,
            "The areas of Checkout.Data must follow the documented direction (the Direction table in this test and the ADR):\n" +
            string.Join("\n", problems.Select(p => "  " + p)));
    }

    [Fact]
    public void Direction_EachRowNamesOnlyAreasListedBeforeIt()
    {
        var problems = new List<string>();
        var below = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (area, mayUse) in Direction)
        {
            if (!below.Add(area))
            {
                problems.Add($"{area} has two rows.");
            }
            problems.AddRange(mayUse
                .Where(used => used != AnythingBelow && (used == area || !below.Contains(used)))
                .Select(used => $"{area} may use {used}, which is not listed below it: the table would allow a circle."));
        }

        Assert.True(problems.Count == 0, "The Direction table must read from the bottom up:\n" + string.Join("\n", problems.Select(p => "  " + p)));
    }

    [Fact]
    public void Checker_ReportsEveryCircleOfAHandMadeGraph()
    {
        var graph = Graph(
            ("Alpha", "Beta"), ("Beta", "Gamma"), ("Gamma", "Alpha"), // a circle of three
            ("Delta", "Alpha"),                                       // leads into it, is no part of it
            ("Echo", "Foxtrot"), ("Foxtrot", "Echo"),                 // a second circle, of two
            ("Golf", "Hotel"));                                       // no circle

        var cycles = FindCycles(graph).Select(c => string.Join(" → ", c)).ToList();

        Assert.Equal(["Alpha → Beta → Gamma → Alpha", "Echo → Foxtrot → Echo"], cycles);
        Assert.Empty(FindCycles(Graph(("Alpha", "Beta"), ("Beta", "Gamma"), ("Alpha", "Gamma"))));
    }

    [Fact]
    public void Checker_ReportsAForbiddenUseAndAnUnplacedArea()
    {
        (string, string[])[] direction = [("Low", []), ("Middle", ["Low"]), ("Top", [AnythingBelow])];
        var graph = Graph(("Middle", "Low"), ("Top", "Middle"), ("Top", "Low"), ("Low", "Middle"), ("Stray", "Low"));

        var problems = DirectionViolations(graph, direction);

        Assert.Equal(2, problems.Count);
        Assert.Contains("Low uses Middle", problems[0]);
        Assert.Contains("Low may use no other area", problems[0]);
        Assert.Contains("Stray is an area folder the documented direction does not place", problems[1]);
    }

    [Fact]
    public void Scan_ReadsEveryFormOfUsingLine()
    {
        const string source = """
            global using Checkout.Data.Catalog;
            using Checkout.Data.Pricing;
            using static Checkout.Data.Orders.OrderStatus;
            using Ledger = Checkout.Data.Inventory.StockLedger;
            using global::Checkout.Data.Payments;
            using Checkout.Data;
            using Checkout.Data.Common;
            // using Checkout.Data.Telemetry;
            namespace Checkout.Data.Carts
            {
                using Checkout.Data.Realtime;
            }
            """;

        Assert.Equal(["Catalog", "Common", "Inventory", "Orders", "Payments", "Pricing", "Realtime"], UsedNamespaces(source).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Scan_FindsTheAreasAndTheirUses()
    {
        var graph = ScanAreas();

        Assert.True(graph.Count >= 10, $"The scan of Checkout.Data found only {graph.Count} areas ({string.Join(", ", graph.Keys)}): is the source tree where the test looks?");
        Assert.True(graph.Values.Any(uses => uses.Count > 0), "The scan of Checkout.Data found no area using another: the using lines are not being read.");
    }

    /// <summary>
    /// Each area folder of Checkout.Data with the areas it uses, and for each use the files (relative to Checkout.Data)
    /// whose using lines name it.
    /// </summary>
    private static SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> ScanAreas()
    {
        var data = Path.Combine(SolutionFolder(), "Checkout.Data");
        var graph = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(data).Where(f => !NotAreas.Contains(Path.GetFileName(f))))
        {
            var area = Path.GetFileName(folder);
            var uses = graph[area] = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Where(f => !InBuildOutput(folder, f)))
            {
                foreach (var used in UsedNamespaces(File.ReadAllText(file)))
                {
                    if (used != area && !NotAreas.Contains(used))
                    {
                        (uses.TryGetValue(used, out var files) ? files : uses[used] = new SortedSet<string>(StringComparer.Ordinal))
                            .Add(Path.GetRelativePath(data, file));
                    }
                }
            }
        }
        return graph;
    }

    /// <summary>The <c>Checkout.Data.&lt;X&gt;</c> namespaces the using lines of one source file name (X only).</summary>
    private static IEnumerable<string> UsedNamespaces(string source) =>
        AreaUsing().Matches(source).Select(m => m.Groups["area"].Value);

    private static bool InBuildOutput(string folder, string file) =>
        Path.GetRelativePath(folder, file).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) is var parts
        && parts.Any(p => p is "bin" or "obj");

    /// <summary>The folder holding Checkout.sln, found by walking up from the test's output folder.</summary>
    private static string SolutionFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Checkout.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Checkout.sln: the area test reads the source tree and must run inside it.");
    }

    /// <summary>
    /// The circles of the graph, found by a depth-first search from every node: each edge back to a node still on the
    /// search path closes a circle, so every group of areas tangled together yields at least one. A circle is written
    /// from its alphabetically first area and back to it, and reported once however many times the search meets it.
    /// </summary>
    private static List<List<string>> FindCycles(IReadOnlyDictionary<string, SortedDictionary<string, SortedSet<string>>> graph)
    {
        var cycles = new List<List<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        void Visit(string node)
        {
            seen.Add(node);
            path.Add(node);
            foreach (var next in graph.TryGetValue(node, out var uses) ? uses.Keys : Enumerable.Empty<string>())
            {
                if (!seen.Contains(next))
                {
                    Visit(next);
                }
                else if (!done.Contains(next))
                {
                    var cycle = path.GetRange(path.IndexOf(next), path.Count - path.IndexOf(next));
                    var start = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
                    List<string> rotated = [.. cycle.Skip(start), .. cycle.Take(start), cycle[start]];
                    if (!cycles.Any(c => c.SequenceEqual(rotated)))
                    {
                        cycles.Add(rotated);
                    }
                }
            }
            path.RemoveAt(path.Count - 1);
            done.Add(node);
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!seen.Contains(node))
            {
                Visit(node);
            }
        }
        return [.. cycles.OrderBy(c => string.Join(" → ", c), StringComparer.Ordinal)];
    }

    /// <summary>Each area folder the direction does not place, each use it does not allow, and each row naming no folder.</summary>
    private static List<string> DirectionViolations(
        IReadOnlyDictionary<string, SortedDictionary<string, SortedSet<string>>> graph, (string Area, string[] MayUse)[] direction)
    {
        var allowed = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (area, mayUse) in direction)
        {
            allowed[area] = mayUse.Contains(AnythingBelow) ? [.. allowed.Keys] : mayUse;
        }

        var problems = new List<string>();
        foreach (var (area, uses) in graph)
        {
            if (!allowed.TryGetValue(area, out var mayUse))
            {
                problems.Add(
                    $"{area} is an area folder the documented direction does not place: add a row for it to the Direction table " +
                    $"(and the ADR) saying which areas it may use (it uses {(uses.Count == 0 ? "none" : string.Join(", ", uses.Keys))}).");
                continue;
            }
            foreach (var (used, files) in uses.Where(u => !mayUse.Contains(u.Key)))
            {
                problems.Add(
                    $"{area} uses {used} (in {string.Join(", ", files)}), which the documented direction does not allow: " +
                    $"{area} may use {(mayUse.Length == 0 ? "no other area" : "only " + string.Join(", ", mayUse))}.");
            }
        }
        problems.AddRange(allowed.Keys.Where(area => !graph.ContainsKey(area))
            .Select(area => $"The Direction table places {area}, but Checkout.Data has no such folder: remove its row (and from the ADR) or fix the name."));
        return problems;
    }

    /// <summary>A hand-made graph from its edges (each use with no file).</summary>
    private static SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> Graph(params (string From, string To)[] edges)
    {
        var graph = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var (from, to) in edges)
        {
            (graph.TryGetValue(from, out var uses) ? uses : graph[from] = new(StringComparer.Ordinal))[to] = [];
            graph.TryAdd(to, new(StringComparer.Ordinal));
        }
        return graph;
    }
}
