using System.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Checkout.Tests.Data;

/// <summary>
/// The HoldOwners migration on a database that has data: a waitlist offer's hold, which carried the waitlist entry's
/// id in <c>holds.CheckoutSessionId</c>, gets it in its own <c>WaitlistEntryId</c> column; a checkout's hold keeps its
/// session; nothing else of either changes; and from then on the database itself refuses a hold with both owners or
/// none (<c>ck_holds_owner</c>). The rows are written and read with raw SQL against the schema of each step (on SQLite
/// Guids are upper-case TEXT and timestamps UTC ticks, as the product's converters store them).
/// </summary>
public abstract class HoldOwnersMigrationTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Previous = "IdempotencyAndOneCheckoutPerCart";
    private const string HoldOwners = "HoldOwners";
    private const string Sku = "MIG-ITEM";

    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 30, 15, 123, TimeSpan.Zero);

    [Fact]
    public async Task Migrate_MovesEachOfferHoldToItsEntryColumn_KeepsEverythingElse_AndMovesItBackDown()
    {
        await using var database = await EmptyDatabase.CreateAsync(Provider);
        var db = database.Context;
        await MigrateToAsync(db, Previous);

        var offeredEntry = Guid.NewGuid();
        var expiredEntry = Guid.NewGuid();
        var session = Guid.NewGuid();
        await InsertAsync(db, "products", ("Sku", Sku), ("Active", true), ("Category", "Test"), ("Currency", "EUR"), ("Icon", "📦"),
            ("IsHot", false), ("Name", "Migration item"), ("PriceMinor", 1000L));
        await InsertAsync(db, "inventory", ("Sku", Sku), ("Quantity", 7), ("Reserved", 3), ("Sold", 0), ("Stocked", 10));
        await InsertAsync(db, "waitlist_entries", ("Id", offeredEntry), ("CreatedAt", T0), ("Email", "offered@example.com"),
            ("OfferExpiresAt", T0.AddMinutes(15)), ("Sku", Sku), ("Status", "Offered"));
        await InsertAsync(db, "waitlist_entries", ("Id", expiredEntry), ("CreatedAt", T0.AddSeconds(1)), ("Email", "expired@example.com"),
            ("OfferExpiresAt", T0.AddMinutes(-1)), ("Sku", Sku), ("Status", "Expired"));
        await InsertAsync(db, "checkout_sessions", ("Id", session), ("CartId", Guid.NewGuid()), ("CreatedAt", T0), ("Currency", "EUR"),
            ("CustomerName", "Sam Shopper"), ("DiscountMinor", 0L), ("Email", "shopper@example.com"), ("HoldExpiresAt", T0.AddMinutes(20)),
            ("HoldExtended", true), ("PromoCode", null), ("ShippingMinor", 500L), ("Status", "Open"), ("SubtotalMinor", 2000L), ("TotalMinor", 2500L));

        // Before the migration every hold names its owner in CheckoutSessionId, a waitlist offer's hold its entry's id.
        var offerHold = new HoldRow(Guid.NewGuid(), offeredEntry, null, Sku, 1, "Active", T0.AddMinutes(1), T0.AddMinutes(15), null, false);
        var expiredOfferHold = new HoldRow(Guid.NewGuid(), expiredEntry, null, Sku, 1, "Released", T0, T0.AddMinutes(-1), T0.AddMinutes(-1).AddSeconds(3), false);
        var checkoutHold = new HoldRow(Guid.NewGuid(), session, null, Sku, 2, "Active", T0.AddSeconds(30), T0.AddMinutes(20), null, true);
        foreach (var hold in new[] { offerHold, expiredOfferHold, checkoutHold })
        {
            await InsertOldHoldAsync(db, hold);
        }

        await MigrateToAsync(db, HoldOwners);

        Assert.Equal(offerHold with { CheckoutSessionId = null, WaitlistEntryId = offeredEntry }, await HoldAsync(db, offerHold.Id));
        Assert.Equal(expiredOfferHold with { CheckoutSessionId = null, WaitlistEntryId = expiredEntry }, await HoldAsync(db, expiredOfferHold.Id));
        Assert.Equal(checkoutHold, await HoldAsync(db, checkoutHold.Id));
        Assert.Equal(3L, await ScalarAsync(db, "SELECT COUNT(*) FROM holds"));
        Assert.Equal(2L, await ScalarAsync(db, "SELECT COUNT(*) FROM waitlist_entries"));
        Assert.Equal(1L, await ScalarAsync(db, "SELECT COUNT(*) FROM checkout_sessions"));

        // And back: each offer's hold carries its entry's id in the session column again, none lost.
        await MigrateToAsync(db, Previous);

        Assert.Equal(2L, await ScalarAsync(db, "SELECT COUNT(*) FROM holds WHERE \"CheckoutSessionId\" IN (SELECT \"Id\" FROM waitlist_entries)"));
        Assert.Equal(1L, await ScalarAsync(db, "SELECT COUNT(*) FROM holds WHERE \"CheckoutSessionId\" IN (SELECT \"Id\" FROM checkout_sessions)"));
        Assert.Equal(3L, await ScalarAsync(db, "SELECT COUNT(*) FROM holds"));
    }

    [Fact]
    public async Task AfterMigration_AHoldWithBothOwnersOrNeither_IsRefusedByTheDatabase()
    {
        await using var database = await EmptyDatabase.CreateAsync(Provider);
        var db = database.Context;
        await MigrateToAsync(db, Previous);
        await MigrateToAsync(db, HoldOwners);

        var both = await Assert.ThrowsAnyAsync<DbException>(() => InsertNewHoldAsync(db, Guid.NewGuid(), Guid.NewGuid()));
        var neither = await Assert.ThrowsAnyAsync<DbException>(() => InsertNewHoldAsync(db, null, null));
        await InsertNewHoldAsync(db, Guid.NewGuid(), null);
        await InsertNewHoldAsync(db, null, Guid.NewGuid());

        Assert.Contains("ck_holds_owner", both.Message);
        Assert.Contains("ck_holds_owner", neither.Message);
        Assert.Equal(2L, await ScalarAsync(db, "SELECT COUNT(*) FROM holds"));
    }

    /// <summary>Migrates to the named migration (by its full id, which differs per provider) and checks that it is now the last one applied.</summary>
    private static async Task MigrateToAsync(CheckoutDbContext db, string name)
    {
        var id = Assert.Single(db.Database.GetMigrations(), m => m.EndsWith("_" + name, StringComparison.Ordinal));

        await db.GetService<IMigrator>().MigrateAsync(id);

        Assert.Equal(id, (await db.Database.GetAppliedMigrationsAsync()).Last());
    }

    /// <summary>A hold in the schema before HoldOwners: its owner, whoever it is, in the NOT NULL CheckoutSessionId.</summary>
    private Task InsertOldHoldAsync(CheckoutDbContext db, HoldRow hold) => InsertAsync(db, "holds",
        ("Id", hold.Id), ("CheckoutSessionId", hold.CheckoutSessionId), ("ClosedAt", hold.ClosedAt), ("CreatedAt", hold.CreatedAt),
        ("ExpiresAt", hold.ExpiresAt), ("Extended", hold.Extended), ("Quantity", hold.Quantity), ("Sku", hold.Sku), ("Status", hold.Status));

    /// <summary>A valid active hold in the schema after HoldOwners, with the given owners.</summary>
    private Task InsertNewHoldAsync(CheckoutDbContext db, Guid? checkoutSessionId, Guid? waitlistEntryId) => InsertAsync(db, "holds",
        ("Id", Guid.NewGuid()), ("CheckoutSessionId", checkoutSessionId), ("WaitlistEntryId", waitlistEntryId), ("ClosedAt", null),
        ("CreatedAt", T0), ("ExpiresAt", T0.AddMinutes(15)), ("Extended", false), ("Quantity", 1), ("Sku", Sku), ("Status", "Active"));

    /// <summary>One row by raw SQL: nulls as NULL, every other value a parameter in the provider's storage form.</summary>
    private async Task InsertAsync(CheckoutDbContext db, string table, params (string Column, object? Value)[] values)
    {
        var parameters = new List<object>();
        var placeholders = values.Select(v =>
        {
            if (v.Value is null)
            {
                return "NULL";
            }
            parameters.Add(Stored(v.Value));
            return $"{{{parameters.Count - 1}}}";
        }).ToList();
        var sql = $"INSERT INTO {table} ({string.Join(", ", values.Select(v => $"\"{v.Column}\""))}) VALUES ({string.Join(", ", placeholders)})";

        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(sql, parameters));
    }

    /// <summary>A value as the provider stores it: on SQLite a Guid is upper-case TEXT and a timestamp its UTC ticks.</summary>
    private object Stored(object value) => (Provider, value) switch
    {
        (DatabaseProvider.Sqlite, Guid guid) => guid.ToString().ToUpperInvariant(),
        (DatabaseProvider.Sqlite, DateTimeOffset at) => at.UtcTicks,
        _ => value,
    };

    /// <summary>The hold as stored, read back by raw SQL (on SQLite its Guids must still be upper-case TEXT, or the product's queries miss them).</summary>
    private async Task<HoldRow> HoldAsync(CheckoutDbContext db, Guid id)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT \"CheckoutSessionId\", \"WaitlistEntryId\", \"Sku\", \"Quantity\", \"Status\", \"CreatedAt\", \"ExpiresAt\", \"ClosedAt\", \"Extended\" " +
                "FROM holds WHERE \"Id\" = @id";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@id";
            parameter.Value = Stored(id);
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"The hold {id} is gone after the migration.");

            var hold = new HoldRow(
                id, GuidAt(reader, 0), GuidAt(reader, 1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                TimeAt(reader, 5)!.Value, TimeAt(reader, 6)!.Value, TimeAt(reader, 7), reader.GetBoolean(8));
            Assert.False(await reader.ReadAsync(), $"The hold {id} is there twice after the migration.");
            return hold;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private Guid? GuidAt(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }
        if (Provider != DatabaseProvider.Sqlite)
        {
            return reader.GetGuid(ordinal);
        }
        var text = reader.GetString(ordinal);
        Assert.Equal(text.ToUpperInvariant(), text);
        return Guid.Parse(text);
    }

    private DateTimeOffset? TimeAt(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null
        : Provider == DatabaseProvider.Sqlite ? new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero)
        : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static async Task<long> ScalarAsync(CheckoutDbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync();
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed record HoldRow(
        Guid Id, Guid? CheckoutSessionId, Guid? WaitlistEntryId, string Sku, int Quantity, string Status,
        DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? ClosedAt, bool Extended);

    /// <summary>An empty database of the provider (nothing migrated) with a context of the provider's own type on it.</summary>
    private sealed class EmptyDatabase : IAsyncDisposable
    {
        private readonly string _folder;
        private readonly TestDatabase _database;

        private EmptyDatabase(string folder, TestDatabase database)
        {
            _folder = folder;
            _database = database;
            Context = database.CreateContext();
        }

        public CheckoutDbContext Context { get; }

        public static async Task<EmptyDatabase> CreateAsync(DatabaseProvider provider)
        {
            var folder = Path.Combine(Path.GetTempPath(), "checkout-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            return new EmptyDatabase(folder, await TestDatabase.CreateAsync(provider, folder));
        }

        public async ValueTask DisposeAsync()
        {
            await Context.DisposeAsync();
            await _database.DisposeAsync();
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a finalizing connection; the temp folder is cleaned by the OS.
            }
        }
    }
}

public sealed class HoldOwnersMigrationTestsOnSqlite() : HoldOwnersMigrationTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class HoldOwnersMigrationTestsOnPostgreSQL() : HoldOwnersMigrationTests(DatabaseProvider.PostgreSQL);
