using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Fulfillment;

/// <summary>
/// Publishes unsent outbox messages in order of creation and marks each sent after the publisher accepted it.
/// Every instance runs one: a message is first claimed for <see cref="ClaimFor"/> by a conditional update, so only
/// one dispatcher publishes it; a claim whose dispatcher died lapses and the message is claimed again (the consumer
/// de-duplicates by message id, so even a claimer slower than its claim costs nothing more than a redelivery).
/// </summary>
public sealed partial class OutboxDispatcher(
    IDbContextFactory<CheckoutDbContext> dbFactory, IFulfillmentPublisher publisher, TimeProvider clock, ILogger<OutboxDispatcher> logger)
{
    private const int BatchSize = 100;
    internal static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(30);

    /// <summary>Returns how many messages were published by this call.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var claimedAt = clock.GetUtcNow();
        var pending = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.SentAt == null && (m.ClaimedUntil == null || m.ClaimedUntil <= claimedAt))
            .OrderBy(m => m.CreatedAt)
            .Take(BatchSize)
            .ToListAsync(ct);
        var sent = 0;
        foreach (var message in pending)
        {
            var claimUntil = claimedAt + ClaimFor;
            var claimed = await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.SentAt == null && (m.ClaimedUntil == null || m.ClaimedUntil <= claimedAt))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, m => m.Attempts + 1).SetProperty(m => m.ClaimedUntil, claimUntil), ct) == 1;
            if (!claimed)
            {
                continue;
            }
            try
            {
                await publisher.PublishAsync(message, ct);
                var now = clock.GetUtcNow();
                sent += await db.OutboxMessages
                    .Where(m => m.Id == message.Id && m.SentAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, now).SetProperty(m => m.LastError, (string?)null), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPublishFailed(e, message.Id);
                var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
                await db.OutboxMessages
                    .Where(m => m.Id == message.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.LastError, error).SetProperty(m => m.ClaimedUntil, (DateTimeOffset?)null), ct);
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
