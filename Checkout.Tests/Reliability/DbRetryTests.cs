using System.Data.Common;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Checkout.Tests.Reliability;

/// <summary>
/// Placing an order resumes from any point, so a transient database error (SQLite busy, a PostgreSQL deadlock) runs it
/// again; one that outlasts the retries is a <see cref="ErrorCodes.Busy"/> result, and any other error is a bug and throws.
/// The error is injected into the write that confirms the order: after the gateway captured, inside the last transaction.
/// </summary>
public abstract class DbRetryTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Checkout:DbRetries"] = "2",
        // The retry's delay is the gateway tests' subject; here it is left out so that nothing waits on the fake clock.
        ["Checkout:DbRetryDelay"] = "00:00:00",
    };

    [Fact]
    public async Task Place_WhenTheDatabaseIsBusyOnce_RunsAgainAndConfirmsOnce()
    {
        await using var shop = await CreateShopAsync(Settings);
        var checkout = await OpenCheckoutAsync(shop);
        var busy = new FailConfirmation(TransientError(), times: 1);

        var placed = ResultAssert.Success(await PlaceWithAsync(shop, busy, checkout.CheckoutSessionId));

        Assert.Equal(1, busy.Failed);
        Assert.Equal((OrderStatus.Confirmed, false), (placed.Order.Status, placed.Replayed));
        Assert.Single(placed.Order.History, h => h.To == OrderStatus.Confirmed);
        await AssertChargedOnceAsync(shop);
    }

    [Fact]
    public async Task Place_WhenTheDatabaseStaysBusy_AnswersBusyAndTheRetryConfirmsOnce()
    {
        await using var shop = await CreateShopAsync(Settings);
        var checkout = await OpenCheckoutAsync(shop);
        var busy = new FailConfirmation(TransientError(), times: int.MaxValue);

        var error = ResultAssert.Failure(await PlaceWithAsync(shop, busy, checkout.CheckoutSessionId), ErrorCodes.Busy);

        Assert.Contains("Try again", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, busy.Failed);
        Assert.Equal(OrderStatus.PaymentAuthorized, (await shop.OrderStateAsync(await OrderIdAsync(shop))).Status);
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        await AssertChargedOnceAsync(shop);
    }

    [Fact]
    public async Task Place_WhenTheDatabaseFailsOtherwise_ThrowsAtOnce()
    {
        await using var shop = await CreateShopAsync(Settings);
        var checkout = await OpenCheckoutAsync(shop);
        var broken = new FailConfirmation(PermanentError(), times: int.MaxValue);

        // The confirmation is a plain statement: the provider's own error comes through, unwrapped and not retried.
        await Assert.ThrowsAnyAsync<DbException>(() => PlaceWithAsync(shop, broken, checkout.CheckoutSessionId));

        Assert.Equal(1, broken.Failed);
    }

    private Exception TransientError() => Provider == DatabaseProvider.Sqlite
        ? new SqliteException("database is locked", 5)
        : new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected);

    private Exception PermanentError() => Provider == DatabaseProvider.Sqlite
        ? new SqliteException("CHECK constraint failed", 19)
        : new PostgresException("new row violates check constraint", "ERROR", "ERROR", PostgresErrorCodes.CheckViolation);

    /// <summary>
    /// Places the order with a place-order service whose own database work — its reads and its write units, on a writer
    /// of its own on SQLite — goes through <paramref name="interceptor"/>.
    /// </summary>
    private static async Task<Result<PlacedOrder>> PlaceWithAsync(TestShop shop, IInterceptor interceptor, Guid checkoutSessionId)
    {
        var factory = new InterceptedFactory(shop.Database, interceptor);
        await using var writer = shop.Database.Provider == DatabaseProvider.Sqlite
            ? new SqliteWriter(factory, NullLogger<SqliteWriter>.Instance)
            : null;
        WriteUnits units = writer is null ? new TransactionWriteUnits() : writer;
        var placeOrders = ActivatorUtilities.CreateInstance<PlaceOrderService>(shop.Services, factory, units);
        return await placeOrders.PlaceAsync(checkoutSessionId, Cards.Approved);
    }

    private static async Task<CheckoutView> OpenCheckoutAsync(TestShop shop)
    {
        await shop.AddProductAsync("BUSY", stock: 3);
        return await shop.OpenCheckoutAsync(lines: ("BUSY", 1));
    }

    private static async Task<Guid> OrderIdAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.Orders.Select(o => o.Id).SingleAsync();
    }

    private static async Task AssertChargedOnceAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        Assert.Equal(1, await db.Orders.CountAsync());
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(PaymentStatus.Captured, (await db.Payments.SingleAsync()).Status);
        Assert.Equal(1, await db.OutboxMessages.CountAsync());
    }

    private sealed class InterceptedFactory(TestDatabase database, IInterceptor interceptor) : IDbContextFactory<CheckoutDbContext>
    {
        public CheckoutDbContext CreateDbContext() => database.CreateContext(interceptor);
    }

    /// <summary>Fails the batch that writes the outbox message of a confirmation, <paramref name="times"/> times, with <paramref name="error"/>.</summary>
    private sealed class FailConfirmation(Exception error, int times) : DbCommandInterceptor
    {
        private int _failed;

        public int Failed => Volatile.Read(ref _failed);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            FailIfConfirmation(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            FailIfConfirmation(command);
            return ValueTask.FromResult(result);
        }

        private void FailIfConfirmation(DbCommand command)
        {
            // Compared without identifier quotes: SQLite's SQL quotes the table's name, PostgreSQL's does not need to.
            if (command.CommandText.Replace("\"", "", StringComparison.Ordinal).Contains("INSERT INTO outbox_messages", StringComparison.Ordinal) && Failed < times)
            {
                Interlocked.Increment(ref _failed);
                throw error;
            }
        }
    }
}

public sealed class DbRetryTestsOnSqlite() : DbRetryTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class DbRetryTestsOnPostgreSQL() : DbRetryTests(DatabaseProvider.PostgreSQL);
