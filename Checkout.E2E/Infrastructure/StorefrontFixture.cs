using Microsoft.Playwright;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// One running app (fresh database) per test class, reached through the suite's one headless Chromium; each test gets
/// its own browser contexts through <see cref="BrowserTest{TFixture}"/>. Subclasses change the app's configuration,
/// e.g. a hold that runs out in seconds.
/// </summary>
public class StorefrontFixture : IAsyncLifetime
{
    private CheckoutAppFactory? _app;

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The app's own services: arranging state the UI cannot, and reading what "one order, one charge" means.</summary>
    public Shop Shop { get; private set; } = default!;

    /// <summary>Configuration for this class's app, on top of appsettings.Development.json.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        _app = new CheckoutAppFactory(Settings);
        BaseAddress = _app.Start();
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
