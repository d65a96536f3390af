using System.Data.Common;
using Checkout.Data.Payments;
using Checkout.Data.Payments.Simulator;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using SQLitePCL;

namespace Checkout.Tests.Data;

/// <summary>
/// The simulated gateway's own ledger: recording is insert-first and idempotent on the key also when many calls race,
/// its look-ups have their indexes, and on SQLite it lives in a file of its own, outside the shop's write lock.
/// </summary>
public abstract class SimulatorLedgerTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const int Racers = 40;

    /// <summary>Enough operations that a scan of the ledger costs more than its index searches, as the planner weighs it.</summary>
    private const int LedgerRows = 5_000;

    [Fact]
    public async Task Record_ManyCallsWithOneKeyAtOnce_StoreOneOperationThatEveryCallGets()
    {
        await using var shop = await CreateShopAsync();
        var ledger = shop.GatewayLedger;

        var results = await Race.RunAsync(Racers, i => ledger.RecordAsync(
            new GatewayOperation(GatewayOperationKind.Authorize, "raced", null, 1000 + i, GatewayOutcome.Approved, null, shop.Clock.GetUtcNow()),
            CancellationToken.None));

        var first = Assert.Single(results, r => r.First).Operation;
        Assert.All(results, r => Assert.Equal((first.Key, first.TransactionId, first.AmountMinor), (r.Operation.Key, r.Operation.TransactionId, r.Operation.AmountMinor)));
        var stored = Assert.Single(await shop.GatewayOperationsAsync());
        Assert.Equal((first.TransactionId, first.AmountMinor), (stored.TransactionId, stored.AmountMinor));
    }

    [Fact]
    public async Task Authorize_TheTimeoutCardManyTimesAtOnce_TimesOutOnceAndApprovesEveryOtherCallWithTheSameTransaction()
    {
        await using var shop = await CreateShopAsync();
        var gateway = ActivatorUtilities.CreateInstance<SimulatedPaymentGateway>(shop.Services);

        var results = await Race.RunAsync(Racers, _ => gateway.AuthorizeAsync("session-raced", 2500, "USD", Cards.TimesOutOnce));

        Assert.Single(results, r => r.Outcome == GatewayOutcome.Timeout);
        var approved = results.Where(r => r.Approved).ToList();
        Assert.Equal(Racers - 1, approved.Count);
        Assert.Single(approved.Select(r => r.TransactionId).Distinct());
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
    }

    [Fact]
    public async Task Initialize_RunAgain_KeepsTheRowsAndTheKeyTransactionAndParentIndexes()
    {
        await using var shop = await CreateShopAsync();
        var authorized = await shop.Get<IPaymentGateway>().AuthorizeAsync("kept", 1000, "USD", Cards.Approved);

        await shop.GatewayLedger.InitializeAsync();

        Assert.Equal(authorized.TransactionId, Assert.Single(await shop.GatewayOperationsAsync()).TransactionId);
        var (primaryKey, indexes) = await SchemaAsync(shop);
        Assert.Equal(["Key"], primaryKey);
        Assert.Equal(
            [("IX_sim_gateway_operations_ParentTransactionId", "ParentTransactionId"), ("IX_sim_gateway_operations_TransactionId", "TransactionId")],
            indexes);
    }

    [Fact]
    public async Task WithFollowUps_FindsTheAuthorizationAndEveryOperationMadeOnIt_AndNothingElse()
    {
        await using var shop = await CreateShopAsync();
        var gateway = shop.Get<IPaymentGateway>();
        var authorization = (await gateway.AuthorizeAsync("followed", 3000, "USD", Cards.Approved)).TransactionId!;
        var other = (await gateway.AuthorizeAsync("other", 3000, "USD", Cards.Approved)).TransactionId!;
        Assert.True((await gateway.CaptureAsync("capture-followed", authorization, 3000)).Approved);
        Assert.True((await gateway.RefundAsync("refund-followed", authorization, 1000)).Approved);
        Assert.False((await gateway.VoidAsync("void-followed", authorization)).Approved);
        Assert.True((await gateway.VoidAsync("void-other", other)).Approved);

        var operations = await shop.GatewayLedger.WithFollowUpsAsync([authorization]);

        Assert.Equal(
            ["Authorize:followed", "Capture:capture-followed", "Refund:refund-followed", "Void:void-followed"],
            operations.Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.Empty(await shop.GatewayLedger.WithFollowUpsAsync([]));
    }

    [Fact]
    public async Task WithFollowUps_OnALedgerOfThousands_SearchesBothIndexes_AlsoInThePlanAPreparedStatementKeeps()
    {
        await using var shop = await CreateShopAsync();
        var gateway = shop.Get<IPaymentGateway>();
        await gateway.AuthorizeAsync("planned", 100, "USD", Cards.Approved);
        var sql = SimulatorSql.For(Provider).WithFollowUps;

        var plan = Provider == DatabaseProvider.Sqlite ? await SqlitePlanAsync(shop, sql) : await PostgresGenericPlanAsync(shop, sql);

        // A capture reads its authorization's follow-ups: scanning the ledger would make every capture slower than the last.
        Assert.DoesNotContain(plan, line => line.Contains($"SCAN {SimulatorSql.Table}", StringComparison.Ordinal)
                                            || line.Contains($"Seq Scan on {SimulatorSql.Table}", StringComparison.Ordinal));
        foreach (var index in SimulatorSql.Indexes)
        {
            Assert.Contains(plan, line => line.Contains(index, StringComparison.Ordinal));
        }
    }

    /// <summary>SQLite's plan for the statement, after thousands of operations and <c>ANALYZE</c>.</summary>
    private static async Task<List<string>> SqlitePlanAsync(TestShop shop, string sql)
    {
        await using var sqlite = new SqliteConnection(SimulatorLedger.SqliteConnectionString(shop.Database.ConnectionString));
        await sqlite.OpenAsync();
        await ExecuteAsync(sqlite, $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {LedgerRows})
            INSERT INTO {SimulatorSql.Table} ("Key", "Kind", "TransactionId", "ParentTransactionId", "AmountMinor", "Outcome", "CreatedAt")
            SELECT 'Capture:' || i, 'Capture', 'sim_capture_' || i, 'sim_authorize_' || i, 100, 'Approved', '2026-01-01' FROM n;
            ANALYZE;
            """);
        return await ReadAsync(sqlite, $"EXPLAIN QUERY PLAN {sql.Replace("@Ids", "'[\"x\"]'", StringComparison.Ordinal)}", r => r.GetString(3));
    }

    /// <summary>PostgreSQL's generic plan for the statement prepared, as Npgsql's automatic preparation keeps it, after thousands of operations and <c>ANALYZE</c>.</summary>
    private static async Task<List<string>> PostgresGenericPlanAsync(TestShop shop, string sql)
    {
        await using var postgres = new NpgsqlConnection(shop.Database.ConnectionString);
        await postgres.OpenAsync();
        await ExecuteAsync(postgres, $"""
            INSERT INTO {SimulatorSql.Table} ("Key", "Kind", "TransactionId", "ParentTransactionId", "AmountMinor", "Outcome", "CreatedAt")
            SELECT 'Capture:' || i, 'Capture', 'sim_capture_' || i, 'sim_authorize_' || i, 100, 'Approved', now() FROM generate_series(1, {LedgerRows}) AS i;
            ANALYZE {SimulatorSql.Table};
            SET plan_cache_mode = force_generic_plan;
            PREPARE follow_ups(text) AS {sql.Replace("@Ids", "$1", StringComparison.Ordinal)};
            """);
        return await ReadAsync(postgres, "EXPLAIN EXECUTE follow_ups('[\"x\"]')", r => r.GetString(0));
    }

    [Fact]
    public async Task List_ReadsPastOnePage_InKeyOrder_AllKindsOrOne()
    {
        await using var shop = await CreateShopAsync();
        var gateway = shop.Get<IPaymentGateway>();
        const int authorizations = 520;
        for (var i = 0; i < authorizations; i++)
        {
            await gateway.AuthorizeAsync($"listed-{i:D4}", 100, "USD", Cards.Declined);
        }
        await gateway.CaptureAsync("capture-listed", "sim_authorize_unknown", 100);

        var all = await shop.GatewayOperationsAsync();
        var declined = await shop.GatewayOperationsAsync(GatewayOperationKind.Authorize);

        Assert.Equal(authorizations + 1, all.Count);
        Assert.Equal(all.Select(o => o.Key).Order(StringComparer.Ordinal), all.Select(o => o.Key));
        Assert.Equal(authorizations, declined.Count);
        Assert.All(declined, o => Assert.Equal((GatewayOperationKind.Authorize, GatewayOutcome.Declined), (o.Kind, o.Outcome)));
    }

    /// <summary>The ledger table's primary key columns and its other indexes with their column, read from the engine's catalog.</summary>
    private async Task<(List<string> PrimaryKey, List<(string Index, string Column)> Indexes)> SchemaAsync(TestShop shop)
    {
        if (Provider == DatabaseProvider.Sqlite)
        {
            await using var sqlite = new SqliteConnection(SimulatorLedger.SqliteConnectionString(shop.Database.ConnectionString));
            await sqlite.OpenAsync();
            return (
                await ReadAsync(sqlite, "SELECT name FROM pragma_table_info('sim_gateway_operations') WHERE pk > 0 ORDER BY pk", r => r.GetString(0)),
                await ReadAsync(sqlite, """
                    SELECT l.name, i.name FROM pragma_index_list('sim_gateway_operations') AS l, pragma_index_info(l.name) AS i
                    WHERE l.origin = 'c' ORDER BY l.name
                    """, r => (r.GetString(0), r.GetString(1))));
        }
        await using var postgres = new NpgsqlConnection(shop.Database.ConnectionString);
        await postgres.OpenAsync();
        return (
            await ReadAsync(postgres, """
                SELECT a.attname FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
                WHERE x.indrelid = 'sim_gateway_operations'::regclass AND x.indisprimary
                """, r => r.GetString(0)),
            await ReadAsync(postgres, """
                SELECT c.relname, a.attname FROM pg_index x
                JOIN pg_class c ON c.oid = x.indexrelid
                JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
                WHERE x.indrelid = 'sim_gateway_operations'::regclass AND NOT x.indisprimary ORDER BY c.relname
                """, r => (r.GetString(0), r.GetString(1))));
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<T>> ReadAsync<T>(DbConnection connection, string sql, Func<DbDataReader, T> read)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}

public sealed class SimulatorLedgerTestsOnSqlite() : SimulatorLedgerTests(DatabaseProvider.Sqlite)
{
    [Fact]
    public async Task Gateway_WhileAnotherConnectionHoldsTheShopsWriteLock_AuthorizesCapturesRefundsAndVoids()
    {
        await using var shop = await CreateShopAsync();
        var gateway = shop.Get<IPaymentGateway>();
        await using var holder = new SqliteConnection(shop.Database.ConnectionString);
        await holder.OpenAsync();
        await using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        await begin.ExecuteNonQueryAsync();

        var authorized = await gateway.AuthorizeAsync("while-locked", 4000, "USD", Cards.Approved);
        var captured = await gateway.CaptureAsync("capture-while-locked", authorized.TransactionId!, 4000);
        var refunded = await gateway.RefundAsync("refund-while-locked", authorized.TransactionId!, 4000);
        var second = await gateway.AuthorizeAsync("second-while-locked", 1000, "USD", Cards.Approved);
        var voided = await gateway.VoidAsync("void-while-locked", second.TransactionId!);

        Assert.All([authorized, captured, refunded, second, voided], r => Assert.True(r.Approved, r.Message));
        Assert.Equal(authorized, await gateway.FindAsync(GatewayOperationKind.Authorize, "while-locked"));
        Assert.Equal(0, raw.sqlite3_get_autocommit(holder.Handle)); // The BEGIN IMMEDIATE is still open: the lock was held throughout.
    }

    [Fact]
    public async Task TheShopsFile_HasNoGatewayTable_WhichLivesInAFileBesideIt()
    {
        await using var shop = await CreateShopAsync();
        await shop.Get<IPaymentGateway>().AuthorizeAsync("beside", 1000, "USD", Cards.Approved);
        var shopFile = new SqliteConnectionStringBuilder(shop.Database.ConnectionString).DataSource;

        await using var connection = new SqliteConnection(shop.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sim_gateway_operations'";

        Assert.Equal(0L, await command.ExecuteScalarAsync());
        Assert.True(File.Exists(Path.ChangeExtension(shopFile, ".gateway.db")));
        Assert.Single(await shop.GatewayOperationsAsync());
    }

    [Theory]
    [InlineData("Data Source=/srv/shop/checkout.db", "Data Source=/srv/shop/checkout.gateway.db")]
    [InlineData("Data Source=/srv/shop/checkout", "Data Source=/srv/shop/checkout.gateway")]
    [InlineData("Data Source=shop;Mode=Memory;Cache=Shared", "Data Source=shop.gateway;Mode=Memory;Cache=Shared")]
    public void ConnectionString_IsTheShopsNamedBesideIt(string shop, string gateway) =>
        Assert.Equal(gateway, SimulatorLedger.SqliteConnectionString(shop));

    [Fact]
    public async Task Ledger_OfAPrivateInMemoryShop_IsSharedByItsCallsUntilDisposed()
    {
        var connectionString = SimulatorLedger.SqliteConnectionString("Data Source=:memory:");
        Assert.Contains("Mode=Memory", connectionString, StringComparison.Ordinal);
        Assert.Contains("Cache=Shared", connectionString, StringComparison.Ordinal);
        Assert.NotEqual(connectionString, SimulatorLedger.SqliteConnectionString("Data Source=:memory:"));

        using var ledger = new SimulatorLedger(DatabaseProvider.Sqlite, "Data Source=:memory:");
        await ledger.InitializeAsync();
        SqliteConnection.ClearAllPools();
        var (stored, first) = await ledger.RecordAsync(
            new GatewayOperation(GatewayOperationKind.Void, "in-memory", "sim_authorize_x", 0, GatewayOutcome.Declined, null, TestShop.Start), CancellationToken.None);

        Assert.True(first);
        Assert.Equal(stored.TransactionId, (await ledger.FindAsync(stored.Key))?.TransactionId);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class SimulatorLedgerTestsOnPostgreSQL() : SimulatorLedgerTests(DatabaseProvider.PostgreSQL);
