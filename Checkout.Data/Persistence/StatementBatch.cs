using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Data.Persistence;

/// <summary>
/// The statements of a write unit that runs as one batch (<see cref="BatchedWriteUnits"/>), queued by
/// <see cref="Statements"/> while the unit runs and sent together at its end. Each conditional statement carries the
/// number of rows it must change (<see cref="Statements.ExpectAsync"/>); the batch fails when one does not.
/// </summary>
internal sealed class StatementBatch
{
    private readonly List<Queued> _statements = [];

    public IReadOnlyList<Queued> Statements => _statements;

    /// <summary>The rows a crowd writes that the batch locks, which take turns (<see cref="RowTurns"/>).</summary>
    public HashSet<string> Rows { get; } = new(StringComparer.Ordinal);

    public void Add(string sql, int parameters, Func<DbCommand, int, DbParameter> bind, int? expectedRows) =>
        _statements.Add(new Queued(sql, parameters, bind, expectedRows));

    /// <summary>A queued statement: its SQL (parameters named <c>@p0</c>…), how to bind them, and the rows it must change (null: any number).</summary>
    public sealed record Queued(string Sql, int Parameters, Func<DbCommand, int, DbParameter> Bind, int? ExpectedRows);

    /// <summary>
    /// The unit asked the database something it needs before its end (a count, a read, a LINQ update, a save), which a
    /// batch cannot answer; nothing was sent, and the unit runs again statement by statement.
    /// </summary>
    public sealed class AnswerNeeded : Exception
    {
        public AnswerNeeded()
            : base("This write unit needs an answer from the database before its end; it runs statement by statement.")
        {
        }

        public AnswerNeeded(string message)
            : base(message)
        {
        }

        public AnswerNeeded(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}

/// <summary>
/// Stops every command EF Core is about to make for a context while a unit of it is being batched — before it reaches
/// the database, so nothing is written outside the batch: the unit runs again statement by statement instead.
/// </summary>
internal sealed class StatementBatchGuard : DbCommandInterceptor
{
    public override InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result) =>
        eventData.Context is CheckoutDbContext { Batch: not null } ? throw new StatementBatch.AnswerNeeded() : result;
}
