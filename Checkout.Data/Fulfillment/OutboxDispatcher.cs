using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Fulfillment;

/// <summary>
/// Publishes unsent outbox messages in order of creation and marks them sent after the publisher accepted them.
/// Every instance runs one: a message is first claimed for <see cref="ClaimFor"/> by a conditional update, so only
/// one dispatcher publishes it; a claim whose dispatcher died lapses and the message is claimed again (the consumer
/// de-duplicates by message id, so even a claimer slower than its claim costs nothing more than a redelivery).
/// Claiming a pass's messages is one write unit, and so is marking the published ones sent: on SQLite they share the
/// writer's commits instead of taking the write lock once per message and statement.
/// </summary>
public sealed partial class OutboxDispatcher(
    IDbContextFactory<CheckoutDbContext> dbFactory, WriteUnits units, IFulfillmentPublisher publisher, TimeProvider clock,
    ILogger<OutboxDispatcher> logger)
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
        if (pending.Count == 0)
        {
            return 0;
        }
        using var span = CheckoutTracing.Span("outbox.dispatch");
        span?.SetTag("outbox.messages", pending.Count);
        var claimUntil = claimedAt + ClaimFor;
        // Each claim is conditional: a message another dispatcher claimed since the read is left to it.
        var claimed = await units.RunAsync(db, async (w, token) =>
        {
            var mine = new List<OutboxMessage>(pending.Count);
            foreach (var message in pending)
            {
                if (await w.ExecuteAsync(
                        """
                        UPDATE "outbox_messages" SET "Attempts" = "Attempts" + 1, "ClaimedUntil" = {2}
                        WHERE "Id" = {0} AND "SentAt" IS NULL AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= {1})
                        """,
                        token, Column(nameof(OutboxMessage.Id), message.Id), Column(nameof(OutboxMessage.ClaimedUntil), claimedAt),
                        Column(nameof(OutboxMessage.ClaimedUntil), claimUntil)) == 1)
                {
                    mine.Add(message);
                }
            }
            return UnitResult.Keep(mine);
        }, ct);
        var published = new List<Guid>(claimed.Count);
        foreach (var message in claimed)
        {
            try
            {
                await publisher.PublishAsync(message, ct);
                published.Add(message.Id);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPublishFailed(e, message.Id);
                var error = e.Message.Length > 1000 ? e.Message[..1000] : e.Message;
                await units.RunAsync(db, async (w, token) =>
                {
                    await w.WriteAsync(
                        """UPDATE "outbox_messages" SET "LastError" = {1}, "ClaimedUntil" = NULL WHERE "Id" = {0}""",
                        token, Column(nameof(OutboxMessage.Id), message.Id), Column(nameof(OutboxMessage.LastError), error));
                    return UnitResult.Keep(true);
                }, ct);
            }
        }
        if (published.Count == 0)
        {
            return 0;
        }
        var sentAt = clock.GetUtcNow();
        return await units.RunAsync(db, async (w, token) =>
        {
            var sent = 0;
            foreach (var id in published)
            {
                sent += await w.ExecuteAsync(
                    """UPDATE "outbox_messages" SET "SentAt" = {1}, "LastError" = NULL WHERE "Id" = {0} AND "SentAt" IS NULL""",
                    token, Column(nameof(OutboxMessage.Id), id), Column(nameof(OutboxMessage.SentAt), sentAt));
            }
            return UnitResult.Keep(sent);
        }, ct);
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<OutboxMessage>(property, value);

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
