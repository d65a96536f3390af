namespace Checkout.Data.HotStock;

/// <summary>The <c>Redis</c> section. Without a connection string the product runs on its database alone.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis configuration, e.g. <c>127.0.0.1:6379</c>; unset means no Redis.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Prefix of every key, so that several shops (or test runs) can share one server.</summary>
    public string KeyPrefix { get; set; } = "checkout:";

    /// <summary>How often the counters of hot SKUs are re-seeded from the database (also done at start and on reconnect).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest a Redis command may take before the counters are given up until the next re-seed and the database
    /// answers alone (a connection string's own <c>asyncTimeout</c> can only shorten it).
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
