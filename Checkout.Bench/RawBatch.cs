using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace Checkout.Bench;

/// <summary>
/// raw-checkout's write units on PostgreSQL, one round trip each, as the product's are there: a unit's statements are
/// queued while it runs and sent at its end as one batch, which PostgreSQL runs as one implicit transaction (all or
/// nothing). A statement whose count of changed rows decides the unit goes guarded —
/// <c>WITH g AS (statement RETURNING 1) SELECT 1 / (count(*) = rows)::int FROM g</c> — so that a wrong count raises
/// division_by_zero and fails the whole batch; the unit then answers that statement's refusal. Each shape of unit (its
/// statements in order) is a batch prepared once on the worker's connection and run again with each unit's values.
/// </summary>
internal sealed class RawBatch(RawConnection db) : IAsyncDisposable
{
    private readonly List<Queued> _queued = [];
    private readonly List<(Queued[] Shape, DbBatch Batch)> _prepared = [];

    /// <summary>
    /// Runs <paramref name="unit"/>, which queues its statements here (<see cref="Add"/>), then sends them as one batch.
    /// Returns null when the batch committed, else the unit's refusal: its own answer (nothing is sent), or that of the
    /// guarded statement that failed the batch.
    /// </summary>
    public async Task<string?> RunAsync(Func<Task<string?>> unit, CancellationToken ct)
    {
        _queued.Clear();
        if (await unit() is { } refused)
        {
            return refused;
        }
        var batch = await PreparedAsync(ct);
        for (var i = 0; i < _queued.Count; i++)
        {
            RawCommands.Bind(_queued[i].Statement.CommandText, batch.BatchCommands[i].Parameters, _queued[i].Values);
        }
        try
        {
            await batch.ExecuteNonQueryAsync(ct);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DivisionByZero && e.BatchCommand is { } failed)
        {
            return _queued[batch.BatchCommands.IndexOf(failed)].Refusal;
        }
    }

    /// <summary>
    /// Queues <paramref name="statement"/> (one of the worker's, whose text and parameters the batch takes) with these
    /// values; with <paramref name="rows"/>, guarded to change exactly that many rows, else the unit answers <paramref name="refusal"/>.
    /// </summary>
    public void Add(DbCommand statement, object?[] values, int? rows = null, string? refusal = null) =>
        _queued.Add(new Queued(statement, rows, refusal, values));

    /// <summary>The prepared batch of the queued statements' shape, prepared now if it is the first of its shape.</summary>
    private async Task<DbBatch> PreparedAsync(CancellationToken ct)
    {
        foreach (var (shape, prepared) in _prepared)
        {
            if (SameShape(shape))
            {
                return prepared;
            }
        }
        var batch = db.CreateBatch();
        foreach (var queued in _queued)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = queued.Rows is { } rows
                ? string.Create(CultureInfo.InvariantCulture, $"WITH g AS ({queued.Statement.CommandText} RETURNING 1) SELECT 1 / (count(*) = {rows})::int FROM g")
                : queued.Statement.CommandText;
            foreach (DbParameter parameter in queued.Statement.Parameters)
            {
                var copy = command.CreateParameter();
                copy.ParameterName = parameter.ParameterName;
                copy.DbType = parameter.DbType;
                command.Parameters.Add(copy);
            }
            batch.BatchCommands.Add(command);
        }
        await batch.PrepareAsync(ct);
        _prepared.Add(([.. _queued], batch));
        return batch;
    }

    private bool SameShape(Queued[] shape)
    {
        if (shape.Length != _queued.Count)
        {
            return false;
        }
        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i].Statement != _queued[i].Statement || shape[i].Rows != _queued[i].Rows)
            {
                return false;
            }
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, batch) in _prepared)
        {
            await batch.DisposeAsync();
        }
    }

    /// <summary>A statement of the unit: its values, and for a guarded one the rows it must change and the unit's answer when it does not.</summary>
    private sealed record Queued(DbCommand Statement, int? Rows, string? Refusal, object?[] Values);
}
