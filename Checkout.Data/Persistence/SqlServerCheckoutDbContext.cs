using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Checkout.Data.Persistence;

/// <summary>SQL Server, for shops that run on it. Timestamps are <c>datetimeoffset</c>.</summary>
public sealed class SqlServerCheckoutDbContext(DbContextOptions<SqlServerCheckoutDbContext> options) : CheckoutDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add … --context SqlServerCheckoutDbContext</c> build the model without a server.</summary>
internal sealed class SqlServerCheckoutDbContextDesignFactory : IDesignTimeDbContextFactory<SqlServerCheckoutDbContext>
{
    public SqlServerCheckoutDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerCheckoutDbContext>().UseSqlServer("Server=localhost;Database=checkout;Trusted_Connection=True;TrustServerCertificate=True").Options);
}
