using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Checkout.Tests.Builders;

/// <summary>
/// Every command and batch Npgsql sends to the shop's database, by its SQL (a batch's statements joined), from the
/// "Npgsql" ActivitySource.
/// </summary>
public sealed class RoundTrips : IDisposable
{
    private readonly ConcurrentQueue<string> _sent = new();
    private readonly ActivityListener _listener;

    public RoundTrips(TestShop shop)
    {
        var database = new NpgsqlConnectionStringBuilder(shop.Database.ConnectionString).Database;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.query.text") is string sql && Equals(activity.GetTagItem("db.namespace"), database))
                {
                    _sent.Enqueue(sql);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Clear() => _sent.Clear();

    /// <summary>Every round trip since the last <see cref="Clear"/>, in the order sent.</summary>
    public IReadOnlyList<string> All() => [.. _sent];

    /// <summary>The round trips that changed rows, in the order they were sent.</summary>
    public IReadOnlyList<string> Writes() =>
        [.. _sent.Where(sql => sql.Contains("INSERT ", StringComparison.Ordinal) || sql.Contains("UPDATE ", StringComparison.Ordinal)
            || sql.Contains("DELETE ", StringComparison.Ordinal))];

    public void Dispose() => _listener.Dispose();
}
