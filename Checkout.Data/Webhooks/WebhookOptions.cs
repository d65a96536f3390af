using Checkout.Data.Fulfillment;

namespace Checkout.Data.Webhooks;

/// <summary>The <c>Checkout:Webhooks</c> section: how webhooks are sent, retried and received (ADR 16).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Checkout:Webhooks";

    /// <summary>How often the sender looks for due deliveries.</summary>
    public TimeSpan SendInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest one attempt may take, connecting included; a slower partner's attempt fails and is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The retries of a failed delivery: the outbox's backoff with its own base, cap and dead-letter age (3 days).</summary>
    public OutboxOptions Retry { get; set; } = new()
    {
        RetryBase = TimeSpan.FromSeconds(10),
        RetryCap = TimeSpan.FromHours(1),
        DeadLetterAfter = TimeSpan.FromDays(3),
    };

    /// <summary>How many deliveries one sender attempts at the same time.</summary>
    public int Parallelism { get; set; } = 8;

    /// <summary>How long the secret a rotation replaces still signs and verifies beside the new one.</summary>
    public TimeSpan RotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How old a signed request's timestamp may be, either way, for a partner's update to be accepted.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a subscription fails every attempt before the dashboard flags it.</summary>
    public TimeSpan FlagFailingAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// Allows plain http targets and loopback, private and link-local addresses. Only Development (and tests) turn it on:
    /// otherwise a subscription could make the shop call into its own network.
    /// </summary>
    public bool AllowLocalTargets { get; set; }
}
