using System.Text.Json;

namespace Checkout.Data.Fulfillment;

/// <summary>
/// A message written in the same transaction as the state change it announces, then delivered by
/// <see cref="OutboxDispatcher"/> to every <see cref="IOutboxConsumer"/> that wants its type, each delivery tracked in
/// <see cref="OutboxDelivery"/>. Delivery is at-least-once; consumers de-duplicate by <see cref="Id"/>.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
    }

    /// <param name="id">The message's id when the request that writes it names one (so that, resumed, it finds its message); else a new one.</param>
    public OutboxMessage(string type, Guid aggregateId, string payload, DateTimeOffset now, Guid? id = null)
    {
        Id = id ?? Guid.CreateVersion7(now);
        Type = type;
        AggregateId = aggregateId;
        Payload = payload;
        CreatedAt = now;
    }

    /// <summary>How payloads are written and read: JSON with camelCase names.</summary>
    public static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web);

    public Guid Id { get; private set; }
    public string Type { get; private set; } = "";
    public Guid AggregateId { get; private set; }
    public string Payload { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>
    /// The message's place among its aggregate's announcements, from 1, strictly increasing in the order they were
    /// committed (an order's: shipped, cancelled, refunded…); null for messages that are not ordered per aggregate.
    /// </summary>
    public int? Sequence { get; private set; }

    /// <summary>When the last consumer that wants the message had it delivered; the dispatcher looks no further at a sent message.</summary>
    public DateTimeOffset? SentAt { get; private set; }
}

public static class OutboxTypes
{
    public const string OrderConfirmed = "OrderConfirmed";
    public const string OrderShipped = "OrderShipped";
    public const string OrderCancelled = "OrderCancelled";
    public const string OrderRefunded = "OrderRefunded";
    public const string OrderDelivered = "OrderDelivered";
    public const string OrderReturned = "OrderReturned";
    public const string WaitlistOffered = "WaitlistOffered";
    public const string OrderLookupRequested = "OrderLookupRequested";
    public const string OrderConfirmationResent = "OrderConfirmationResent";
}

/// <summary>A shipment the warehouse has to make; the message id is the key, so a redelivery adds nothing.</summary>
public sealed class ShipmentRequest
{
    private ShipmentRequest()
    {
    }

    public ShipmentRequest(Guid messageId, Guid orderId, string payload, DateTimeOffset now)
    {
        MessageId = messageId;
        OrderId = orderId;
        Payload = payload;
        ReceivedAt = now;
    }

    public Guid MessageId { get; private set; }
    public Guid OrderId { get; private set; }
    public string Payload { get; private set; } = "";
    public DateTimeOffset ReceivedAt { get; private set; }
}
