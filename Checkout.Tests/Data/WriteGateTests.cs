using Checkout.Data.Catalog;
using Checkout.Data.Inventory;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// The in-process queue in front of SQLite's write lock (SqliteWriteGate). A turn that is never given back would
/// make every later write wait for the gate's full timeout (10 s); each test bounds its wait well below that, so a
/// leak fails it instead of slowing it down.
/// </summary>
public class WriteGateTests
{
    private static readonly TimeSpan WellBelowTheGateTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Transaction_DisposedWithoutCommitOrRollback_GivesTheTurnBack()
    {
        await using var shop = await TestShop.CreateAsync();
        await using (var first = await shop.DbAsync())
        {
            var abandoned = await first.Database.BeginTransactionAsync();
            await abandoned.DisposeAsync();
        }

        using var bounded = new CancellationTokenSource(WellBelowTheGateTimeout);
        await using var second = await shop.DbAsync();
        await using var tx = await second.Database.BeginTransactionAsync(bounded.Token);
        await tx.CommitAsync(bounded.Token);
    }

    [Fact]
    public async Task SaveChanges_ThatFails_GivesTheTurnBack()
    {
        await using var shop = await TestShop.CreateAsync();
        await shop.AddProductAsync("GATE-1");
        await using (var db = await shop.DbAsync())
        {
            // Two rows make SaveChanges open its own transaction; a second stock row for GATE-1 breaks the primary key.
            db.Products.Add(new Product("GATE-X", "Gate X", "Test", "📦", 1000));
            db.Inventory.Add(new InventoryItem("GATE-1", 1));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        using var bounded = new CancellationTokenSource(WellBelowTheGateTimeout);
        await shop.AddProductAsync("GATE-2");
        await using var next = await shop.DbAsync();
        await using var tx = await next.Database.BeginTransactionAsync(bounded.Token);
        await tx.RollbackAsync(bounded.Token);
    }

    [Fact]
    public async Task ConcurrentWriteTransactions_EachCommitsOnce()
    {
        await using var shop = await TestShop.CreateAsync();
        await shop.AddProductAsync("GATE-Q", stock: 0);

        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            await using var db = await shop.DbAsync();
            await using var tx = await db.Database.BeginTransactionAsync(bounded.Token);
            await db.Inventory.Where(i => i.Sku == "GATE-Q")
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity + 1), bounded.Token);
            await tx.CommitAsync(bounded.Token);
        })));

        Assert.Equal(32, (await shop.InventoryAsync("GATE-Q")).Quantity);
    }

    [Fact]
    public async Task AutocommitWrite_WhileAnotherTransactionWrites_WaitsItsTurnInsteadOfMeetingTheLock()
    {
        await using var shop = await TestShop.CreateAsync();
        await shop.AddProductAsync("GATE-A", stock: 1);
        await using var holder = await shop.DbAsync();
        var holding = await holder.Database.BeginTransactionAsync();
        await holder.Inventory.Where(i => i.Sku == "GATE-A").ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, 2));

        await using var writer = await shop.DbAsync();
        await writer.Database.OpenConnectionAsync();
        // Left to SQLite's lock, this statement would give up after a second: no busy wait, and the driver's own
        // retries end with the command's timeout. Its turn in the queue is not bounded by either.
        await writer.Database.ExecuteSqlRawAsync("PRAGMA busy_timeout = 0");
        writer.Database.SetCommandTimeout(1);
        var write = writer.Inventory.Where(i => i.Sku == "GATE-A")
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity + 10));
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        await holding.CommitAsync();
        await holding.DisposeAsync();
        using var bounded = new CancellationTokenSource(WellBelowTheGateTimeout);
        Assert.Equal(1, await write.WaitAsync(bounded.Token));
        Assert.Equal(12, (await shop.InventoryAsync("GATE-A")).Quantity);
    }
}
