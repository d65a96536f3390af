namespace Checkout.Data.Fulfillment;

/// <summary>
/// A message written in the same transaction as the state change it announces, then published by
/// <see cref="OutboxDispatcher"/>. Publishing is at-least-once; consumers de-duplicate by <see cref="Id"/>.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
    }

    public OutboxMessage(string type, Guid aggregateId, string payload, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Type = type;
        AggregateId = aggregateId;
        Payload = payload;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Type { get; private set; } = "";
    public Guid AggregateId { get; private set; }
    public string Payload { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public int Attempts { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>Until when the dispatcher that claimed the message last has it to itself.</summary>
    public DateTimeOffset? ClaimedUntil { get; private set; }
}

public static class OutboxTypes
{
    public const string OrderConfirmed = "OrderConfirmed";
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
