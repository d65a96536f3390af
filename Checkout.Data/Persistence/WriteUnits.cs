namespace Checkout.Data.Persistence;

/// <summary>
/// One use case's writes: conditional statements (the ledgers' intent methods) that commit together or not at all.
/// It runs on the context it is given, which is not necessarily the caller's, and does nothing else: no gateway, no
/// Redis, no events — those come before or after it, in the caller. It says with <see cref="UnitResult{T}.Keep"/>
/// whether its writes stand; a unit that throws is undone too, and its exception reaches its caller.
/// </summary>
public delegate Task<UnitResult<T>> WriteUnit<T>(CheckoutDbContext db, CancellationToken ct);

/// <summary>What a write unit answers, and whether its writes stand (<see cref="Keep"/>) or are undone.</summary>
public readonly record struct UnitResult<T>(T Value, bool Keep);

public static class UnitResult
{
    public static UnitResult<T> Keep<T>(T value) => new(value, Keep: true);

    public static UnitResult<T> Undo<T>(T value) => new(value, Keep: false);
}

/// <summary>
/// Runs write units. A unit's caller gets its answer only once its writes are committed (or undone); with
/// <c>durable</c>, once they are on disk. Events the unit raised are on the caller's context afterwards, to publish.
/// <list type="bullet">
/// <item>On SQLite, <see cref="SqliteWriter"/>: one writer with one connection runs the units of many callers in one
/// transaction and one commit.</item>
/// <item>Otherwise (and on SQLite with Redis counters), <see cref="TransactionWriteUnits"/>: each unit is a transaction
/// of its caller's own context.</item>
/// </list>
/// </summary>
public abstract class WriteUnits
{
    public abstract Task<T> RunAsync<T>(CheckoutDbContext caller, WriteUnit<T> unit, CancellationToken ct, bool durable = false);
}

/// <summary>Each unit in a transaction of its own, on its caller's context and connection.</summary>
internal sealed class TransactionWriteUnits : WriteUnits
{
    public override async Task<T> RunAsync<T>(CheckoutDbContext caller, WriteUnit<T> unit, CancellationToken ct, bool durable = false)
    {
        await using var tx = durable ? await caller.BeginDurableTransactionAsync(ct) : await caller.Database.BeginTransactionAsync(ct);
        var result = await unit(caller, ct);
        if (result.Keep)
        {
            await tx.CommitAsync(ct);
        }
        else
        {
            await tx.RollbackAsync(ct);
        }
        return result.Value;
    }
}
