using Microsoft.Playwright;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// One running app and one headless Chromium per test class; each test gets its own browser
/// context through <see cref="BrowserTest"/>.
/// </summary>
public sealed class StorefrontFixture : IAsyncLifetime
{
    // Debian's real binary; /usr/bin/chromium is a shell wrapper. Playwright never downloads a browser here.
    private const string DefaultChromium = "/usr/lib/chromium/chromium";

    private readonly CheckoutAppFactory _app = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        BaseAddress = _app.Start();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHECKOUT_CHROMIUM") ?? DefaultChromium,
            Headless = true,
            Args =
            [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await _app.DisposeAsync();
    }
}
