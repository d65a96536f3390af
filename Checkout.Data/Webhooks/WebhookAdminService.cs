using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Webhooks;

/// <param name="Flagged">Every attempt failed for longer than <see cref="WebhookOptions.FlagFailingAfter"/>: shown on the dashboard.</param>
public sealed record WebhookSubscriptionView(
    Guid Id, string Name, string Url, IReadOnlyList<string> Events, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretUntil,
    DateTimeOffset? FailingSince, bool Flagged);

/// <summary>A subscription with its signing secret, which is shown this once.</summary>
public sealed record WebhookSecretView(WebhookSubscriptionView Subscription, string Secret);

public sealed record WebhookSubscriptionInput(string? Name, string? Url, IReadOnlyList<string>? Events, bool Enabled = true);

/// <param name="StatusCode">What the partner answered; null when it did not answer (timeout, refused connection), as <paramref name="Error"/> says.</param>
/// <param name="Excerpt">The start of the partner's answer (at most <see cref="WebhookAttempt.MaxExcerpt"/> characters).</param>
/// <param name="Succeeded">The partner answered 2xx: the event is delivered.</param>
public sealed record WebhookAttemptView(DateTimeOffset At, int? StatusCode, long LatencyMs, string? Excerpt, string? Error, bool Succeeded)
{
    public static WebhookAttemptView Of(WebhookAttempt a) => new(a.At, a.StatusCode, a.LatencyMs, a.Excerpt, a.Error, a.Succeeded);
}

/// <param name="Failed">Not delivered, and its last attempt failed (<see cref="WebhookDelivery.Failed"/>): an admin may redeliver it.</param>
public sealed record WebhookDeliveryView(
    Guid EventId, string Type, Guid OrderId, int Sequence, int Attempts, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, DateTimeOffset? DeadAt,
    string? LastError, bool Failed, IReadOnlyList<WebhookAttemptView> Log);

/// <summary>The admin's subscriptions, their secrets and their delivery log. Every change is audited in its transaction.</summary>
public sealed class WebhookAdminService(
    IDbContextFactory<CheckoutDbContext> dbFactory, WebhookSecrets secrets, TimeProvider clock, IOptions<WebhookOptions> options)
{
    private static readonly Func<WebhookDelivery, bool> IsFailed = WebhookDelivery.Failed.Compile();

    /// <summary>The most deliveries the log shows, newest first.</summary>
    public const int MaxDeliveries = 200;

    public async Task<IReadOnlyList<WebhookSubscriptionView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var all = await db.WebhookSubscriptions.AsNoTracking().ToListAsync(ct);
        return [.. all.OrderBy(s => s.CreatedAt).Select(s => View(s, now))];
    }

    /// <summary>One subscription, without its secret (which is shown only when it is minted).</summary>
    public async Task<Result<WebhookSubscriptionView>> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookSubscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } subscription
            ? View(subscription, clock.GetUtcNow())
            : Error.NotFound("The webhook subscription");
    }

    /// <summary>The enabled subscriptions whose every attempt has failed for longer than <see cref="WebhookOptions.FlagFailingAfter"/>.</summary>
    public async Task<IReadOnlyList<WebhookSubscriptionView>> FlaggedAsync(CancellationToken ct = default) =>
        [.. (await ListAsync(ct)).Where(s => s.Flagged)];

    /// <summary>Creates an enabled subscription with a new secret, answered this once.</summary>
    public async Task<Result<WebhookSecretView>> CreateAsync(WebhookSubscriptionInput input, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalidActor)
        {
            return invalidActor;
        }
        var url = await CheckAsync(input, ct);
        if (url.Value is not { } target)
        {
            return url.Error!;
        }
        var now = clock.GetUtcNow();
        var (secret, cipher) = secrets.Mint();
        var created = WebhookSubscription.Create(input.Name, target, input.Events, cipher, now);
        if (created.Value is not { } subscription)
        {
            return created.Error!;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.WebhookSubscriptions.Add(subscription);
        AuditLog.Record(db, actor, "webhook.created", AuditSubject.WebhookSubscription(subscription.Id), null, Audited(subscription), now);
        await db.SaveChangesAsync(ct);
        return new WebhookSecretView(View(subscription, now), secret);
    }

    /// <summary>Changes the name, target, events and whether it is enabled.</summary>
    public async Task<Result<WebhookSubscriptionView>> ChangeAsync(Guid id, WebhookSubscriptionInput input, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalidActor)
        {
            return invalidActor;
        }
        var url = await CheckAsync(input, ct);
        if (url.Value is not { } target)
        {
            return url.Error!;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return Error.NotFound("The webhook subscription");
        }
        var before = Audited(subscription);
        if (subscription.Change(input.Name, target, input.Events, input.Enabled) is { } invalid)
        {
            return invalid;
        }
        var now = clock.GetUtcNow();
        AuditLog.Record(db, actor, "webhook.changed", AuditSubject.WebhookSubscription(id), before, Audited(subscription), now);
        await db.SaveChangesAsync(ct);
        return View(subscription, now);
    }

    /// <summary>A new secret, answered this once; the one it replaces still signs for <see cref="WebhookOptions.RotationOverlap"/>.</summary>
    public async Task<Result<WebhookSecretView>> RotateSecretAsync(Guid id, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalidActor)
        {
            return invalidActor;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WebhookSubscriptions.FirstOrDefaultAsync(s => s.Id == id, ct) is not { } subscription)
        {
            return Error.NotFound("The webhook subscription");
        }
        var now = clock.GetUtcNow();
        var (secret, cipher) = secrets.Mint();
        subscription.Rotate(cipher, now, options.Value.RotationOverlap);
        AuditLog.Record(db, actor, "webhook.secret-rotated", AuditSubject.WebhookSubscription(id), null, new { subscription.PreviousSecretUntil }, now);
        await db.SaveChangesAsync(ct);
        return new WebhookSecretView(View(subscription, now), secret);
    }

    /// <summary>The subscription's deliveries, newest first, each with its attempts.</summary>
    public async Task<Result<IReadOnlyList<WebhookDeliveryView>>> DeliveriesAsync(Guid id, bool failedOnly = false, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct))
        {
            return Error.NotFound("The webhook subscription");
        }
        var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id);
        if (failedOnly)
        {
            deliveries = deliveries.Where(WebhookDelivery.Failed);
        }
        var rows = await (
                from d in deliveries
                join e in db.WebhookEvents on d.EventId equals e.Id
                orderby d.CreatedAt descending, d.Sequence descending
                select new { d, e.Type })
            .Take(MaxDeliveries)
            .ToListAsync(ct);
        var eventIds = rows.Select(r => r.d.EventId).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => a.SubscriptionId == id && eventIds.Contains(a.EventId)).ToListAsync(ct))
            .ToLookup(a => a.EventId);
        return rows.Select(r => new WebhookDeliveryView(
                r.d.EventId, r.Type, r.d.OrderId, r.d.Sequence, r.d.Attempts, r.d.NextAttemptAt, r.d.DeliveredAt, r.d.DeadAt, r.d.LastError, IsFailed(r.d),
                [.. attempts[r.d.EventId].OrderBy(a => a.At).Select(WebhookAttemptView.Of)]))
            .ToList();
    }

    /// <summary>
    /// Makes the subscription's failed deliveries (dead or waiting their backoff) due now, or only the one of
    /// <paramref name="eventId"/>; a claim under way is left alone. Answers how many. Audited as <c>webhook.redelivered</c>.
    /// </summary>
    public async Task<Result<int>> RedeliverAsync(Guid id, Guid? eventId, string actor, CancellationToken ct = default)
    {
        if (AuditLog.CheckActor(actor) is { } invalidActor)
        {
            return invalidActor;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, ct))
        {
            return Error.NotFound("The webhook subscription");
        }
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var failed = db.WebhookDeliveries.Where(WebhookDelivery.Failed).Where(d => d.SubscriptionId == id && (d.ClaimedUntil == null || d.ClaimedUntil <= now));
        if (eventId is { } one)
        {
            failed = failed.Where(d => d.EventId == one);
        }
        var count = await failed.ExecuteUpdateAsync(s => s.SetProperty(d => d.NextAttemptAt, now).SetProperty(d => d.DeadAt, (DateTimeOffset?)null), ct);
        if (eventId is not null && count == 0)
        {
            return Error.NotFound($"A failed delivery of event {eventId}");
        }
        AuditLog.Record(db, actor, "webhook.redelivered", AuditSubject.WebhookSubscription(id), null, new { EventId = eventId, Deliveries = count }, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return count;
    }

    /// <summary>The input's target, or its refusal naming every wrong field (<c>name</c>, <c>url</c>, <c>events</c>) at once.</summary>
    private async Task<Result<Uri>> CheckAsync(WebhookSubscriptionInput input, CancellationToken ct)
    {
        var url = await WebhookTargets.CheckAsync(input.Url, options.Value.AllowLocalTargets, ct);
        List<(string Field, string[] Messages)> fields = [.. WebhookSubscription.Refusals(input.Name, input.Events)];
        if (url.Error is { } refused)
        {
            fields.Add((nameof(input.Url), [refused.Message]));
        }
        if (WebhookSubscription.Refusal(fields) is { } invalid)
        {
            return invalid;
        }
        return url;
    }

    private WebhookSubscriptionView View(WebhookSubscription s, DateTimeOffset now) => new(
        s.Id, s.Name, s.Url, s.EventList, s.Enabled, s.CreatedAt, s.PreviousSecretUntil > now ? s.PreviousSecretUntil : null, s.FailingSince,
        s.Enabled && s.FailingSince is { } since && now - since >= options.Value.FlagFailingAfter);

    private static object Audited(WebhookSubscription s) => new { s.Name, s.Url, s.Events, s.Enabled };
}
