using Checkout.Data.Tax;

namespace Checkout.Data;

/// <summary>The <c>Checkout</c> configuration section. Operators and scripts rely on these names.</summary>
public sealed class CheckoutOptions
{
    public const string Section = "Checkout";

    /// <summary>How long a started checkout holds its stock.</summary>
    public TimeSpan HoldTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the sweeper releases expired holds.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The time a payment is guaranteed: when payment starts the hold is extended (once) to at least this.</summary>
    public TimeSpan PaymentGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a waiting shopper has to claim a freed unit before it goes to the next in line.</summary>
    public TimeSpan WaitlistClaimWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the outbox dispatcher looks for unsent messages.</summary>
    public TimeSpan OutboxInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How failed outbox deliveries are retried (<c>Checkout:Outbox</c>).</summary>
    public OutboxOptions Outbox { get; set; } = new();

    /// <summary>What becomes of a promo code's use when its order ends early (<c>Checkout:Promotions</c>).</summary>
    public PromotionsOptions Promotions { get; set; } = new();

    /// <summary>
    /// How old the storefront's catalog snapshot may grow before the next read waits for a new one. Changes the shop
    /// announces (units held, released, sold or restocked, on any instance sharing the event relay) show at once; this
    /// bounds how late the others show (a direct database edit, an instance without the relay).
    /// </summary>
    public TimeSpan CatalogMaxAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether the shop's prices exclude tax (added at checkout) or include it (ADR 11).</summary>
    public TaxMode TaxMode { get; set; } = TaxMode.Exclusive;

    /// <summary>Latency the simulated gateway adds to every call.</summary>
    public TimeSpan SimulatedGatewayLatency { get; set; } = TimeSpan.Zero;

    /// <summary>How often the reconciler looks for checkouts that stopped half-way.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an order must sit unchanged before the reconciler finishes or cancels it, so that it does not race the shopper's own call.</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long one gateway call may take before it counts as unanswered.</summary>
    public TimeSpan GatewayAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often an unanswered gateway call is repeated, with the same idempotency key, before the checkout reports it.
    /// 0 leaves the retry to the shopper, which the simulated gateway's timeout card demonstrates; a real gateway wants 2 or 3.
    /// </summary>
    public int GatewayRetries { get; set; } = 0;

    /// <summary>The delay before the first gateway retry; each later one doubles, all with jitter.</summary>
    public TimeSpan GatewayRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The circuit opens when at least this many gateway calls within 30 s went unanswered and they were half of them or more.</summary>
    public int GatewayBreakerThreshold { get; set; } = 10;

    /// <summary>How long an open circuit answers "unavailable" without calling the gateway.</summary>
    public TimeSpan GatewayBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an idempotent use case runs again after a transient database conflict (busy, locked, deadlock, serialization).</summary>
    public int DbRetries { get; set; } = 2;

    /// <summary>The delay before the first database retry; each later one doubles, all with jitter.</summary>
    public TimeSpan DbRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>The <c>Checkout:Outbox</c> section: the retries of a delivery that failed (ADR 12).</summary>
public sealed class OutboxOptions
{
    /// <summary>The wait after the first failure; each later one doubles, up to <see cref="RetryCap"/>, all with jitter.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryCap { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A delivery still failing this long after its message was written is dead-lettered: tried again only when an admin asks.</summary>
    public TimeSpan DeadLetterAfter { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>The <c>Checkout:Promotions</c> section.</summary>
public sealed class PromotionsOptions
{
    /// <summary>
    /// A paid order cancelled before shipment gives its promo use back, in the cancel's transaction: the code's usage
    /// limit and the shopper's own limit both count it no more. Off, the use stays taken as before.
    /// </summary>
    public bool GiveBackOnCancel { get; set; } = true;
}
