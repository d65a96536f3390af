using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Fulfillment;

/// <summary>Failing: tried, failed, and due again after its backoff. Dead: failing past <see cref="OutboxOptions.DeadLetterAfter"/>, tried again only when an admin asks.</summary>
public enum OutboxDeliveryState
{
    Failing,
    Dead,
}

/// <param name="NextAttemptAt">When the dispatcher tries it again; meaningless while <see cref="Dead"/>.</param>
public sealed record OutboxDeliveryView(
    Guid MessageId, string MessageType, Guid AggregateId, string Consumer, int Attempts, DateTimeOffset NextAttemptAt,
    string? LastError, DateTimeOffset? DeadAt, DateTimeOffset MessageCreatedAt)
{
    public bool Dead => DeadAt is not null;
}

public sealed record OutboxDeliveryCounts(int Failing, int Dead);

/// <summary>The admin's view of deliveries that failed, and the "retry now" that makes one due at once.</summary>
public sealed class OutboxAdminService(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The most rows a list shows, oldest messages first; the counts tell how many there are.</summary>
    public const int MaxRows = 200;

    public async Task<IReadOnlyList<OutboxDeliveryView>> ListAsync(OutboxDeliveryState? state = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Views(db, InState(db, state)).Take(MaxRows).ToListAsync(ct);
    }

    public async Task<OutboxDeliveryCounts> CountAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return new OutboxDeliveryCounts(
            await InState(db, OutboxDeliveryState.Failing).CountAsync(ct), await InState(db, OutboxDeliveryState.Dead).CountAsync(ct));
    }

    /// <summary>
    /// Makes an undelivered delivery due now, dead or not; the next dispatcher pass attempts it. A claim under way is
    /// left alone, so the delivery is still attempted by one dispatcher at a time. Recorded as <c>outbox.retried</c> by
    /// <paramref name="actor"/>, in the same transaction.
    /// </summary>
    public async Task<Result<OutboxDeliveryView>> RetryNowAsync(Guid messageId, string consumer, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var delivery = db.OutboxDeliveries.Where(d => d.MessageId == messageId && d.Consumer == consumer);
        if (await delivery.AsNoTracking().Where(d => d.DeliveredAt == null).Select(d => new { d.NextAttemptAt, d.DeadAt }).FirstOrDefaultAsync(ct) is not { } before
            || await delivery.Where(d => d.DeliveredAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now).SetProperty(d => d.DeadAt, (DateTimeOffset?)null), ct) == 0)
        {
            return Error.NotFound($"An undelivered delivery of message {messageId} to {consumer}");
        }
        AuditLog.Record(db, actor, "outbox.retried", AuditSubject.OutboxDelivery(messageId, consumer), before, new { NextAttemptAt = now }, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return await Views(db, delivery).SingleAsync(ct);
    }

    private static IQueryable<OutboxDeliveryView> Views(CheckoutDbContext db, IQueryable<OutboxDelivery> deliveries) =>
        from d in deliveries
        join m in db.OutboxMessages on d.MessageId equals m.Id
        orderby m.CreatedAt, d.Consumer
        select new OutboxDeliveryView(d.MessageId, m.Type, m.AggregateId, d.Consumer, d.Attempts, d.NextAttemptAt, d.LastError, d.DeadAt, m.CreatedAt);

    /// <summary>Undelivered deliveries that failed at least once: dead ones, failing ones, or both when <paramref name="state"/> is null.</summary>
    private static IQueryable<OutboxDelivery> InState(CheckoutDbContext db, OutboxDeliveryState? state)
    {
        var failed = db.OutboxDeliveries.AsNoTracking().Where(d => d.DeliveredAt == null && d.LastError != null);
        return state switch
        {
            OutboxDeliveryState.Failing => failed.Where(d => d.DeadAt == null),
            OutboxDeliveryState.Dead => failed.Where(d => d.DeadAt != null),
            _ => failed,
        };
    }
}
