using System.Diagnostics;
using Checkout.Data.Persistence;

namespace Checkout.Data.Telemetry;

/// <summary>
/// The checkout's traces (ActivitySource "Checkout"): a span per use case (<c>checkout.start</c>, <c>checkout.place</c>)
/// with a child span per step, under which the database and Redis calls of that step appear through their own
/// instrumentation. Without a listener (no tracer configured) no span is made and nothing is paid.
/// </summary>
public static class CheckoutTracing
{
    public const string SourceName = "Checkout";

    /// <summary>Every ActivitySource of the shop's own: its steps, and its SQLite statements that bypass EF Core.</summary>
    public static IReadOnlyList<string> Sources { get; } = [SourceName, Statements.SourceName];

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A span for a use case, or for a step that is a whole method; null when nobody listens.</summary>
    internal static Activity? Span(string name) => Source.StartActivity(name);

    /// <summary>
    /// A span in the trace of <paramref name="traceParent"/> (the checkout's start, as the checkout keeps it),
    /// linked to the current one (the request that runs it), so that one checkout is one trace across its requests;
    /// without a trace to join, a span under the current one.
    /// </summary>
    internal static Activity? Continue(string name, string? traceParent)
    {
        if (traceParent is null || !ActivityContext.TryParse(traceParent, traceState: null, out var started))
        {
            return Span(name);
        }
        ActivityLink[]? request = Activity.Current is { } current ? [new ActivityLink(current.Context)] : null;
        return Source.StartActivity(name, ActivityKind.Internal, started, links: request);
    }

    /// <summary>Steps that follow each other under the current span (see <see cref="Steps"/>).</summary>
    internal static Steps StepsOf() => new();

    /// <summary>
    /// Consecutive steps of one use case: <see cref="Next"/> ends the running step and starts the next one as a sibling,
    /// so each step's database calls nest under it; disposing ends the last.
    /// </summary>
    internal sealed class Steps : IDisposable
    {
        private Activity? _step;

        public void Next(string name)
        {
            _step?.Dispose();
            _step = Source.StartActivity(name);
        }

        public void Dispose() => _step?.Dispose();
    }
}
