using System.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Tests.Data;

/// <summary>
/// The SQLite writer runs the write units of many callers as batches: one transaction, a savepoint per unit, one
/// commit. Each caller is answered after the commit; a unit that fails or asks to be undone leaves nothing behind and
/// takes nothing of the others with it; a batch whose commit fails leaves nothing at all and tells every caller.
/// </summary>
public class SqliteWriterTests
{
    [Fact]
    public async Task Units_RacingFrom150Tasks_ShareCommits_AndSellExactlyTheStock()
    {
        await using var shop = await TestShop.CreateAsync();
        await shop.AddProductAsync("RACE", stock: 100);
        var writer = shop.Get<SqliteWriter>();
        var before = writer.Committed;
        // Another transaction holds the write lock until every racer has handed its unit in: on two cores the racers
        // would otherwise often run one at a time, each finding the writer idle, and nothing would wait to share a commit.
        await using var other = await shop.DbAsync();
        var holding = await other.Database.BeginTransactionAsync();
        var handedIn = 0;

        var racing = Race.RunAsync(150, async _ =>
        {
            await using var db = await shop.DbAsync();
            var answer = writer.RunAsync(db, async (w, ct) => TakeOne(await TakeAsync(w, "RACE", ct)), CancellationToken.None);
            Interlocked.Increment(ref handedIn);
            return await answer;
        });
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref handedIn) == 150), "every racer handed its unit in");
        await holding.CommitAsync();
        await holding.DisposeAsync();
        var sold = await racing;

        Assert.Equal(100, sold.Count(s => s));
        Assert.Equal(0, (await shop.InventoryAsync("RACE")).Quantity);
        var (batches, units) = (writer.Committed.Batches - before.Batches, writer.Committed.Units - before.Units);
        Assert.Equal(150, units);
        Assert.True(batches < units, $"{units} units in {batches} batches: none shared a commit");
    }

    [Fact]
    public async Task Batch_WithAFailingAndAnUndoneUnit_KeepsOnlyTheOthers_AndAnswersEachCaller()
    {
        await using var shop = await TestShop.CreateAsync();
        await shop.AddProductAsync("KEEP", stock: 10);
        await shop.AddProductAsync("FAIL", stock: 10);
        await shop.AddProductAsync("UNDO", stock: 10);
        var writer = shop.Get<SqliteWriter>();
        await using var db = await shop.DbAsync();
        var before = writer.Committed;

        // The first unit holds the writer until the three others wait behind it: they then run as one batch.
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = writer.RunAsync(db, async (w, ct) =>
        {
            running.SetResult();
            await release.Task;
            return UnitResult.Keep(await TakeAsync(w, "KEEP", ct));
        }, CancellationToken.None);
        await running.Task;
        var keep = writer.RunAsync(db, async (w, ct) => UnitResult.Keep(await TakeAsync(w, "KEEP", ct)), CancellationToken.None);
        var fail = writer.RunAsync<int>(db, async (w, ct) =>
        {
            await TakeAsync(w, "FAIL", ct);
            throw new InvalidOperationException("the unit broke after its write");
        }, CancellationToken.None);
        var undo = writer.RunAsync(db, async (w, ct) => UnitResult.Undo(await TakeAsync(w, "UNDO", ct)), CancellationToken.None);
        release.SetResult();

        Assert.Equal(1, await first);
        Assert.Equal(1, await keep);
        Assert.Equal("the unit broke after its write", (await Assert.ThrowsAsync<InvalidOperationException>(() => fail)).Message);
        Assert.Equal(1, await undo);
        Assert.Equal(8, (await shop.InventoryAsync("KEEP")).Quantity);
        Assert.Equal(10, (await shop.InventoryAsync("FAIL")).Quantity);
        Assert.Equal(10, (await shop.InventoryAsync("UNDO")).Quantity);
        Assert.Equal((2, 4), (writer.Committed.Batches - before.Batches, writer.Committed.Units - before.Units));
    }

    [Fact]
    public async Task Batch_WhoseCommitFails_KeepsNothing_TellsEveryCaller_AndTheNextBatchCommits()
    {
        var commits = new FailingCommit();
        await using var shop = await TestShop.CreateAsync(interceptors: [commits]);
        await shop.AddProductAsync("LOST", stock: 10);
        var writer = shop.Get<SqliteWriter>();
        await using var db = await shop.DbAsync();

        commits.Failing = true;
        var lost = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Capture(() =>
            writer.RunAsync(db, async (w, ct) => UnitResult.Keep(await TakeAsync(w, "LOST", ct)), CancellationToken.None))));
        commits.Failing = false;

        Assert.All(lost, error => Assert.IsType<SqliteException>(error));
        Assert.Equal(10, (await shop.InventoryAsync("LOST")).Quantity);
        Assert.Equal(1, await writer.RunAsync(db, async (w, ct) => UnitResult.Keep(await TakeAsync(w, "LOST", ct)), CancellationToken.None));
        Assert.Equal(9, (await shop.InventoryAsync("LOST")).Quantity);
    }

    [Fact]
    public async Task WritersCommits_NeverCheckpoint_TheCheckpointsRunBeside()
    {
        await using var shop = await TestShop.CreateAsync();
        await shop.AddProductAsync("LOG", stock: 1_000);
        var writer = shop.Get<SqliteWriter>();
        await using var db = await shop.DbAsync();

        // Each unit alone in its batch: enough batches for several checkpoints.
        for (var i = 0; i < SqliteCheckpoints.BatchesPerCheckpoint * 3; i++)
        {
            Assert.Equal(1, await writer.RunAsync(db, async (w, ct) => UnitResult.Keep(await TakeAsync(w, "LOG", ct)), CancellationToken.None));
        }
        var autocheckpoint = await writer.RunAsync(db, async (w, ct) =>
        {
            await using var command = w.Database.GetDbConnection().CreateCommand();
            command.Transaction = w.Database.CurrentTransaction!.GetDbTransaction();
            command.CommandText = "PRAGMA wal_autocheckpoint";
            return UnitResult.Keep((long)(await command.ExecuteScalarAsync(ct))!);
        }, CancellationToken.None);

        Assert.Equal(0, autocheckpoint);
        await Eventually.TrueAsync(() => Task.FromResult(writer.Checkpoints >= 2), "the checkpoints beside the writer ran");
        Assert.Equal(1_000 - (SqliteCheckpoints.BatchesPerCheckpoint * 3), (await shop.InventoryAsync("LOG")).Quantity);
    }

    /// <summary>Takes one unit of <paramref name="sku"/> when there is one; the rows it changed.</summary>
    private static Task<int> TakeAsync(CheckoutDbContext db, string sku, CancellationToken ct) =>
        db.Inventory.Where(i => i.Sku == sku && i.Quantity >= 1).ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity - 1), ct);

    /// <summary>A take stands when it found a unit, and is undone otherwise.</summary>
    private static UnitResult<bool> TakeOne(int taken) => taken == 1 ? UnitResult.Keep(true) : UnitResult.Undo(false);

    private static async Task<Exception?> Capture(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>While <see cref="Failing"/>, every commit fails as SQLite's does when the disk is full.</summary>
    private sealed class FailingCommit : DbTransactionInterceptor
    {
        public volatile bool Failing;

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            Failing ? throw new SqliteException("database or disk is full", 13) : ValueTask.FromResult(result);
    }
}
