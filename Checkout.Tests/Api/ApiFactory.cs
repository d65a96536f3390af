using Checkout.Data;
using Checkout.Data.Persistence;
using Checkout.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Api;

/// <summary>
/// The API tests' <see cref="TestApp"/>: its own SQLite file, the demo catalog, a known admin key and a fake clock, so
/// that every test sees its own shop and controls time instead of waiting for it. It listens on Kestrel (a free local
/// port), not the in-memory TestServer, because TestServer does not enforce the request body size limit.
/// </summary>
public sealed class ApiFactory : TestApp
{
    public const string AdminKey = "test-admin-key";
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <param name="configure">Applied after the factory's own settings, so a test can change them (log levels, rate limits).</param>
    /// <param name="folder">
    /// Where the shop's SQLite file lives: a folder of the caller's (which it deletes) so that another factory can start on
    /// the same database after this one stopped, as a restarted app would; a new temp folder of the factory's own when null.
    /// </param>
    public ApiFactory(Action<IWebHostBuilder>? configure = null, DirectoryInfo? folder = null)
        : this(new FakeTimeProvider(Start), new ReadBarrier(), configure, folder)
    {
    }

    private ApiFactory(FakeTimeProvider clock, ReadBarrier reads, Action<IWebHostBuilder>? configure, DirectoryInfo? folder)
        : base(new TestAppOptions
        {
            Name = "api",
            DataFolder = folder,
            AdminKey = AdminKey,
            RealSocket = true,
            // The product registers TimeProvider.System with TryAdd, so this clock wins.
            Services = services =>
            {
                services.AddSingleton<TimeProvider>(clock);
                services.ConfigureDbContext<SqliteCheckoutDbContext>(options => options.AddInterceptors(reads));
            },
            Configure = web =>
            {
                web.WithGenerousRateLimits();
                configure?.Invoke(web);
            },
        })
    {
        Clock = clock;
        Reads = reads;
    }

    public FakeTimeProvider Clock { get; }

    /// <summary>Lines up concurrent requests on one stale read; idle until armed.</summary>
    public ReadBarrier Reads { get; }

    /// <summary>How long a started checkout holds its stock, as the app is configured.</summary>
    public TimeSpan HoldTtl => Services.GetRequiredService<IOptions<CheckoutOptions>>().Value.HoldTtl;
}
