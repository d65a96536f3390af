using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Checkout.Bench;

/// <summary>
/// The .NET runtime's own figures of the instances the http row loads, read from the "System.Runtime" meter that
/// Checkout.Web exports on <see cref="Path"/> (Prometheus text, behind the admin key, so only with <c>--admin-key</c>):
/// processor time (<c>dotnet.process.cpu.time</c>, its user and system modes), garbage collections by generation
/// (<c>dotnet.gc.collections</c>), bytes allocated (<c>dotnet.gc.heap.total_allocated</c>) and working set
/// (<c>dotnet.process.memory.working_set</c>), scraped from all the instances at once and summed over them. Read before
/// and after the measured phase, the processor time should roughly match the one <see cref="ServerProcesses"/> reads
/// from /proc.
/// </summary>
internal sealed class AppMetrics(IReadOnlyList<HttpClient> instances, string? adminKey)
{
    public const string Path = "/metrics";

    private const string CpuTime = "dotnet_process_cpu_time_seconds_total";
    private const string Collections = "dotnet_gc_collections_total";
    private const string Allocated = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string WorkingSet = "dotnet_process_memory_working_set_bytes";

    /// <summary>The values of <see cref="Collections"/>' <c>gc_heap_generation</c> label, in the order of <see cref="RuntimeFigures.Collections"/>.</summary>
    private static readonly string[] Generations = ["gen0", "gen1", "gen2"];

    /// <summary>Why the figures are not measured (no key, an instance that did not answer, a metric missing), or null when they are.</summary>
    public string? Missing { get; private set; }

    /// <summary>The instances' figures now, summed; null when they cannot be read, as <see cref="Missing"/> then says.</summary>
    public async Task<RuntimeFigures?> ReadAsync()
    {
        if (adminKey is null)
        {
            Missing = $"the app's CPU, allocations, GCs and working set from {Path} need --admin-key";
            return null;
        }
        try
        {
            var read = await Task.WhenAll(instances.Select(instance => ScrapeAsync(instance, adminKey)));
            return read.Aggregate((sum, one) => sum + one);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException)
        {
            Missing = $"app metrics not read: {e.Message}";
            return null;
        }
    }

    private static async Task<RuntimeFigures> ScrapeAsync(HttpClient instance, string adminKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path);
        request.Headers.Add(HttpRow.AdminKeyHeader, adminKey);
        using var response = await instance.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {instance.BaseAddress}{Path[1..]} answered {(int)response.StatusCode}", null, response.StatusCode);
        }
        var samples = PrometheusText.Parse(await response.Content.ReadAsStringAsync()).ToLookup(s => s.Name);
        double Sum(string name, string? generation = null) =>
            samples[name].Where(s => generation is null || s.Labels.GetValueOrDefault("gc_heap_generation") == generation).Select(s => s.Value).ToArray() is { Length: > 0 } values
                ? values.Sum()
                : throw new InvalidDataException($"{instance.BaseAddress}{Path[1..]} has no {name}{(generation is null ? "" : $" of {generation}")} (is the System.Runtime meter exported?)");
        return new RuntimeFigures(
            TimeSpan.FromSeconds(Sum(CpuTime)), [.. Generations.Select(g => (long)Sum(Collections, g))], (long)Sum(Allocated), (long)Sum(WorkingSet));
    }
}

/// <summary>
/// The runtime figures of the http row's instances (<see cref="AppMetrics"/>), summed over them: as read at one moment,
/// or over a phase (<see cref="Since"/>).
/// </summary>
/// <param name="CpuTime">Processor time, user and system.</param>
/// <param name="Collections">
/// Garbage collections by generation (0, 1, 2), each counted once under the generation it collected — unlike
/// <see cref="GC.CollectionCount"/>, whose generation 0 counts the collections of 1 and 2 too.
/// </param>
/// <param name="AllocatedBytes">Bytes allocated on the managed heap.</param>
/// <param name="WorkingSetBytes">The processes' working set: at the moment read, also over a phase (then at its end).</param>
public sealed record RuntimeFigures(TimeSpan CpuTime, long[] Collections, long AllocatedBytes, long WorkingSetBytes)
{
    public static RuntimeFigures operator +(RuntimeFigures a, RuntimeFigures b) =>
        new(a.CpuTime + b.CpuTime, [.. a.Collections.Zip(b.Collections, (x, y) => x + y)], a.AllocatedBytes + b.AllocatedBytes, a.WorkingSetBytes + b.WorkingSetBytes);

    /// <summary>What the instances spent since <paramref name="start"/>, with the working set as it is now.</summary>
    public RuntimeFigures Since(RuntimeFigures start) =>
        new(CpuTime - start.CpuTime, [.. Collections.Zip(start.Collections, (now, then) => now - then)], AllocatedBytes - start.AllocatedBytes, WorkingSetBytes);
}

/// <summary>One sample of a Prometheus scrape: the metric's name, its labels and its value.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// The sample lines of the Prometheus text exposition format (version 0.0.4), as far as the bench reads them:
/// <c>name{label="value",…} value [timestamp]</c>. Comments (# HELP, # TYPE), blank lines and lines whose value is not
/// a number (±Inf) are skipped.
/// </summary>
internal static partial class PrometheusText
{
    public static IEnumerable<PrometheusSample> Parse(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            if (SampleLine().Match(line.Trim()) is { Success: true } sample
                && double.TryParse(sample.Groups["value"].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                var labels = LabelPair().Matches(sample.Groups["labels"].Value)
                    .ToDictionary(label => label.Groups["name"].Value, label => Escaped().Replace(label.Groups["value"].Value, Unescape));
                yield return new PrometheusSample(sample.Groups["name"].Value, labels, value);
            }
        }
    }

    /// <summary>A label value's escapes: <c>\\</c>, <c>\"</c> and <c>\n</c>.</summary>
    private static string Unescape(Match escape) => escape.Groups[1].Value == "n" ? "\n" : escape.Groups[1].Value;

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>(?:[^""}]|""(?:[^""\\]|\\.)*"")*)\})?[ \t]+(?<value>\S+)(?:[ \t]+-?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"\\(.)")]
    private static partial Regex Escaped();
}
