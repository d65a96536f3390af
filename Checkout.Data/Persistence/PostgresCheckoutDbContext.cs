using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Checkout.Data.Persistence;

/// <summary>PostgreSQL, for several app instances on one database. Timestamps are <c>timestamptz</c>.</summary>
public sealed class PostgresCheckoutDbContext(DbContextOptions<PostgresCheckoutDbContext> options) : CheckoutDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresCheckoutDbContext</c> build the model without a server.</summary>
internal sealed class PostgresCheckoutDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresCheckoutDbContext>
{
    public PostgresCheckoutDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCheckoutDbContext>().UseNpgsql("Host=127.0.0.1;Database=checkout").Options);
}
