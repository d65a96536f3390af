using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// Base for specs: a fresh browser context per test, and a screenshot plus a Playwright trace
/// under <c>Checkout.E2E/artifacts/</c> when a scenario fails.
/// </summary>
public abstract class BrowserTest(StorefrontFixture fixture, ITestOutputHelper output)
    : IClassFixture<StorefrontFixture>
{
    // The first render JIT-compiles the whole app; later waits are much shorter than this.
    private const float ExpectTimeoutMs = 15_000;

    private static readonly string ArtifactsDirectory =
        typeof(BrowserTest).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "ArtifactsDirectory").Value!;

    static BrowserTest() => Assertions.SetDefaultExpectTimeout(ExpectTimeoutMs);

    protected StorefrontFixture Fixture { get; } = fixture;

    protected ITestOutputHelper Output { get; } = output;

    /// <summary>Runs <paramref name="scenario"/> on a new page in a new browser context.</summary>
    protected async Task InBrowserAsync(Func<IPage, Task> scenario, [CallerMemberName] string testName = "")
    {
        await using var context = await Fixture.Browser.NewContextAsync(new()
        {
            BaseURL = Fixture.BaseAddress.ToString(),
        });
        context.SetDefaultTimeout(ExpectTimeoutMs);
        await context.Tracing.StartAsync(new() { Screenshots = true, Snapshots = true, Title = testName });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Output.WriteLine($"browser console: {message.Text}");
            }
        };

        try
        {
            await scenario(page);
            await context.Tracing.StopAsync();
        }
        catch
        {
            await KeepArtifactsAsync(context, page, testName);
            throw;
        }
    }

    private async Task KeepArtifactsAsync(IBrowserContext context, IPage page, string testName)
    {
        var stem = Path.Combine(ArtifactsDirectory, $"{GetType().Name}.{testName}");
        Directory.CreateDirectory(ArtifactsDirectory);
        try
        {
            await page.ScreenshotAsync(new() { Path = stem + ".png", FullPage = true });
            await context.Tracing.StopAsync(new() { Path = stem + ".trace.zip" });
            Output.WriteLine($"Kept {stem}.png and {stem}.trace.zip (open with `playwright show-trace`).");
        }
        catch (PlaywrightException e)
        {
            // The browser may be what failed; the original exception matters more than the artifacts.
            Output.WriteLine($"Could not keep artifacts for {testName}: {e.Message}");
        }
    }
}
