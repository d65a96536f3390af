using Checkout.Data.Persistence;
using Checkout.Tests.Security;

namespace Checkout.Tests.ScaleOut;

/// <summary>
/// One real Checkout.Web instance on its own 127.0.0.1 port, sharing a PostgreSQL database and a Redis (under a key
/// prefix of the test's own) with the other instances of the test, as a shop behind a load balancer would.
/// </summary>
public sealed class AppInstance(string database, string redis, string redisPrefix) : TestApp(new TestAppOptions
{
    Name = "scale-out",
    Database = DatabaseProvider.PostgreSQL,
    ConnectionString = database,
    Redis = redis,
    RedisKeyPrefix = redisPrefix,
    AdminKey = AdminKey,
    RealSocket = true,
    Settings = new Dictionary<string, string?>
    {
        ["Checkout:OutboxInterval"] = "00:00:00.200",
        ["Checkout:SweepInterval"] = "00:00:01",
        // What one instance's catalog shows of another's changes arrives through the relay, never by the snapshot's age.
        ["Checkout:CatalogMaxAge"] = "01:00:00",
    },
    // Two hundred shoppers from one test address.
    Configure = web => web.WithGenerousRateLimits(),
})
{
    public const string AdminKey = "scale-out-admin-key";

    /// <summary>Starts the instance now (migrating and seeding the shared database on the first one).</summary>
    public AppInstance Started()
    {
        StartServer();
        return this;
    }
}
