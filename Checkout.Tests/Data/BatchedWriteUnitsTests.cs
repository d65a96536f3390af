using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// On PostgreSQL each write unit is one round trip: its statements go as one batch, all or nothing, each conditional
/// one guarded. A guard that fails, or a unit that needs an answer before its end, runs the unit again statement by
/// statement, and nothing of the batched attempt stays.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BatchedWriteUnitsTests
{
    [Fact]
    public async Task EditingACartStartingAndPlacingAnOrder_WriteEachStepInOneRoundTrip()
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        using var trips = new RoundTrips(shop);
        await shop.AddProductAsync("BATCH-1", stock: 5);

        trips.Clear();
        var cartId = await shop.CartWithAsync(("BATCH-1", 2));
        var (create, edit) = (trips.Writes()[0], trips.Writes()[1]);
        Assert.Equal(2, trips.Writes().Count);
        Assert.Contains("""INSERT INTO "carts" """, create);
        Assert.Contains("""UPDATE "carts" """, edit);
        Assert.Contains("""INSERT INTO "cart_lines" """, edit);

        trips.Clear();
        var started = ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(cartId, "batch@example.com", "Bo Batch", null, ShippingAddress: TestAddresses.Portland)));
        var start = Assert.Single(trips.Writes());
        Assert.Contains("""UPDATE "carts" """, start);
        Assert.Contains("""UPDATE "inventory" """, start);
        Assert.Contains("""INSERT INTO "holds" """, start);
        Assert.Contains("""INSERT INTO "checkout_sessions" """, start);

        trips.Clear();
        ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(started.CheckoutSessionId, Cards.Approved));
        var steps = trips.Writes().Where(w => !w.Contains("sim_gateway_operations", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, steps.Count);
        var (open, authorize, capture) = (steps[0], steps[1], steps[2]);
        Assert.Contains("""INSERT INTO "orders" """, open);
        Assert.Contains("""UPDATE "holds" """, open);
        Assert.Contains("""UPDATE "inventory" """, authorize);
        Assert.Contains("""INSERT INTO "payments" """, authorize);
        Assert.Contains("""INSERT INTO "outbox_messages" """, capture);

        var stock = await shop.InventoryAsync("BATCH-1");
        Assert.Equal((3, 0, 2), (stock.Quantity, stock.Reserved, stock.Sold));
    }

    [Fact]
    public async Task AStart_WaitsForATurnAtItsStockRow_WhileTwoOthersHoldIt()
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        await shop.AddProductAsync("TURN-1", stock: 5);
        var cartId = await shop.CartWithAsync(("TURN-1", 1));
        var turns = shop.Get<RowTurns>();
        var first = await turns.EnterAsync(["inventory:TURN-1"], CancellationToken.None);
        using var second = await turns.EnterAsync(["inventory:TURN-1"], CancellationToken.None);

        var start = shop.StartCheckoutAsync(cartId);
        await Task.Delay(300);
        Assert.False(start.IsCompleted);
        Assert.Equal(0, (await shop.InventoryAsync("TURN-1")).Reserved);

        first.Dispose();
        ResultAssert.Success(await start.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, (await shop.InventoryAsync("TURN-1")).Reserved);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFailedGuard_LeavesNothingOfTheBatch_AndTheUnitAnswersAsStatementByStatement(bool keepsAnyway)
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        var units = shop.Get<WriteUnits>();
        var message = new OutboxMessage(OutboxTypes.OrderConfirmed, Guid.NewGuid(), "{}", TestShop.Start);
        await using var db = await shop.DbAsync();

        // The insert comes first, so the batched attempt has written it when the guard of the unknown order fails.
        var moved = await units.RunAsync(db, async (w, ct) =>
        {
            await w.InsertAsync(message, ct);
            var movedHere = await OrderLedger.TryTransitionAsync(
                w, Guid.NewGuid(), OrderStatus.Confirmed, OrderStatus.Shipped, TestShop.Start, new TransitionRequest("test"), ct);
            return movedHere || keepsAnyway ? UnitResult.Keep(movedHere) : UnitResult.Undo(movedHere);
        }, CancellationToken.None);

        Assert.False(moved);
        await using var check = await shop.DbAsync();
        Assert.Equal(keepsAnyway ? 1 : 0, await check.OutboxMessages.CountAsync(m => m.Id == message.Id));
        Assert.Equal(0, await check.OrderStatusChanges.CountAsync());
    }

    [Fact]
    public async Task AUnitThatNeedsAnAnswerBeforeItsEnd_RunsStatementByStatement_AndWritesOnce()
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        using var trips = new RoundTrips(shop);
        var units = shop.Get<WriteUnits>();
        var message = new OutboxMessage(OutboxTypes.OrderConfirmed, Guid.NewGuid(), "{}", TestShop.Start);
        await using var db = await shop.DbAsync();

        trips.Clear();
        var (claimed, seen) = await units.RunAsync(db, async (w, ct) =>
        {
            await w.InsertAsync(message, ct);
            var claimedHere = await w.ExecuteAsync(
                """UPDATE "outbox_messages" SET "SentAt" = {1} WHERE "Id" = {0}""",
                ct, Statements.Value.Of<OutboxMessage>(nameof(OutboxMessage.Id), message.Id),
                Statements.Value.Of<OutboxMessage>(nameof(OutboxMessage.SentAt), TestShop.Start));
            var seenHere = await w.OutboxMessages.AnyAsync(m => m.Id == message.Id, ct);
            return UnitResult.Keep((claimedHere, seenHere));
        }, CancellationToken.None);

        Assert.Equal((1, true), (claimed, seen));
        Assert.DoesNotContain(trips.Writes(), w => w.Contains("WITH g AS"));
        await using var check = await shop.DbAsync();
        var stored = await check.OutboxMessages.SingleAsync();
        Assert.Equal((message.Id, TestShop.Start), (stored.Id, stored.SentAt));
    }
}
