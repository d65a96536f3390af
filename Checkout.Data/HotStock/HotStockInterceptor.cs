using System.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Data.HotStock;

/// <summary>
/// Copies a transaction's moves of hot SKUs to their Redis counters just before it commits (its row locks still held)
/// and gives back what it took or copied when it rolls back or its commit fails. The product commits asynchronously;
/// a transaction that ends another way leaves its work to <see cref="CheckoutDbContext"/>'s disposal.
/// </summary>
internal sealed class HotStockInterceptor(RedisCounters counters) : DbTransactionInterceptor
{
    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(
        DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (Work(eventData) is { } work)
        {
            await counters.CommitAsync(work);
        }
        return result;
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Work(eventData)?.Clear();
        return Task.CompletedTask;
    }

    public override async Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Work(eventData) is { } work)
        {
            await counters.UndoAsync(work);
        }
    }

    public override async Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Work(eventData) is { } work)
        {
            await counters.UndoAsync(work);
        }
    }

    private static HotStockWork? Work(DbContextEventData eventData) =>
        eventData.Context is CheckoutDbContext { HotWork: { IsEmpty: false } work } ? work : null;
}
