using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Fulfillment;

/// <summary>Publishes unsent outbox messages in order of creation and marks each sent after the publisher accepted it.</summary>
public sealed partial class OutboxDispatcher(
    IDbContextFactory<CheckoutDbContext> dbFactory, IFulfillmentPublisher publisher, TimeProvider clock, ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 100;

    /// <summary>Returns how many messages were published by this call.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var pending = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null)
            .OrderBy(m => m.CreatedAt)
            .Take(BatchSize)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var message in pending)
        {
            try
            {
                await publisher.PublishAsync(message, ct);
                var now = clock.GetUtcNow();
                sent += await db.OutboxMessages
                    .Where(m => m.Id == message.Id && m.SentAt == null)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(m => m.SentAt, now)
                        .SetProperty(m => m.Attempts, m => m.Attempts + 1)
                        .SetProperty(m => m.LastError, (string?)null), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPublishFailed(e, message.Id);
                var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
                await db.OutboxMessages
                    .Where(m => m.Id == message.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.LastError, error), ct);
            }
        }
        return sent;
    }

    [LoggerMessage(LogLevel.Warning, "Publishing outbox message {MessageId} failed; it stays unsent and is retried")]
    private partial void LogPublishFailed(Exception exception, Guid messageId);
}

/// <summary>Runs <see cref="OutboxDispatcher"/> every <c>Checkout:OutboxInterval</c>.</summary>
public sealed class OutboxDispatcherService(
    OutboxDispatcher dispatcher, TimeProvider clock, IOptions<CheckoutOptions> options, ILogger<OutboxDispatcherService> logger)
    : PeriodicService(clock, options.Value.OutboxInterval, logger)
{
    protected override Task RunOnceAsync(CancellationToken ct) => dispatcher.DispatchOnceAsync(ct);
}
