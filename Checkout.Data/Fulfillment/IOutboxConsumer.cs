namespace Checkout.Data.Fulfillment;

/// <summary>
/// Something outbox messages are delivered to (fulfillment; later e-mails, webhooks). <see cref="OutboxDispatcher"/>
/// keeps a delivery per message and consumer, retried on its own: a failing consumer holds back no other.
/// Delivery is at-least-once, so an implementation de-duplicates by <see cref="OutboxMessage.Id"/>.
/// </summary>
public interface IOutboxConsumer
{
    /// <summary>The consumer's key in <c>outbox_deliveries</c>: renaming it delivers every unsent message again.</summary>
    string Name { get; }

    /// <summary>The message types (<see cref="OutboxTypes"/>) it is delivered.</summary>
    IReadOnlySet<string> Types { get; }

    /// <summary>Delivers the message; throws when it could not, and it is tried again later.</summary>
    Task DeliverAsync(OutboxMessage message, CancellationToken ct);
}
