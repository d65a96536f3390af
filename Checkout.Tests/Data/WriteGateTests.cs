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
}
