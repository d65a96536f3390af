using System.Data.Common;
using System.Text.RegularExpressions;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Checkout.Tests.Data;

/// <summary>
/// Each provider's migrations match the model, and the guards the product relies on (the hold's conditional update,
/// the order's compare-and-set) reach every engine as one conditional statement. SQL Server cannot run here, so its
/// statements are captured with the connection and execution suppressed; SQLite and PostgreSQL run them for real.
/// </summary>
[Collection(PostgresCollection.Name)]
public partial class ProviderSqlTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.PostgreSQL, DatabaseProvider.SqlServer];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrations_CoverTheWholeModel(DatabaseProvider provider)
    {
        await using var db = OfflineContext(provider);

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations are behind the model: add a migration for it.");
    }

    [Fact]
    public async Task SqlServer_MigrationScript_GeneratesTheSchemaWithItsGuards()
    {
        await using var db = OfflineContext(DatabaseProvider.SqlServer);

        var script = db.GetService<IMigrator>().GenerateScript();

        Assert.Contains("CREATE TABLE [inventory]", script);
        Assert.Contains("CONSTRAINT [ck_inventory_quantity] CHECK (\"Quantity\" >= 0)", script);
        Assert.Contains("CONSTRAINT [ck_promo_used] CHECK", script);
        Assert.Contains("CREATE UNIQUE INDEX [IX_orders_CheckoutSessionId] ON [orders] ([CheckoutSessionId])", script);
        Assert.Contains("WHERE \"Status\" <> 'Released'", script);
        Assert.Contains("CREATE UNIQUE INDEX [IX_checkout_sessions_CartId_Open] ON [checkout_sessions] ([CartId]) WHERE \"Status\" = 'Open'", script);
        Assert.Contains("CONSTRAINT [ck_holds_owner] CHECK", script);
        Assert.Contains("CREATE INDEX [IX_holds_WaitlistEntryId] ON [holds] ([WaitlistEntryId]) WHERE \"WaitlistEntryId\" IS NOT NULL", script);
        Assert.Contains("datetimeoffset", script);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task HoldAndStatusChange_AreEachOneConditionalUpdate(DatabaseProvider provider)
    {
        var captured = new CapturedCommands(suppress: provider == DatabaseProvider.SqlServer);
        await using var shop = provider == DatabaseProvider.SqlServer ? null : await TestShop.CreateAsync(provider: provider);
        if (shop is not null)
        {
            await shop.AddProductAsync("SQL-ITEM", stock: 5);
        }
        await using var db = shop?.Database.CreateContext(captured) ?? OfflineContext(DatabaseProvider.SqlServer, captured);

        var reserved = await StockLedger.TryReserveAsync(db, "SQL-ITEM", 2, CancellationToken.None);
        var moved = await OrderLedger.TryTransitionAsync(
            db, Guid.NewGuid(), OrderStatus.Confirmed, OrderStatus.Shipped, TestShop.Start, new TransitionRequest("test"), CancellationToken.None);

        // Where the statements ran, their row counts are the answers: the unit was taken, the unknown order not moved.
        Assert.Equal((provider != DatabaseProvider.SqlServer, false), (reserved, moved));
        var (hold, cas) = (Normalized(captured.Texts[0]), Normalized(captured.Texts[1]));
        Assert.StartsWith("UPDATE ", hold);
        Assert.Matches(@"SET .*Quantity = (\w+\.)?Quantity - @\w+", hold);
        Assert.Matches(@"WHERE (\w+\.)?Sku = @\w+ AND (\w+\.)?Quantity >= @\w+", hold);
        Assert.StartsWith("UPDATE ", cas);
        Assert.Matches(@"Version = (\w+\.)?Version \+ 1", cas);
        Assert.Matches(@"WHERE (\w+\.)?Id = @\w+ AND (\w+\.)?Status = @\w+", cas);
        Assert.Equal(2, captured.Texts.Count);
    }

    /// <summary>The statement without identifier quoting and line breaks, so that one pattern reads every dialect.</summary>
    private static string Normalized(string sql) => Whitespace().Replace(sql.Replace("\"", "").Replace("[", "").Replace("]", ""), " ").Trim();

    /// <summary>A context that never reaches a server: enough for the model, the migrations and captured statements.</summary>
    private static CheckoutDbContext OfflineContext(DatabaseProvider provider, params IInterceptor[] interceptors) => provider switch
    {
        DatabaseProvider.Sqlite => new SqliteCheckoutDbContext(new DbContextOptionsBuilder<SqliteCheckoutDbContext>()
            .UseSqlite("Data Source=:memory:").AddInterceptors(interceptors).Options),
        DatabaseProvider.PostgreSQL => new PostgresCheckoutDbContext(new DbContextOptionsBuilder<PostgresCheckoutDbContext>()
            .UseNpgsql("Host=127.0.0.1;Database=offline").AddInterceptors(interceptors).Options),
        _ => new SqlServerCheckoutDbContext(new DbContextOptionsBuilder<SqlServerCheckoutDbContext>()
            .UseSqlServer("Server=127.0.0.1;Database=offline;TrustServerCertificate=True").AddInterceptors(interceptors).Options),
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>Records every non-query statement; with <c>suppress</c> it opens no connection and runs nothing (each affects 0 rows).</summary>
    private sealed class CapturedCommands(bool suppress) : DbCommandInterceptor, IDbConnectionInterceptor
    {
        public List<string> Texts { get; } = [];

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Texts.Add(command.CommandText);
            return ValueTask.FromResult(suppress ? InterceptionResult<int>.SuppressWithResult(0) : result);
        }

        public ValueTask<InterceptionResult> ConnectionOpeningAsync(
            DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(suppress ? InterceptionResult.Suppress() : result);
    }
}
