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
/// configuration, e.g. a hold that runs out in seconds.
/// </summary>
public class StorefrontFixture : IAsyncLifetime
{
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
        _app = new TestApp(new TestAppOptions
        {
            Name = "e2e",
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
        });
        BaseAddress = _app.Address;
        Shop = new Shop(_app.Services, BaseAddress);
        Browser = await Suite.BrowserAsync();
    }

    public async Task DisposeAsync()
    {
        Shop?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
