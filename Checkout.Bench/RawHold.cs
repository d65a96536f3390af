using System.Data.Common;
using Checkout.Data.Persistence;

namespace Checkout.Bench;

/// <summary>
/// One raw-limit worker's connection: the bare SQL of a hold — BEGIN; the conditional UPDATE of the stock row; the
/// INSERT of the hold; COMMIT — on the product's schema, with its statements prepared once (<see cref="RawConnection"/>).
/// </summary>
internal sealed class RawHold : IAsyncDisposable
{
    private readonly RawConnection _db;
    private readonly DbCommand _reserve;
    private readonly DbCommand _insert;

    private RawHold(RawConnection db)
    {
        _db = db;
        _reserve = db.Command("""
            UPDATE "inventory" SET "Quantity" = "Quantity" - @n, "Reserved" = "Reserved" + @n
            WHERE "Sku" = @sku AND "Quantity" >= @n
            """, ("@n", Param.Int), ("@sku", Param.Text));
        _insert = db.Command("""
            INSERT INTO "holds" ("Id", "CheckoutSessionId", "Sku", "Quantity", "CreatedAt", "ExpiresAt", "Extended", "Status", "ClosedAt")
            VALUES (@id, @session, @sku, @n, @now, @expires, FALSE, 'Active', NULL)
            """, ("@id", Param.Id), ("@session", Param.Id), ("@sku", Param.Text), ("@n", Param.Int), ("@now", Param.Time), ("@expires", Param.Time));
    }

    /// <summary>Opens a worker's connection on the row's database and prepares its statements.</summary>
    public static async Task<RawHold> OpenAsync(DatabaseProvider provider, string connectionString)
    {
        var hold = new RawHold(await RawConnection.OpenAsync(provider, connectionString));
        await hold._db.PrepareAsync();
        return hold;
    }

    /// <summary>Holds <paramref name="quantity"/> units of <paramref name="sku"/>; false (rolled back) when too few are left.</summary>
    public async Task<bool> TryHoldAsync(string sku, int quantity, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        await _db.Begin.ExecuteNonQueryAsync(ct);
        if (await _reserve.RunAsync(ct, quantity, sku) != 1)
        {
            await _db.Rollback.ExecuteNonQueryAsync(ct);
            return false;
        }
        await _insert.RunAsync(ct, _db.Id(Guid.CreateVersion7(now)), _db.Id(Guid.CreateVersion7(now)), sku, quantity, _db.Time(now), _db.Time(now.AddMinutes(15)));
        await _db.Commit.ExecuteNonQueryAsync(ct);
        return true;
    }

    public ValueTask DisposeAsync() => _db.DisposeAsync();
}
