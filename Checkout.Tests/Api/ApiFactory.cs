using Checkout.Data;
using Checkout.Data.Persistence;
using Checkout.Tests.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.Tests.Api;

/// <summary>
/// The real Checkout.Web with its own SQLite file, the demo catalog, a known admin key and a fake clock, so that
/// every test sees its own shop and controls time instead of waiting for it. It listens on Kestrel (a free local
/// port), not the in-memory TestServer, because TestServer does not enforce the request body size limit.
/// </summary>
public sealed class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _folder;
    private readonly bool _ownsFolder;
    private readonly Action<IWebHostBuilder>? _configure;

    /// <param name="configure">Applied after the factory's own settings, so a test can change them (log levels, rate limits).</param>
    /// <param name="folder">
    /// Where the shop's SQLite file lives: a folder of the caller's (which it deletes) so that another factory can start on
    /// the same database after this one stopped, as a restarted app would; a new temp folder of the factory's own when null.
    /// </param>
    public ApiFactory(Action<IWebHostBuilder>? configure = null, DirectoryInfo? folder = null)
    {
        _configure = configure;
        _ownsFolder = folder is null;
        _folder = folder ?? Directory.CreateTempSubdirectory("checkout-api-");
        UseKestrel(0);
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    /// <summary>Lines up concurrent requests on one stale read; idle until armed.</summary>
    public ReadBarrier Reads { get; } = new();

    /// <summary>How long a started checkout holds its stock, as the app is configured.</summary>
    public TimeSpan HoldTtl => Services.GetRequiredService<IOptions<CheckoutOptions>>().Value.HoldTtl;

    /// <summary>A client that talks to the shop as a shopper.</summary>
    public ApiClient Shopper() => new(CreateClient());

    /// <summary>A client that sends the admin key on every request.</summary>
    public ApiClient Admin()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);
        return new ApiClient(client);
    }

    /// <summary>A context on the shop's database, for arranging what the API cannot (prices, exact stock) and reading what it wrote.</summary>
    public Task<CheckoutDbContext> DbAsync() =>
        Services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Not Development: the API must behave as in production, without the developer settings (short holds, a dev key).
        builder.UseEnvironment("Test");
        // UseSetting (unlike ConfigureAppConfiguration) is visible while Program.cs still builds.
        builder.UseSetting("ConnectionStrings:Checkout", $"Data Source={Path.Combine(_folder.FullName, "shop.db")}");
        builder.UseSetting("Admin:ApiKey", AdminKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.WithGenerousRateLimits();
        // The product registers TimeProvider.System with TryAdd, so this one wins.
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.ConfigureDbContext<SqliteCheckoutDbContext>(options => options.AddInterceptors(Reads));
        });
        _configure?.Invoke(builder);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!_ownsFolder)
        {
            return;
        }
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A connection still finalizing holds the file; the OS temp cleaner gets it later.
        }
    }
}
