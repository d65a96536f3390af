namespace Checkout.Data.HotStock;

/// <summary>
/// What one database transaction did to the Redis counters, kept on its context until the transaction ends: units
/// or uses taken from Redis ahead of the database (<see cref="Taken"/>), the database's own moves of what is left
/// (<see cref="Moves"/>), and the moves already copied to Redis at commit (<see cref="Applied"/>), so that a
/// rollback or a failed commit can give back exactly what was applied.
/// </summary>
internal sealed class HotStockWork
{
    public List<(string Counter, int Quantity, string Epoch)> Taken { get; } = [];
    public List<(string Counter, int Delta)> Moves { get; } = [];
    public List<(string Counter, int Delta, string Epoch)> Applied { get; } = [];

    public bool IsEmpty => Taken.Count == 0 && Moves.Count == 0 && Applied.Count == 0;

    public void Clear()
    {
        Taken.Clear();
        Moves.Clear();
        Applied.Clear();
    }
}
