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

    /// <summary>Flat shipping in minor units below <see cref="FreeShippingFromMinor"/>.</summary>
    public long ShippingMinor { get; set; } = 499;

    /// <summary>Subtotal (after discount) from which shipping is free.</summary>
    public long FreeShippingFromMinor { get; set; } = 10_000;

    /// <summary>Latency the simulated gateway adds to every call.</summary>
    public TimeSpan SimulatedGatewayLatency { get; set; } = TimeSpan.Zero;
}
