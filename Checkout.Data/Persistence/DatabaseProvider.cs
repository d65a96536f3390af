namespace Checkout.Data.Persistence;

/// <summary>The database engines the product runs on, chosen by <c>Database:Provider</c>.</summary>
public enum DatabaseProvider
{
    /// <summary>The embedded default: one file, no server.</summary>
    Sqlite,
    PostgreSQL,
    SqlServer,
}
