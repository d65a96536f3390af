using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Fulfillment;

/// <summary>
/// Delivers unsent outbox messages, in order of creation, to every consumer that wants them (ADR 12). Each message and
/// consumer has its own delivery (<see cref="OutboxDelivery"/>): a failed one waits its backoff
/// (<see cref="OutboxRetry"/>) and is dead-lettered after <see cref="OutboxOptions.DeadLetterAfter"/>, without holding
/// back other consumers or later messages. A message is marked sent once every consumer that wants it has it.
/// <para>
/// Every instance runs one: a delivery is first claimed for <see cref="ClaimFor"/>, so only one dispatcher attempts it;
/// a claim whose dispatcher died lapses and the delivery is claimed again (consumers de-duplicate by message id, so
/// even a claimer slower than its claim costs nothing more than a redelivery). The first claim inserts the delivery
/// row, which the primary key keeps single: a dispatcher whose insert loses to another's leaves the pass to it.
/// A pass is three write units — claiming, recording outcomes, marking sent — so on SQLite it shares the writer's
/// commits instead of taking the write lock once per delivery.
/// </para>
/// </summary>
public sealed partial class OutboxDispatcher
{
    private const int BatchSize = 100;
    private const int MaxError = 1000;
    internal static readonly TimeSpan ClaimFor = TimeSpan.FromSeconds(30);

    private readonly IDbContextFactory<CheckoutDbContext> _dbFactory;
    private readonly WriteUnits _units;
    private readonly IReadOnlyList<IOutboxConsumer> _consumers;
    private readonly TimeProvider _clock;
    private readonly IOptions<CheckoutOptions> _options;
    private readonly ILogger<OutboxDispatcher> _logger;

    /// <summary>For each message type, the statement marking a message of it sent and the consumers it waits for.</summary>
    private readonly Dictionary<string, (string Sql, string[] Consumers)> _markSent;

    public OutboxDispatcher(
        IDbContextFactory<CheckoutDbContext> dbFactory, WriteUnits units, IEnumerable<IOutboxConsumer> consumers, TimeProvider clock,
        IOptions<CheckoutOptions> options, ILogger<OutboxDispatcher> logger)
    {
        _dbFactory = dbFactory;
        _units = units;
        _consumers = [.. consumers];
        _clock = clock;
        _options = options;
        _logger = logger;
        _markSent = _consumers.SelectMany(c => c.Types).Distinct(StringComparer.Ordinal).ToDictionary(
            type => type,
            type =>
            {
                string[] wanting = [.. _consumers.Where(c => c.Types.Contains(type)).Select(c => c.Name)];
                var names = string.Join(", ", wanting.Select((_, i) => $"{{{i + 2}}}"));
                return ($$"""
                    UPDATE "outbox_messages" SET "SentAt" = {1} WHERE "Id" = {0} AND "SentAt" IS NULL
                    AND (SELECT COUNT(*) FROM "outbox_deliveries"
                         WHERE "MessageId" = {0} AND "DeliveredAt" IS NOT NULL AND "Consumer" IN ({{names}})) = {{wanting.Length}}
                    """, wanting);
            },
            StringComparer.Ordinal);
    }

    /// <summary>Returns how many deliveries (a message to a consumer) succeeded in this call.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken ct = default)
    {
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        // A shop with nothing to send (most passes) answers this one indexed read, not one query per consumer.
        if (!await db.OutboxMessages.AnyAsync(m => m.SentAt == null, ct))
        {
            return 0;
        }
        var now = _clock.GetUtcNow();
        var due = new List<Due>();
        foreach (var consumer in _consumers)
        {
            due.AddRange(await DueAsync(db, consumer, now, ct));
        }
        if (due.Count == 0)
        {
            return 0;
        }
        using var span = CheckoutTracing.Span("outbox.dispatch");
        span?.SetTag("outbox.deliveries", due.Count);
        var claimed = await ClaimAsync(db, due, now, ct);
        var outcomes = new List<(Due Delivery, string? Error)>(claimed.Count);
        foreach (var delivery in claimed)
        {
            try
            {
                await delivery.Consumer.DeliverAsync(delivery.Message, ct);
                outcomes.Add((delivery, null));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDeliveryFailed(e, delivery.Message.Id, delivery.Consumer.Name);
                outcomes.Add((delivery, e.Message.Length > MaxError ? e.Message[..MaxError] : e.Message));
            }
        }
        await RecordAsync(db, outcomes, ct);
        var delivered = outcomes.Where(o => o.Error is null).Select(o => o.Delivery.Message).DistinctBy(m => m.Id).ToList();
        // Only after the deliveries are committed: a dispatcher delivering the same message to another consumer at the
        // same time then sees this one's, or this one sees its, so one of them marks the message sent.
        await MarkSentAsync(db, delivered, ct);
        return outcomes.Count(o => o.Error is null);
    }

    /// <summary>A message whose delivery to a consumer is due; <see cref="Attempts"/> is null while it has no delivery row.</summary>
    private sealed record Due(OutboxMessage Message, IOutboxConsumer Consumer, int? Attempts);

    private static async Task<List<Due>> DueAsync(CheckoutDbContext db, IOutboxConsumer consumer, DateTimeOffset now, CancellationToken ct)
    {
        var types = consumer.Types.ToList();
        var name = consumer.Name;
        var rows = await (
                from m in db.OutboxMessages.AsNoTracking()
                where m.SentAt == null && types.Contains(m.Type)
                join d in db.OutboxDeliveries.Where(d => d.Consumer == name) on m.Id equals d.MessageId into deliveries
                from d in deliveries.DefaultIfEmpty()
                where d == null
                      || (d.DeliveredAt == null && d.DeadAt == null && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil <= now))
                orderby m.CreatedAt
                select new { Message = m, Attempts = d == null ? (int?)null : d.Attempts })
            .Take(BatchSize)
            .ToListAsync(ct);
        return [.. rows.Select(r => new Due(r.Message, consumer, r.Attempts))];
    }

    /// <summary>
    /// Claims the due deliveries, each conditionally: a delivery another dispatcher claimed since the read is left to
    /// it. One that has no row yet is claimed by inserting it; when another dispatcher inserts the same row at the same
    /// moment, the primary key refuses one of them, and the loser leaves this pass's deliveries to the winner.
    /// </summary>
    private async Task<List<Due>> ClaimAsync(CheckoutDbContext db, List<Due> due, DateTimeOffset now, CancellationToken ct)
    {
        var claimUntil = now + ClaimFor;
        try
        {
            return await _units.RunAsync(db, async (w, token) =>
            {
                var mine = new List<Due>(due.Count);
                // One order for every dispatcher, so that two claiming the same rows wait for each other instead of deadlocking.
                foreach (var delivery in due.OrderBy(d => d.Message.CreatedAt).ThenBy(d => d.Message.Id).ThenBy(d => d.Consumer.Name, StringComparer.Ordinal))
                {
                    var key = Key(delivery.Message.Id, delivery.Consumer.Name);
                    var claimed = delivery.Attempts is null
                        ? await w.ExecuteAsync(
                            """
                            INSERT INTO "outbox_deliveries" ("MessageId", "Consumer", "Attempts", "NextAttemptAt", "ClaimedUntil")
                            SELECT {0}, {1}, 1, {2}, {3}
                            WHERE NOT EXISTS (SELECT 1 FROM "outbox_deliveries" WHERE "MessageId" = {0} AND "Consumer" = {1})
                            """,
                            token, key.Id, key.Consumer, Column(nameof(OutboxDelivery.NextAttemptAt), now), Column(nameof(OutboxDelivery.ClaimedUntil), claimUntil))
                        : await w.ExecuteAsync(
                            """
                            UPDATE "outbox_deliveries" SET "Attempts" = "Attempts" + 1, "ClaimedUntil" = {3}
                            WHERE "MessageId" = {0} AND "Consumer" = {1} AND "DeliveredAt" IS NULL AND "DeadAt" IS NULL
                              AND "NextAttemptAt" <= {2} AND ("ClaimedUntil" IS NULL OR "ClaimedUntil" <= {2})
                            """,
                            token, key.Id, key.Consumer, Column(nameof(OutboxDelivery.NextAttemptAt), now), Column(nameof(OutboxDelivery.ClaimedUntil), claimUntil));
                    if (claimed == 1)
                    {
                        mine.Add(delivery with { Attempts = (delivery.Attempts ?? 0) + 1 });
                    }
                }
                return UnitResult.Keep(mine);
            }, ct);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            LogClaimLost();
            return [];
        }
    }

    /// <summary>Marks the delivered deliveries, and schedules the failed ones again (or dead-letters them), in one unit.</summary>
    private async Task RecordAsync(CheckoutDbContext db, List<(Due Delivery, string? Error)> outcomes, CancellationToken ct)
    {
        if (outcomes.Count == 0)
        {
            return;
        }
        var options = _options.Value.Outbox;
        var now = _clock.GetUtcNow();
        await _units.RunAsync(db, async (w, token) =>
        {
            foreach (var (delivery, error) in outcomes)
            {
                var key = Key(delivery.Message.Id, delivery.Consumer.Name);
                if (error is null)
                {
                    await w.WriteAsync(
                        """
                        UPDATE "outbox_deliveries" SET "DeliveredAt" = {2}, "ClaimedUntil" = NULL, "LastError" = NULL
                        WHERE "MessageId" = {0} AND "Consumer" = {1} AND "DeliveredAt" IS NULL
                        """,
                        token, key.Id, key.Consumer, Column(nameof(OutboxDelivery.DeliveredAt), now));
                    continue;
                }
                var dead = now - delivery.Message.CreatedAt >= options.DeadLetterAfter;
                var next = now + OutboxRetry.Delay(delivery.Attempts ?? 1, delivery.Message.Id, delivery.Consumer.Name, options);
                await w.WriteAsync(
                    """
                    UPDATE "outbox_deliveries" SET "NextAttemptAt" = {2}, "DeadAt" = {3}, "LastError" = {4}, "ClaimedUntil" = NULL
                    WHERE "MessageId" = {0} AND "Consumer" = {1} AND "DeliveredAt" IS NULL
                    """,
                    token, key.Id, key.Consumer, Column(nameof(OutboxDelivery.NextAttemptAt), next),
                    Column(nameof(OutboxDelivery.DeadAt), dead ? now : null), Column(nameof(OutboxDelivery.LastError), error));
            }
            return UnitResult.Keep(true);
        }, ct);
    }

    private async Task MarkSentAsync(CheckoutDbContext db, List<OutboxMessage> delivered, CancellationToken ct)
    {
        if (delivered.Count == 0)
        {
            return;
        }
        var sentAt = _clock.GetUtcNow();
        await _units.RunAsync(db, async (w, token) =>
        {
            foreach (var message in delivered)
            {
                var (sql, consumers) = _markSent[message.Type];
                await w.WriteAsync(sql, token, [
                    Statements.Value.Of<OutboxMessage>(nameof(OutboxMessage.Id), message.Id),
                    Statements.Value.Of<OutboxMessage>(nameof(OutboxMessage.SentAt), sentAt),
                    .. consumers.Select(c => Column(nameof(OutboxDelivery.Consumer), c)),
                ]);
            }
            return UnitResult.Keep(true);
        }, ct);
    }

    private static (Statements.Value Id, Statements.Value Consumer) Key(Guid messageId, string consumer) =>
        (Column(nameof(OutboxDelivery.MessageId), messageId), Column(nameof(OutboxDelivery.Consumer), consumer));

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<OutboxDelivery>(property, value);

    [LoggerMessage(LogLevel.Warning, "Delivering outbox message {MessageId} to {Consumer} failed; it is retried after its backoff")]
    private partial void LogDeliveryFailed(Exception exception, Guid messageId, string consumer);

    [LoggerMessage(LogLevel.Debug, "Another dispatcher inserted a delivery this one was claiming; this pass leaves its deliveries to it")]
    private partial void LogClaimLost();
}

/// <summary>Runs <see cref="OutboxDispatcher"/> every <c>Checkout:OutboxInterval</c>.</summary>
public sealed class OutboxDispatcherService(
    OutboxDispatcher dispatcher, TimeProvider clock, IOptions<CheckoutOptions> options, ILogger<OutboxDispatcherService> logger)
    : PeriodicService(clock, options.Value.OutboxInterval, logger)
{
    protected override Task RunOnceAsync(CancellationToken ct) => dispatcher.DispatchOnceAsync(ct);
}
