using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Checkout.Data.Persistence;

/// <summary>The embedded default. Timestamps are stored as UTC ticks so that SQLite can compare and order them.</summary>
public sealed class SqliteCheckoutDbContext(DbContextOptions<SqliteCheckoutDbContext> options) : CheckoutDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

internal sealed class DateTimeOffsetToUtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteCheckoutDbContext</c> build the model without the web host.</summary>
internal sealed class SqliteCheckoutDbContextDesignFactory : IDesignTimeDbContextFactory<SqliteCheckoutDbContext>
{
    public SqliteCheckoutDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCheckoutDbContext>().UseSqlite("Data Source=design.db").Options);
}
