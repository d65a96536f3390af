using System.Text.RegularExpressions;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using Checkout.E2E.Pages.Admin;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// The framework's meters are read by name, and the exporter's listener sees every meter of that name in the test
/// process: another class's app, ending its circuits and connections meanwhile, would count in this app's gauges (they
/// read below zero then). So this class runs alone, once the classes run in parallel have finished.
/// </summary>
[CollectionDefinition(nameof(OperationsTests), DisableParallelization = true)]
public sealed class OperationsCollection;

/// <summary>What operators see of shoppers' open pages: circuits and connections on <c>/metrics</c> and live in the admin.</summary>
[Collection(nameof(OperationsTests))]
public sealed class OperationsTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task AShoppersOpenPage_IsAnOpenCircuitAndConnectionOnTheMetrics_AndOnTheOperationsView() => JourneyAsync(async journey =>
    {
        var catalog = new CatalogPage(await journey.NewPageAsync("shopper"));
        await catalog.OpenAsync();
        // The cart answers once the page is interactive, that is once its circuit runs.
        await catalog.AddFirstInStockAsync();
        await Expect(catalog.CartSummary).ToHaveTextAsync("Cart (1)");

        // The exporter answers a scrape from its cache of the last one for a moment, so it is asked until it shows them.
        string[] open =
        [
            @"(?m)^aspnetcore_components_circuit_active\{[^}]*\} [1-9]",
            @"(?m)^signalr_server_active_connections\{[^}]*\} [1-9]",
            @"(?m)^kestrel_active_connections\{[^}]*\} [1-9]",
        ];
        var metrics = await Eventually.MatchesAsync(Shop.MetricsAsync, scraped => open.All(pattern => Regex.IsMatch(scraped, pattern)),
            "the metrics show the shopper's circuit, its SignalR connection and its Kestrel connection");
        Assert.All(open, pattern => Assert.Matches(pattern, metrics));

        var adminPage = await journey.NewPageAsync("admin");
        journey.FinalPage = adminPage;
        await SignInPage.SignInAsAdminAsync(adminPage, Shop.AdminEmail, Shop.AdminPassword);
        var operations = new OperationsPage(adminPage);
        await operations.OpenAsync();

        // The shopper's circuit and the admin's own; the figures refresh every second.
        await Expect(operations.Figure("shoppers-online")).ToHaveTextAsync("2", new() { Timeout = Journey.TimeoutMs });
        await Expect(operations.Figure("requests-per-second")).Not.ToHaveTextAsync("0.0", new() { Timeout = Journey.TimeoutMs });

        await catalog.Page.CloseAsync();
        await Expect(operations.Figure("shoppers-online")).ToHaveTextAsync("1", new() { Timeout = Journey.TimeoutMs });
    });
}
