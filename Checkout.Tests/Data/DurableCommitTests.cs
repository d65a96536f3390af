using System.Data.Common;
using Checkout.Data.Orders;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Tests.Data;

/// <summary>
/// On SQLite the commit that confirms an order runs with <c>synchronous = FULL</c> (on disk before it returns, so a
/// power loss cannot take an order the shopper was told is confirmed); every other commit keeps <c>NORMAL</c>.
/// </summary>
public class DurableCommitTests
{
    private const long Normal = 1;
    private const long Full = 2;

    [Fact]
    public async Task PlaceOrder_ConfirmingCommitIsFull_EveryOtherCommitBeforeAndAfterIsNormal()
    {
        var levels = new CommitLevels();
        await using var shop = await TestShop.CreateAsync(interceptors: [levels]);
        await shop.AddProductAsync("DURABLE", stock: 5);
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(await shop.CartWithAsync(("DURABLE", 1))));
        Assert.NotEmpty(levels.Seen);
        Assert.All(levels.Seen, level => Assert.Equal(Normal, level));

        levels.Seen.Clear();
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        // Open the order, record the authorization, confirm: only the last is durable.
        Assert.Equal([Normal, Normal, Full], levels.Seen);

        levels.Seen.Clear();
        ResultAssert.Success(await shop.StartCheckoutAsync(await shop.CartWithAsync(("DURABLE", 2))));
        Assert.NotEmpty(levels.Seen);
        Assert.All(levels.Seen, level => Assert.Equal(Normal, level));
    }

    /// <summary>Reads the connection's <c>synchronous</c> level as each transaction is about to commit.</summary>
    private sealed class CommitLevels : DbTransactionInterceptor
    {
        public List<long> Seen { get; } = [];

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA synchronous";
            var level = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            lock (Seen)
            {
                Seen.Add(level);
            }
            return result;
        }
    }
}
