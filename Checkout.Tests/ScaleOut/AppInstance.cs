using Checkout.Data.Persistence;
using Checkout.Tests.Api;
using Checkout.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.ScaleOut;

/// <summary>
/// One real Checkout.Web instance on its own 127.0.0.1 port, sharing a PostgreSQL database and a Redis (under a key
/// prefix of the test's own) with the other instances of the test, as a shop behind a load balancer would.
/// </summary>
public sealed class AppInstance(string database, string redis, string redisPrefix) : WebApplicationFactory<Program>
{
    public const string AdminKey = "scale-out-admin-key";

    public ApiClient Shopper() => new(CreateClient());

    public ApiClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return new ApiClient(client);
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public Task<CheckoutDbContext> DbAsync() => Get<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();

    /// <summary>Starts the instance now (migrating and seeding the shared database on the first one).</summary>
    public AppInstance Started()
    {
        UseKestrel(0);
        StartServer();
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("Database:Provider", "PostgreSQL");
        builder.UseSetting("ConnectionStrings:Checkout", database);
        builder.UseSetting("Redis:ConnectionString", redis);
        builder.UseSetting("Redis:KeyPrefix", redisPrefix);
        builder.UseSetting("Admin:ApiKey", AdminKey);
        builder.UseSetting("Checkout:OutboxInterval", "00:00:00.200");
        builder.UseSetting("Checkout:SweepInterval", "00:00:01");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Two hundred shoppers from one test address.
        builder.WithGenerousRateLimits();
    }
}
