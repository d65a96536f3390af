using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// Base for specs. A journey opens as many browser contexts as it has people (a shopper, a second shopper, an admin),
/// each traced; when it fails every context leaves a screenshot and a Playwright trace under
/// <c>Checkout.E2E/artifacts/</c>, and with <c>E2E_SCREENSHOTS=1</c> a passing journey leaves a screenshot of its
/// final page there.
/// </summary>
public abstract class BrowserTest<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : StorefrontFixture
{
    private static readonly string ArtifactsDirectory =
        typeof(BrowserTest<>).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "ArtifactsDirectory").Value!;

    protected TFixture Fixture { get; } = fixture;

    protected ITestOutputHelper Output { get; } = output;

    protected Shop Shop => Fixture.Shop;

    /// <summary>Runs <paramref name="journey"/>, keeping artifacts of every context it opened when it fails.</summary>
    protected async Task JourneyAsync(Func<Journey, Task> journey, [CallerMemberName] string testName = "")
    {
        var stem = $"{GetType().Name}.{testName}";
        await using var run = new Journey(Fixture, Output);
        try
        {
            await journey(run);
            await run.AssertNoCircuitErrorsAsync();
            if (Environment.GetEnvironmentVariable("E2E_SCREENSHOTS") == "1" && run.FinalPage is { } final)
            {
                Directory.CreateDirectory(ArtifactsDirectory);
                await final.ScreenshotAsync(new() { Path = Path.Combine(ArtifactsDirectory, stem + ".png"), FullPage = true });
            }
        }
        catch
        {
            await run.KeepArtifactsAsync(Path.Combine(ArtifactsDirectory, stem));
            throw;
        }
    }

    /// <summary>A one-person journey on one page.</summary>
    protected Task InBrowserAsync(Func<IPage, Task> scenario, [CallerMemberName] string testName = "") =>
        JourneyAsync(async journey => await scenario(await journey.NewPageAsync("shopper")), testName);
}

/// <summary>The browser contexts of one test: one per person, each with its own cookies (cart, admin sign-in).</summary>
public sealed class Journey(StorefrontFixture fixture, ITestOutputHelper output) : IAsyncDisposable
{
    /// <summary>
    /// For every action and assertion. The first render JIT-compiles the whole app and two cores run two apps and a
    /// browser: generous, and never waited out when things go right.
    /// </summary>
    public const float TimeoutMs = 15_000;

    /// <summary>A phone, for the journeys that must work on one.</summary>
    public static readonly BrowserNewContextOptions Phone = new()
    {
        ViewportSize = new() { Width = 375, Height = 812 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
    };

    private readonly List<(string Name, IBrowserContext Context, IPage Page)> _people = [];

    /// <summary>The page whose screenshot stands for the journey: the last one set, else the first page opened.</summary>
    public IPage? FinalPage { get; set; }

    /// <summary>A new browser context (nothing shared with the other people) and its page, traced.</summary>
    public async Task<IPage> NewPageAsync(string name, BrowserNewContextOptions? options = null)
    {
        options ??= new();
        options.BaseURL = fixture.BaseAddress.ToString();
        var context = await fixture.Browser.NewContextAsync(options);
        context.SetDefaultTimeout(TimeoutMs);
        // DOM snapshots, no screencast: the screencast of every context cost a third of the suite's time on two cores,
        // and a failure keeps a full-page screenshot anyway.
        await context.Tracing.StartAsync(new() { Screenshots = false, Snapshots = true, Title = name });
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                output.WriteLine($"[{name}] browser console: {message.Text}");
            }
        };
        page.PageError += (_, error) => output.WriteLine($"[{name}] page error: {error}");
        _people.Add((name, context, page));
        FinalPage ??= page;
        return page;
    }

    /// <summary>Blazor's error bar means a circuit crashed, whatever the page shows around it.</summary>
    public async Task AssertNoCircuitErrorsAsync()
    {
        foreach (var (_, _, page) in _people.Where(p => !p.Page.IsClosed))
        {
            await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync(new() { Timeout = 1_000 });
        }
    }

    public async Task KeepArtifactsAsync(string stem)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
        foreach (var (name, context, page) in _people)
        {
            var file = _people.Count == 1 ? stem : $"{stem}.{name}";
            try
            {
                if (!page.IsClosed)
                {
                    await page.ScreenshotAsync(new() { Path = file + ".png", FullPage = true });
                }
                await context.Tracing.StopAsync(new() { Path = file + ".trace.zip" });
                output.WriteLine($"Kept {file}.png and {file}.trace.zip (open with `playwright show-trace`).");
            }
            catch (PlaywrightException e)
            {
                // The browser may be what failed; the original exception matters more than the artifacts.
                output.WriteLine($"Could not keep artifacts of {name}: {e.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, context, _) in _people)
        {
            try
            {
                await context.CloseAsync();
            }
            catch (PlaywrightException)
            {
                // Already gone with the browser.
            }
        }
    }
}
