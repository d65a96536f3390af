namespace Checkout.Data.Fulfillment;

/// <summary>
/// One message's delivery to one consumer (key: <see cref="MessageId"/>, <see cref="Consumer"/>). The dispatcher
/// inserts it the first time it claims the message for the consumer, so writing a message costs no more than the
/// message. It is due while undelivered, not dead, at or after <see cref="NextAttemptAt"/> and not claimed.
/// </summary>
public sealed class OutboxDelivery
{
    private OutboxDelivery()
    {
    }

    /// <summary>A delivery claimed for its first attempt.</summary>
    public OutboxDelivery(Guid messageId, string consumer, DateTimeOffset now, DateTimeOffset claimedUntil)
    {
        MessageId = messageId;
        Consumer = consumer;
        Attempts = 1;
        NextAttemptAt = now;
        ClaimedUntil = claimedUntil;
    }

    public Guid MessageId { get; private set; }
    public string Consumer { get; private set; } = "";

    /// <summary>Attempts claimed so far, the one under way included.</summary>
    public int Attempts { get; private set; }

    /// <summary>Not attempted before this: the backoff after a failure, or now after an admin's "retry now".</summary>
    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>Until when the dispatcher that claimed the delivery last has it to itself.</summary>
    public DateTimeOffset? ClaimedUntil { get; private set; }

    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>Set when it still failed <see cref="OutboxOptions.DeadLetterAfter"/> after the message was written: not attempted again until an admin asks.</summary>
    public DateTimeOffset? DeadAt { get; private set; }

    public string? LastError { get; private set; }
}

/// <summary>When a failed delivery is tried again.</summary>
public static class OutboxRetry
{
    /// <summary>
    /// The wait after failed attempt number <paramref name="attempt"/> (1 for the first): the ceiling
    /// <c>min(cap, base × 2^(attempt−1))</c> with equal jitter, half of it fixed and half spread. The fixed half keeps each
    /// wait at least as long as the one before until the cap, so a broken consumer is not hammered; the spread keeps the deliveries that failed together in an
    /// outage from all coming due at the same moment when it ends. The spread is taken from the delivery's ids and the
    /// attempt rather than from a random source: no seam to make tests deterministic, and every delivery still lands
    /// elsewhere in its window (the hash is seeded per process, which does not matter for spreading).
    /// </summary>
    public static TimeSpan Delay(int attempt, Guid messageId, string consumer, OutboxOptions options)
    {
        // Whole milliseconds: every provider stores them as they are.
        var ceiling = Math.Min(options.RetryCap.TotalMilliseconds, options.RetryBase.TotalMilliseconds * Math.Pow(2, Math.Max(attempt, 1) - 1));
        var spread = (uint)HashCode.Combine(messageId, consumer, attempt) / (double)uint.MaxValue;
        return TimeSpan.FromMilliseconds(Math.Floor((ceiling / 2) + (ceiling / 2 * spread)));
    }
}
