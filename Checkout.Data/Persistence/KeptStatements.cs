using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Data.Persistence;

/// <summary>
/// Keeps the statements of a connection that stays open prepared: SQLite compiles each SQL text once per connection
/// instead of once per execution. EF Core makes a new command for every execution and disposes it afterwards, and
/// Microsoft.Data.Sqlite finalizes a command's prepared statement when the command is disposed, so without this
/// every statement is parsed and planned again each time it runs.
/// <para>
/// Once EF Core has set a command up (its SQL, parameters and transaction), the command is swapped for the
/// connection's kept command of the same SQL, which takes over the parameters; EF Core then runs the kept command —
/// through every other interceptor, as it would have run its own — and "disposes" it, which keeps its statement.
/// Only contexts that ask for it (<see cref="CheckoutDbContext.KeepsStatements"/>: the writer's, whose connection
/// never closes) take part; a connection that closes finalizes its statements as it always does, and the kept
/// commands prepare again when next used.
/// </para>
/// </summary>
internal sealed class KeptStatements : DbCommandInterceptor
{
    /// <summary>The kept commands of each open connection, by SQL text.</summary>
    private readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, KeptCommand>> _kept = [];

    public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
    {
        if (eventData.Context is not CheckoutDbContext { KeepsStatements: true } || result is not SqliteCommand { Connection: { } connection } made
            || made is KeptCommand)
        {
            return result;
        }
        var kept = _kept.GetOrCreateValue(connection);
        if (!kept.TryGetValue(made.CommandText, out var command) || command.InUse)
        {
            if (command is { InUse: true })
            {
                // The same SQL again while its reader is still open: this execution keeps EF Core's own command.
                return result;
            }
            command = new KeptCommand(made.CommandText, connection);
            kept[made.CommandText] = command;
        }
        command.TakeOver(made);
        return command;
    }

    /// <summary>A command whose disposal only lets go of its parameters; its prepared statement stays with it.</summary>
    private sealed class KeptCommand : SqliteCommand
    {
        public KeptCommand(string sql, SqliteConnection connection)
            : base(sql, connection)
        {
        }

        /// <summary>True while an execution of it is running or its reader is open.</summary>
        public bool InUse { get; private set; }

        public void TakeOver(SqliteCommand made)
        {
            InUse = true;
            Transaction = made.Transaction;
            CommandTimeout = made.CommandTimeout;
            Parameters.Clear();
            foreach (SqliteParameter parameter in made.Parameters)
            {
                Parameters.Add(parameter);
            }
            made.Parameters.Clear();
            made.Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            // EF Core disposes the command once it has run (and its reader has closed): it goes back to the connection.
            Parameters.Clear();
            Transaction = null;
            InUse = false;
        }
    }
}
