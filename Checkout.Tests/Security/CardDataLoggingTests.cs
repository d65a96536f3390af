using System.Net;
using System.Text.RegularExpressions;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Admin;
using Checkout.Tests.Api;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Checkout.Tests.Security;

/// <summary>
/// Card numbers and security codes never reach the logs, at any level: every test card is paid with through the API
/// and through the service the storefront's pages call, with Trace logging and EF Core's parameter values switched on
/// (so that a card number written to the database would show in its SQL), and the whole log is searched.
/// </summary>
public partial class CardDataLoggingTests
{
    /// <summary>A security code that appears nowhere else, so that finding it next to "cvc" means it leaked.</summary>
    private const string Cvc = "737";

    private static readonly string[] TestCards =
    [
        SimulatedPaymentGateway.ApprovedCard, SimulatedPaymentGateway.DeclinedCard,
        SimulatedPaymentGateway.InsufficientFundsCard, SimulatedPaymentGateway.TimeoutCard,
    ];

    [Fact]
    public async Task PayingWithEveryTestCard_AtTraceLevel_LogsNoCardNumberAndNoSecurityCode()
    {
        var logs = new CapturedLogs();
        await using var api = new ApiFactory(b => b
            .UseSetting("Logging:LogLevel:Default", "Trace")
            .UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Trace")
            .UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Trace")
            .ConfigureLogging(l => l.ClearProviders().AddProvider(logs))
            .ConfigureServices(s => s.ConfigureDbContext<SqliteCheckoutDbContext>(o => o.EnableSensitiveDataLogging())));
        using var shopper = api.Shopper();

        // Through the API, each card typed a different way: grouped by spaces, by dashes, or not at all.
        await PayAsync(shopper, Typed(SimulatedPaymentGateway.ApprovedCard, " "), HttpStatusCode.Created);
        await PayAsync(shopper, Typed(SimulatedPaymentGateway.DeclinedCard, ""), HttpStatusCode.PaymentRequired);
        await PayAsync(shopper, Typed(SimulatedPaymentGateway.InsufficientFundsCard, "-"), HttpStatusCode.PaymentRequired);
        var timingOut = await shopper.OpenCheckoutAsync(("COF-FILTER", 1));
        var card = new TestCard(Typed(SimulatedPaymentGateway.TimeoutCard, " "), "12/30", Cvc);
        Assert.Equal(HttpStatusCode.GatewayTimeout, (await shopper.CompleteAsync(timingOut.CheckoutSessionId, card)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await shopper.CompleteAsync(timingOut.CheckoutSessionId, card)).StatusCode);
        // Bodies the API cannot read, with a card inside: the errors they raise must not quote it.
        var broken = await shopper.OpenCheckoutAsync(("COF-FILTER", 1));
        foreach (var body in (string[])[
            $$"""{"cardNumber":"{{SimulatedPaymentGateway.ApprovedCard}}","expiry":"12/30","cvc":{{Cvc}}}""",
            $$"""{"cardNumber":"{{SimulatedPaymentGateway.ApprovedCard}}","expiry":"12/30","cvc":"{{Cvc}}" """,
            $$"""{"cardNumber":{{SimulatedPaymentGateway.ApprovedCard}},"expiry":"12/30","cvc":"{{Cvc}}"}"""])
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await shopper.SendRawAsync(HttpMethod.Post, $"/api/checkouts/{broken.CheckoutSessionId}/complete", body)).StatusCode);
        }

        // Through the service the checkout page calls, which takes the card as typed.
        var placeOrder = api.Services.GetRequiredService<PlaceOrderService>();
        foreach (var number in TestCards)
        {
            var session = (await shopper.OpenCheckoutAsync(("TEA-SENCHA", 1))).CheckoutSessionId;
            var first = await placeOrder.PlaceAsync(session, new CardDetails(Typed(number, " "), "12/30", Cvc));
            if (number == SimulatedPaymentGateway.TimeoutCard)
            {
                Assert.Equal("payment-pending", first.Error?.Code);
                Assert.True((await placeOrder.PlaceAsync(session, new CardDetails(number, "12/30", Cvc))).IsSuccess);
            }
        }

        var text = logs.Text;
        // The capture really is at Trace with parameter values: the shopper's email is a parameter of the checkout's SQL.
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Trace);
        Assert.Contains(logs.Entries, e => e.Category == DbLoggerCategory.Database.Command.Name && e.Message.Contains(ApiClient.ShopperEmail, StringComparison.Ordinal));
        foreach (var number in TestCards)
        {
            foreach (var typed in (string[])[number, Typed(number, " "), Typed(number, "-")])
            {
                Assert.False(text.Contains(typed, StringComparison.Ordinal), $"The log holds the card number {typed}:\n{Around(text, typed)}");
            }
        }
        Assert.DoesNotMatch(SecurityCodeInContext(), text);
        Assert.DoesNotMatch(CardNumberField(), text);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task TheApp_NeverTurnsOnEfCoresSensitiveDataLogging(string environment)
    {
        await using var app = new AdminFactory(b => b.UseEnvironment(environment));

        await using var db = await app.DbAsync();

        Assert.False(db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.IsSensitiveDataLoggingEnabled ?? false);
    }

    [Fact]
    public async Task SignalRsHubDispatcher_StaysAtInformation_WhateverTheConfigurationAsks()
    {
        await using var app = new AdminFactory(b => b
            .UseSetting("Logging:LogLevel:Default", "Trace")
            .UseSetting("Logging:LogLevel:Microsoft.AspNetCore.SignalR", "Trace")
            .UseSetting($"Logging:LogLevel:{SecuritySetup.HubDispatcherCategory}", "Trace")
            .UseSetting($"Logging:Console:LogLevel:{SecuritySetup.HubDispatcherCategory}", "Trace")
            .UseSetting($"Logging:Debug:LogLevel:{SecuritySetup.HubDispatcherCategory}", "Debug"));

        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        var dispatcher = loggers.CreateLogger(SecuritySetup.HubDispatcherCategory);
        Assert.False(dispatcher.IsEnabled(LogLevel.Debug), "Hub invocations, with what the shopper typed, would be logged.");
        Assert.True(dispatcher.IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.SignalR.HubConnectionHandler").IsEnabled(LogLevel.Trace));
    }

    private static async Task PayAsync(ApiClient shopper, string cardNumber, HttpStatusCode expected)
    {
        var checkout = await shopper.OpenCheckoutAsync(("COF-FILTER", 1));
        Assert.Equal(expected, (await shopper.CompleteAsync(checkout.CheckoutSessionId, new TestCard(cardNumber, "12/30", Cvc))).StatusCode);
    }

    /// <summary>The card's digits in groups of four joined by <paramref name="separator"/>.</summary>
    private static string Typed(string digits, string separator) => string.Join(separator, digits.Chunk(4).Select(c => new string(c)));

    private static string Around(string text, string found)
    {
        var at = text.IndexOf(found, StringComparison.Ordinal);
        return text[Math.Max(0, at - 300)..Math.Min(text.Length, at + 300)];
    }

    [GeneratedRegex($@"(?i)(cvc|cvv|security.?code)\W{{0,12}}{Cvc}\b")]
    private static partial Regex SecurityCodeInContext();

    [GeneratedRegex(@"(?i)card.?number\W{0,12}\d")]
    private static partial Regex CardNumberField();
}
