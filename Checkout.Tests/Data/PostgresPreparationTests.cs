using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Checkout.Tests.Data;

/// <summary>
/// On PostgreSQL the shop's statements are prepared on each connection after their second run (Npgsql's automatic
/// preparation) and a connection goes back to the pool without a reset, unless the connection string decides that itself.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresPreparationTests
{
    [Fact]
    public async Task ByDefault_StatementsRunTwiceArePreparedOnTheirConnection()
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        await shop.AddProductAsync("PREP-1", stock: 10);

        await shop.OpenCheckoutAsync(lines: ("PREP-1", 1));
        await shop.OpenCheckoutAsync(lines: ("PREP-1", 1));
        await shop.OpenCheckoutAsync(lines: ("PREP-1", 1));

        await using var db = await shop.DbAsync();
        var settings = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        Assert.Equal((64, true), (settings.MaxAutoPrepare, settings.NoResetOnClose));
        await db.Database.OpenConnectionAsync();
        var prepared = await db.Database.SqlQueryRaw<string>("""SELECT statement AS "Value" FROM pg_prepared_statements""").ToListAsync();
        Assert.Contains(prepared, sql => sql.Contains("\"inventory\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AConnectionStringThatSetsIt_Decides()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSQL, Path.GetTempPath());
        await using var shop = await TestShop.CreateAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:Checkout"] = database.ConnectionString + ";Max Auto Prepare=0;No Reset On Close=false" },
            DatabaseProvider.PostgreSQL);

        await using var db = await shop.DbAsync();

        var settings = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        Assert.Equal((0, false), (settings.MaxAutoPrepare, settings.NoResetOnClose));
    }
}
