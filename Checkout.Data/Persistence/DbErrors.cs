using Microsoft.Data.Sqlite;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Checkout.Data.Persistence;

internal static class DbErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;
    private const int SqlServerDuplicateKeyRow = 2601;
    private const int SqlServerDuplicateKeyConstraint = 2627;

    /// <summary>
    /// True when the insert lost a race against a UNIQUE index or primary key, on any of the providers: from
    /// <c>SaveChanges</c> (which wraps the provider's error) or from a plain statement (which throws it as it is).
    /// </summary>
    public static bool IsUniqueViolation(Exception exception) => (exception is DbUpdateException ? exception.InnerException : exception) switch
    {
        SqliteException e => e is { SqliteErrorCode: SqliteConstraint, SqliteExtendedErrorCode: SqliteConstraintPrimaryKey or SqliteConstraintUnique },
        PostgresException e => e.SqlState == PostgresErrorCodes.UniqueViolation,
        SqlException e => e.Number is SqlServerDuplicateKeyRow or SqlServerDuplicateKeyConstraint,
        _ => false,
    };
}
