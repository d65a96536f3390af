using Checkout.Data.Payments.Simulator;
using Checkout.Data.Persistence;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Testing;

/// <summary>What differs between the apps the tests host: everything else is the real Checkout.Web as it ships.</summary>
public sealed record TestAppOptions
{
    /// <summary>Names the app's temp folder (<c>checkout-{Name}-…</c>), so a leftover folder tells which tests left it.</summary>
    public string Name { get; init; } = "app";

    /// <summary>
    /// "Test" by default: the app behaves as in production, without the developer settings of
    /// appsettings.Development.json (short holds, a development admin and API key).
    /// </summary>
    public string Environment { get; init; } = "Test";

    public DatabaseProvider Database { get; init; } = DatabaseProvider.Sqlite;

    /// <summary>The database's connection string; when null, a SQLite file in <see cref="DataFolder"/>.</summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// Where the SQLite file lives when there is no <see cref="ConnectionString"/>: a folder of the caller's (which it
    /// deletes) so that another app can start on the same database after this one stopped, as a restarted app would;
    /// when null, a new temp folder of the app's own, deleted with the app.
    /// </summary>
    public DirectoryInfo? DataFolder { get; init; }

    /// <summary>A Redis shared with other instances (<c>Redis:ConnectionString</c>); none when null.</summary>
    public string? Redis { get; init; }

    /// <summary>The prefix of this test's Redis keys, so that tests sharing a server never see each other's.</summary>
    public string? RedisKeyPrefix { get; init; }

    /// <summary>The admin API key (<c>Admin:ApiKey</c>); the environment's own when null.</summary>
    public string? AdminKey { get; init; }

    /// <summary>More configuration, on top of appsettings and of the options above.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Registered before the app's own services: what the app adds with TryAdd (the clock) loses to these, and
    /// database contexts configured here get interceptors (fault seams, read barriers) on top of the app's options.
    /// </summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>Run after the app's own registrations, to replace what it registered (the payment gateway).</summary>
    public Action<IServiceCollection>? ReplaceServices { get; init; }

    /// <summary>
    /// Kestrel on a free 127.0.0.1 port instead of the in-memory TestServer: what a browser or a second instance needs,
    /// and what enforces the request body size limit, which TestServer does not.
    /// </summary>
    public bool RealSocket { get; init; }

    /// <summary>The port of the <see cref="RealSocket"/>; 0, the default, takes a free one. A restarted app takes its predecessor's.</summary>
    public int Port { get; init; }

    /// <summary>Applied last, so a test can change any of the above (log levels, rate limits, more services).</summary>
    public Action<IWebHostBuilder>? Configure { get; init; }
}

/// <summary>
/// The one host of the real Checkout.Web for the API, admin, scale-out and browser tests, built from
/// <see cref="TestAppOptions"/>. Settings are applied with <c>UseSetting</c>, which (unlike
/// <c>ConfigureAppConfiguration</c>) is visible while Program.cs still builds and outranks appsettings.json.
/// </summary>
public class TestApp : WebApplicationFactory<Program>, IShopDatabase
{
    private readonly DirectoryInfo? _ownFolder;
    private readonly string? _connectionString;

    public TestApp(TestAppOptions options)
    {
        Options = options;
        if (options.ConnectionString is { } connectionString)
        {
            _connectionString = connectionString;
            // Its database is elsewhere; the app still needs a folder for the e-mails it writes.
            _ownFolder = options.DataFolder is null ? Directory.CreateTempSubdirectory($"checkout-{options.Name}-") : null;
        }
        else
        {
            if (options.Database != DatabaseProvider.Sqlite)
            {
                throw new ArgumentException($"A {options.Database} database needs a connection string.", nameof(options));
            }
            _ownFolder = options.DataFolder is null ? Directory.CreateTempSubdirectory($"checkout-{options.Name}-") : null;
            var folder = options.DataFolder ?? _ownFolder!;
            _connectionString = $"Data Source={Path.Combine(folder.FullName, "shop.db")}";
        }
        if (options.RealSocket)
        {
            UseKestrel(options.Port);
        }
    }

    public TestAppOptions Options { get; }

    /// <summary>The pickup folder the app writes its e-mails to as <c>.eml</c> files (unless a test configures SMTP).</summary>
    public string MailFolder => Path.Combine((Options.DataFolder ?? _ownFolder!).FullName, "mail");

    /// <summary>The background workers (sweeper, outbox dispatcher) run in the app, moving rows on their own.</summary>
    public bool WorkersRun => true;

    /// <summary>Where a browser or another process reaches the app; starts it on first use.</summary>
    public Uri Address
    {
        get
        {
            StartServer();
            if (!Options.RealSocket)
            {
                return ClientOptions.BaseAddress;
            }
            var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>();
            return new Uri(addresses.Addresses.First());
        }
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>A context on the app's database, for arranging what its API cannot and reading what it wrote.</summary>
    public Task<CheckoutDbContext> DbAsync() => Get<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();

    public SimulatorLedger GatewayLedger => Get<SimulatorLedger>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Options.Environment);
        builder.UseSetting("Database:Provider", Options.Database.ToString());
        builder.UseSetting("ConnectionStrings:Checkout", _connectionString);
        builder.UseSetting("Email:PickupFolder", MailFolder);
        if (Options.Redis is not null)
        {
            builder.UseSetting("Redis:ConnectionString", Options.Redis);
        }
        if (Options.RedisKeyPrefix is not null)
        {
            builder.UseSetting("Redis:KeyPrefix", Options.RedisKeyPrefix);
        }
        if (Options.AdminKey is not null)
        {
            builder.UseSetting("Admin:ApiKey", Options.AdminKey);
        }
        // Request logs of many apps on two cores cost time and drown the test output; warnings still show.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Options.Settings)
        {
            builder.UseSetting(key, value);
        }
        if (Options.Services is { } services)
        {
            builder.ConfigureServices(services);
        }
        if (Options.ReplaceServices is { } replace)
        {
            builder.ConfigureTestServices(replace);
        }
        Options.Configure?.Invoke(builder);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Options.Database == DatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
        }
        try
        {
            _ownFolder?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A connection still finalizing holds the file; the OS temp cleaner gets it later.
        }
    }
}

/// <summary>A shop whose database a test reads and arranges directly: a hosted <see cref="TestApp"/>, or the services-only TestShop of the unit tests.</summary>
public interface IShopDatabase
{
    Task<CheckoutDbContext> DbAsync();

    /// <summary>The simulated gateway's ledger: a store of its own, beside the shop's database.</summary>
    SimulatorLedger GatewayLedger { get; }

    /// <summary>Whether background workers run on their own, changing rows (sent outbox messages, shipments) that no test step touched.</summary>
    bool WorkersRun { get; }
}
