using Checkout.Data.Fulfillment;

namespace Checkout.Data.Webhooks;

/// <summary>The events a subscription may ask for: the order's announcements (outbox types) under their public names.</summary>
public static class WebhookEvents
{
    public const string OrderConfirmed = "order.confirmed";
    public const string OrderCancelled = "order.cancelled";
    public const string OrderRefunded = "order.refunded";
    public const string OrderShipped = "order.shipped";
    public const string OrderDelivered = "order.delivered";
    public const string OrderReturned = "order.returned";

    /// <summary>The event "send test event" sends; it is never announced by an order.</summary>
    public const string Test = "webhook.test";

    private static readonly Dictionary<string, string> ByOutboxType = new(StringComparer.Ordinal)
    {
        [OutboxTypes.OrderConfirmed] = OrderConfirmed,
        [OutboxTypes.OrderCancelled] = OrderCancelled,
        [OutboxTypes.OrderRefunded] = OrderRefunded,
        [OutboxTypes.OrderShipped] = OrderShipped,
        [OutboxTypes.OrderDelivered] = OrderDelivered,
        [OutboxTypes.OrderReturned] = OrderReturned,
    };

    /// <summary>Every event a subscription may want, in the order an order goes through them.</summary>
    public static readonly IReadOnlyList<string> All = [.. ByOutboxType.Values];

    /// <summary>The outbox types announced as webhook events.</summary>
    public static readonly IReadOnlySet<string> OutboxTypesAnnounced = new HashSet<string>(ByOutboxType.Keys, StringComparer.Ordinal);

    public static string Of(string outboxType) => ByOutboxType[outboxType];
}
