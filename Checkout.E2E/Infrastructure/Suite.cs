using System.Diagnostics;
using System.Reflection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Checkout.E2E.Infrastructure.Suite", "Checkout.E2E")]

namespace Checkout.E2E.Infrastructure;

/// <summary>
/// What xunit 2 has no fixture for: things that live as long as the whole run. One headless Chromium serves every test
/// class (a browser context per test keeps them apart, and one browser process costs two cores far less than six),
/// and the run ends with one line, "E2E suite took N s", among <c>dotnet test</c>'s own output (a diagnostic message,
/// shown because xunit.runner.json turns them on).
/// </summary>
public sealed class Suite(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    // Debian's real binary; /usr/bin/chromium is a shell wrapper. Playwright never downloads a browser here.
    private const string DefaultChromium = "/usr/lib/chromium/chromium";

    private static readonly SemaphoreSlim BrowserGate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;

    /// <summary>The run's one Chromium, launched by the first test class that asks.</summary>
    public static async Task<IBrowser> BrowserAsync()
    {
        await BrowserGate.WaitAsync();
        try
        {
            if (_browser is { IsConnected: true })
            {
                return _browser;
            }
            _playwright ??= await Playwright.CreateAsync();
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
            return _browser;
        }
        finally
        {
            BrowserGate.Release();
        }
    }

    private static async Task CloseBrowserAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
            _browser = null;
        }
        _playwright?.Dispose();
        _playwright = null;
    }

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        // The signature is xunit's: it starts the run and returns at once.
        protected override async void RunTestCases(
            IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new Runner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class Runner(
        ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        private readonly Stopwatch _elapsed = new();

        protected override Task AfterTestAssemblyStartingAsync()
        {
            _elapsed.Start();
            Assertions.SetDefaultExpectTimeout(Journey.TimeoutMs);
            return base.AfterTestAssemblyStartingAsync();
        }

        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            await CloseBrowserAsync();
            var line = $"E2E suite took {_elapsed.Elapsed.TotalSeconds:0} s";
            DiagnosticMessageSink.OnMessage(new DiagnosticMessage(line));
            await Console.Out.WriteLineAsync(line);
            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
