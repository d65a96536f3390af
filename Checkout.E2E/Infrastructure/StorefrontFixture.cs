using Checkout.Data.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Playwright;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// One running app per test class, reached through the suite's one headless Chromium; each test gets its own browser
/// contexts through <see cref="BrowserTest{TFixture}"/>. The app is the real Checkout.Web on Kestrel (127.0.0.1, a free
/// port) in the Development environment (so the development admin and API key from appsettings.Development.json
/// exist), with its own SQLite file, so test classes never see each other's carts or stock. The simulated payment
/// gateway sits behind a <see cref="GatedPaymentGateway"/>, open unless a test shuts it. Subclasses change the app's
/// configuration, e.g. a hold that runs out in seconds. <see cref="RestartAppAsync"/> stops the app and starts it again
/// on the same database and port, as a deployment or a crash would.
/// </summary>
public class StorefrontFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _dataFolder = Directory.CreateTempSubdirectory("checkout-e2e-");
    private TestAppOptions? _options;
    private TestApp? _app;

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The app's own services: arranging state the UI cannot, and reading what "one order, one charge" means.</summary>
    public Shop Shop { get; private set; } = default!;

    /// <summary>Configuration for this class's app, on top of appsettings.Development.json.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        // Request logs of six apps on two cores cost time and drown the test output; warnings still show.
        var settings = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning" };
        foreach (var (key, value) in Settings)
        {
            settings[key] = value;
        }
        _options = new TestAppOptions
        {
            Name = "e2e",
            DataFolder = _dataFolder,
            Environment = "Development",
            RealSocket = true,
            Settings = settings,
            ReplaceServices = services =>
            {
                services.RemoveAll<IPaymentGateway>();
                services.AddSingleton<SimulatedPaymentGateway>();
                services.AddSingleton(sp => new GatedPaymentGateway(sp.GetRequiredService<SimulatedPaymentGateway>()));
                services.AddSingleton<IPaymentGateway>(sp => sp.GetRequiredService<GatedPaymentGateway>());
            },
        };
        Start(_options);
        Browser = await Suite.BrowserAsync();
    }

    /// <summary>
    /// Stops the app, dropping every circuit and connection, and starts a new one on the same database, port and
    /// configuration; the browser pages stay open and reconnect on their own.
    /// </summary>
    public async Task RestartAppAsync()
    {
        Shop.Dispose();
        await _app!.DisposeAsync();
        Start(_options! with { Port = BaseAddress.Port });
    }

    public async Task DisposeAsync()
    {
        Shop?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        try
        {
            _dataFolder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A connection still finalizing holds the file; the OS temp cleaner gets it later.
        }
    }

    private void Start(TestAppOptions options)
    {
        _app = new TestApp(options);
        BaseAddress = _app.Address;
        Shop = new Shop(_app.Services, BaseAddress);
    }
}
