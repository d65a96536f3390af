using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Persistence;

internal static class DbErrors
{
    private const int SqliteConstraint = 19;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintUnique = 2067;

    /// <summary>True when the insert lost a race against a UNIQUE index or primary key.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException is SqliteException
        {
            SqliteErrorCode: SqliteConstraint,
            SqliteExtendedErrorCode: SqliteConstraintPrimaryKey or SqliteConstraintUnique,
        };
}
