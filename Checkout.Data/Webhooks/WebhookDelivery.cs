using System.Linq.Expressions;

namespace Checkout.Data.Webhooks;

/// <summary>
/// An order's announcement as a webhook event, prepared once (its body is what every attempt sends, so a retry is the
/// same event): the id is the outbox message's, the stable id partners de-duplicate by.
/// </summary>
public sealed class WebhookEvent
{
    private WebhookEvent()
    {
    }

    public WebhookEvent(Guid id, string type, Guid orderId, int sequence, string body, DateTimeOffset createdAt)
    {
        Id = id;
        Type = type;
        OrderId = orderId;
        Sequence = sequence;
        Body = body;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string Type { get; private set; } = "";
    public Guid OrderId { get; private set; }

    /// <summary>The announcement's number among the order's (the outbox message's <c>Sequence</c>).</summary>
    public int Sequence { get; private set; }

    public string Body { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
}

/// <summary>
/// One event's delivery to one subscription (key: <see cref="EventId"/>, <see cref="SubscriptionId"/>), retried on its
/// own. It is due while undelivered, not dead, at or after <see cref="NextAttemptAt"/>, not claimed, and no earlier
/// event of the same order is still undelivered to the same subscription.
/// </summary>
public sealed class WebhookDelivery
{
    private WebhookDelivery()
    {
    }

    /// <summary>Not delivered, and its last attempt failed: listed as failed and redelivered on an admin's request, dead-lettered or not.</summary>
    public static readonly Expression<Func<WebhookDelivery, bool>> Failed = d => d.DeliveredAt == null && d.LastError != null;

    public WebhookDelivery(WebhookEvent webhookEvent, Guid subscriptionId)
    {
        EventId = webhookEvent.Id;
        SubscriptionId = subscriptionId;
        OrderId = webhookEvent.OrderId;
        Sequence = webhookEvent.Sequence;
        NextAttemptAt = webhookEvent.CreatedAt;
        CreatedAt = webhookEvent.CreatedAt;
    }

    public Guid EventId { get; private set; }
    public Guid SubscriptionId { get; private set; }

    /// <summary>The event's order and number, kept here so that the order's earlier deliveries are found without a join.</summary>
    public Guid OrderId { get; private set; }

    public int Sequence { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>Until when the sender that claimed it has it to itself: longer than an attempt may take.</summary>
    public DateTimeOffset? ClaimedUntil { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>Set when it still failed <see cref="WebhookOptions.Retry"/>'s dead-letter age after the event: attempted again only when an admin redelivers it.</summary>
    public DateTimeOffset? DeadAt { get; private set; }

    public string? LastError { get; private set; }
}

/// <summary>One attempt of a delivery, for the delivery log: what the partner answered, and how fast.</summary>
public sealed class WebhookAttempt
{
    public const int MaxExcerpt = 500;

    private WebhookAttempt()
    {
    }

    public WebhookAttempt(Guid eventId, Guid subscriptionId, DateTimeOffset at, int? statusCode, long latencyMs, string? excerpt, string? error)
    {
        Id = Guid.CreateVersion7(at);
        EventId = eventId;
        SubscriptionId = subscriptionId;
        At = at;
        StatusCode = statusCode;
        LatencyMs = latencyMs;
        Excerpt = excerpt is { Length: > MaxExcerpt } ? excerpt[..MaxExcerpt] : excerpt;
        Error = error is { Length: > MaxExcerpt } ? error[..MaxExcerpt] : error;
    }

    public Guid Id { get; private set; }
    public Guid EventId { get; private set; }
    public Guid SubscriptionId { get; private set; }
    public DateTimeOffset At { get; private set; }

    /// <summary>The HTTP status the partner answered; null when it did not answer (timeout, refused connection).</summary>
    public int? StatusCode { get; private set; }

    public long LatencyMs { get; private set; }
    public string? Excerpt { get; private set; }
    public string? Error { get; private set; }

    public bool Succeeded => StatusCode is >= 200 and < 300;
}

/// <summary>A partner's update accepted once: the key (subscription, event id) refuses its replay.</summary>
public sealed class WebhookInboundEvent
{
    private WebhookInboundEvent()
    {
    }

    public WebhookInboundEvent(Guid subscriptionId, string eventId, Guid orderId, string type, DateTimeOffset receivedAt)
    {
        SubscriptionId = subscriptionId;
        EventId = eventId;
        OrderId = orderId;
        Type = type;
        ReceivedAt = receivedAt;
    }

    public Guid SubscriptionId { get; private set; }
    public string EventId { get; private set; } = "";
    public Guid OrderId { get; private set; }
    public string Type { get; private set; } = "";
    public DateTimeOffset ReceivedAt { get; private set; }
}
