using System.Collections.Concurrent;

namespace Checkout.Data.Persistence;

/// <summary>
/// Turns at the rows a crowd writes, within one process: at most <see cref="PerRow"/> of its write units at once send
/// statements that lock the same row. The others wait here, where a wait costs nothing, instead of in PostgreSQL's
/// lock queue, where each waiter holds a pooled connection and a backend, and those waiting longer than a second each
/// run the deadlock check. Two, not one, so that the next writer's statements are already at the server when the row
/// is let go. Units wait only before they send anything, holding no lock of the database, so turns and row locks
/// cannot wait for each other; a unit needing several rows takes their turns in one order.
/// </summary>
internal sealed class RowTurns
{
    public const int PerRow = 2;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _rows = new(StringComparer.Ordinal);

    /// <summary>Waits for a turn at each of <paramref name="rows"/>; disposing the answer gives them back.</summary>
    public async ValueTask<Turn> EnterAsync(IReadOnlyCollection<string> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return new Turn([]);
        }
        var taken = new List<SemaphoreSlim>(rows.Count);
        try
        {
            foreach (var row in rows.Order(StringComparer.Ordinal))
            {
                var turns = _rows.GetOrAdd(row, static _ => new SemaphoreSlim(PerRow, PerRow));
                await turns.WaitAsync(ct);
                taken.Add(turns);
            }
        }
        catch
        {
            new Turn(taken).Dispose();
            throw;
        }
        return new Turn(taken);
    }

    /// <summary>The turns a unit holds until it is disposed (once: a second disposal gives nothing back).</summary>
    internal sealed class Turn(List<SemaphoreSlim> taken) : IDisposable
    {
        private List<SemaphoreSlim>? _taken = taken;

        public void Dispose()
        {
            foreach (var turns in Interlocked.Exchange(ref _taken, null) ?? [])
            {
                turns.Release();
            }
        }
    }
}
