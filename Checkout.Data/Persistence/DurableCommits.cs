using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Data.Persistence;

/// <summary>Transactions whose commit must survive a power loss: what the shopper is told is confirmed stays confirmed.</summary>
internal static class DurableCommits
{
    /// <summary>
    /// Begins a transaction whose commit is on disk before it returns. PostgreSQL and SQL Server commit that way
    /// anyway; on SQLite the connection runs it with <c>synchronous = FULL</c> (<see cref="SqlitePragmas"/>).
    /// </summary>
    public static Task<IDbContextTransaction> BeginDurableTransactionAsync(this CheckoutDbContext db, CancellationToken ct)
    {
        db.NextCommitDurable = db is SqliteCheckoutDbContext;
        return db.Database.BeginTransactionAsync(ct);
    }
}
