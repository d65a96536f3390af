using System.Text;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Webhooks;

/// <summary>
/// Sends due <see cref="WebhookDelivery"/> rows to their subscriptions (ADR 16), signed with every secret that signs now.
/// A delivery is due only when the same subscription has every earlier event of the same order delivered, so an order's
/// events arrive in sequence (a cancel never before its confirm); it is claimed first by a conditional update, so no two
/// senders attempt it at once. A failure waits the outbox's backoff with jitter and is dead after
/// <see cref="WebhookOptions.Retry"/>'s dead-letter age. Every attempt is logged (<see cref="WebhookAttempt"/>).
/// </summary>
public sealed partial class WebhookSender(
    IDbContextFactory<CheckoutDbContext> dbFactory, IHttpClientFactory http, WebhookSecrets secrets, TimeProvider clock,
    IOptions<WebhookOptions> options, ILogger<WebhookSender> logger)
{
    /// <summary>The named HTTP client webhooks are sent with: checked connections, no redirects, a per-attempt timeout.</summary>
    public const string ClientName = "webhooks";

    private const int BatchSize = 100;
    private const int MaxError = 1000;

    /// <summary>Returns how many deliveries succeeded in this call.</summary>
    public async Task<int> SendOnceAsync(CancellationToken ct = default)
    {
        var o = options.Value;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var due = await (
                from d in db.WebhookDeliveries.AsNoTracking()
                where d.DeliveredAt == null && d.DeadAt == null && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil <= now)
                      && db.WebhookSubscriptions.Any(s => s.Id == d.SubscriptionId && s.Enabled)
                      && !db.WebhookDeliveries.Any(e => e.SubscriptionId == d.SubscriptionId && e.OrderId == d.OrderId && e.Sequence < d.Sequence && e.DeliveredAt == null)
                orderby d.CreatedAt, d.Sequence
                select new { d.EventId, d.SubscriptionId, d.Attempts })
            .Take(BatchSize)
            .ToListAsync(ct);
        if (due.Count == 0)
        {
            return 0;
        }
        // Longer than an attempt can take, so a claim lapses only when its sender died.
        var claimUntil = now + (o.AttemptTimeout * 2) + TimeSpan.FromSeconds(10);
        var claimed = new List<(Guid EventId, Guid SubscriptionId, int Attempt)>(due.Count);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            foreach (var d in due)
            {
                if (await Undelivered(db, d.EventId, d.SubscriptionId)
                        .Where(x => x.DeadAt == null && x.NextAttemptAt <= now && (x.ClaimedUntil == null || x.ClaimedUntil <= now))
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.Attempts, x => x.Attempts + 1).SetProperty(x => x.ClaimedUntil, claimUntil), ct) == 1)
                {
                    claimed.Add((d.EventId, d.SubscriptionId, d.Attempts + 1));
                }
            }
            await tx.CommitAsync(ct);
        }
        var eventIds = claimed.Select(c => c.EventId).Distinct().ToList();
        var subscriptionIds = claimed.Select(c => c.SubscriptionId).Distinct().ToList();
        var events = await db.WebhookEvents.AsNoTracking().Where(e => eventIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);

        var outcomes = new WebhookAttempt[claimed.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Parallelism), CancellationToken = ct },
            async (i, token) =>
            {
                var webhookEvent = events[claimed[i].EventId];
                outcomes[i] = await AttemptAsync(subscriptions[claimed[i].SubscriptionId], webhookEvent.Id, webhookEvent.Type, webhookEvent.Body, token);
            });
        await RecordAsync(db, claimed, outcomes, events, ct);
        return outcomes.Count(a => a.Succeeded);
    }

    /// <summary>Sends a <see cref="WebhookEvents.Test"/> event to the subscription now, outside the deliveries, and answers what happened.</summary>
    public async Task<Result<WebhookAttempt>> SendTestAsync(Guid subscriptionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == subscriptionId, ct) is not { } subscription)
        {
            return Error.NotFound("The webhook subscription");
        }
        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        using var data = System.Text.Json.JsonDocument.Parse("{}");
        var body = System.Text.Json.JsonSerializer.Serialize(
            new WebhookBody(id, WebhookEvents.Test, now, 0, data.RootElement.Clone(), null), OutboxMessage.PayloadJson);
        return await AttemptAsync(subscription, id, WebhookEvents.Test, body, ct);
    }

    /// <summary>One signed POST of <paramref name="body"/>; never throws for what the partner or the network did.</summary>
    private async Task<WebhookAttempt> AttemptAsync(WebhookSubscription subscription, Guid eventId, string type, string body, CancellationToken ct)
    {
        var at = clock.GetUtcNow();
        var started = clock.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(body, at, secrets.Signing(subscription, at)));
        request.Headers.Add(WebhookSignature.SubscriptionHeader, subscription.Id.ToString());
        request.Headers.Add("Checkout-Event-Id", eventId.ToString());
        request.Headers.Add("Checkout-Event-Type", type);
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var excerpt = await ExcerptAsync(response, ct);
            var latency = (long)clock.GetElapsedTime(started).TotalMilliseconds;
            return new WebhookAttempt(eventId, subscription.Id, at, (int)response.StatusCode, latency, excerpt,
                response.IsSuccessStatusCode ? null : $"The partner answered {(int)response.StatusCode}.");
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogAttemptFailed(e, eventId, subscription.Id);
            var message = e.Message.Length > MaxError ? e.Message[..MaxError] : e.Message;
            return new WebhookAttempt(eventId, subscription.Id, at, null, (long)clock.GetElapsedTime(started).TotalMilliseconds, null, message);
        }
    }

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new char[WebhookAttempt.MaxExcerpt];
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var read = await reader.ReadBlockAsync(buffer, ct);
        return new string(buffer, 0, read);
    }

    /// <summary>Logs every attempt and marks each delivery delivered, or schedules it again (or dead-letters it), in one transaction.</summary>
    private async Task RecordAsync(
        CheckoutDbContext db, List<(Guid EventId, Guid SubscriptionId, int Attempt)> claimed, WebhookAttempt[] outcomes,
        Dictionary<Guid, WebhookEvent> events, CancellationToken ct)
    {
        var retry = options.Value.Retry;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        for (var i = 0; i < claimed.Count; i++)
        {
            var (eventId, subscriptionId, attempt) = claimed[i];
            var outcome = outcomes[i];
            db.WebhookAttempts.Add(outcome);
            var subscription = db.WebhookSubscriptions.Where(s => s.Id == subscriptionId);
            if (outcome.Succeeded)
            {
                await Undelivered(db, eventId, subscriptionId).ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.DeliveredAt, now).SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null).SetProperty(d => d.LastError, (string?)null), ct);
                await subscription.ExecuteUpdateAsync(s => s.SetProperty(x => x.FailingSince, (DateTimeOffset?)null), ct);
                continue;
            }
            var dead = now - events[eventId].CreatedAt >= retry.DeadLetterAfter;
            var next = now + OutboxRetry.Delay(attempt, eventId, subscriptionId.ToString("N"), retry);
            await Undelivered(db, eventId, subscriptionId).ExecuteUpdateAsync(
                s => s.SetProperty(d => d.NextAttemptAt, next).SetProperty(d => d.DeadAt, dead ? now : null)
                    .SetProperty(d => d.LastError, outcome.Error).SetProperty(d => d.ClaimedUntil, (DateTimeOffset?)null), ct);
            await subscription.Where(s => s.FailingSince == null).ExecuteUpdateAsync(s => s.SetProperty(x => x.FailingSince, now), ct);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    internal static IQueryable<WebhookDelivery> Undelivered(CheckoutDbContext db, Guid eventId, Guid subscriptionId) =>
        db.WebhookDeliveries.Where(d => d.EventId == eventId && d.SubscriptionId == subscriptionId && d.DeliveredAt == null);

    [LoggerMessage(LogLevel.Warning, "Sending webhook event {EventId} to subscription {SubscriptionId} failed; it is retried after its backoff")]
    private partial void LogAttemptFailed(Exception exception, Guid eventId, Guid subscriptionId);
}

/// <summary>Runs <see cref="WebhookSender"/> every <see cref="WebhookOptions.SendInterval"/>.</summary>
public sealed class WebhookSenderService(WebhookSender sender, TimeProvider clock, IOptions<WebhookOptions> options, ILogger<WebhookSenderService> logger)
    : PeriodicService(clock, options.Value.SendInterval, logger)
{
    protected override Task RunOnceAsync(CancellationToken ct) => sender.SendOnceAsync(ct);
}
