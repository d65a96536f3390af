namespace Checkout.Data.Common;

/// <summary>
/// The allowed moves of one kind of status. Each status-bearing entity has exactly one table, and its ledger asks it
/// before every compare-and-set: a move outside the table is a bug in the caller, so it throws instead of writing.
/// </summary>
public sealed class TransitionTable<TStatus>
    where TStatus : struct, Enum
{
    private readonly Dictionary<TStatus, IReadOnlyList<TStatus>> _allowed;

    /// <param name="allowed">A row for every status, terminal ones with no moves; a missing row is a bug.</param>
    public TransitionTable(Dictionary<TStatus, TStatus[]> allowed)
    {
        if (Enum.GetValues<TStatus>().Where(s => !allowed.ContainsKey(s)).ToList() is [var missing, ..])
        {
            throw new ArgumentException($"The {typeof(TStatus).Name} table has no row for {missing}.", nameof(allowed));
        }
        // A copy: the table cannot change after it is built, through the caller's dictionary or a row handed out.
        _allowed = allowed.ToDictionary(row => row.Key, row => (IReadOnlyList<TStatus>)Array.AsReadOnly(row.Value.ToArray()));
    }

    public bool IsAllowed(TStatus from, TStatus to) => _allowed[from].Contains(to);

    public IReadOnlyList<TStatus> From(TStatus from) => _allowed[from];

    /// <summary>Throws unless every <paramref name="from"/> may move to <paramref name="to"/>; called by a ledger before it writes.</summary>
    public void Require(TStatus to, params ReadOnlySpan<TStatus> from)
    {
        foreach (var status in from)
        {
            if (!IsAllowed(status, to))
            {
                throw new InvalidOperationException($"{typeof(TStatus).Name} {status} → {to} is not in the transition table.");
            }
        }
    }
}
