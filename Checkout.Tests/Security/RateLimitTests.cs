using System.Net;
using Checkout.Tests.Admin;
using Checkout.Tests.Api;
using Checkout.Tests.Builders;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Checkout.Tests.Security;

/// <summary>
/// The per-client limits on starting checkout (where the API checks promo codes), paying and signing in: what a
/// refused request gets, what it leaves untouched, what is logged, and whose allowance it counts against. Each test
/// sets a small limit over an hour, so the window never ends during the test.
/// </summary>
public class RateLimitTests
{
    private static readonly TimeSpan AnHour = TimeSpan.FromHours(1);

    [Fact]
    public async Task GuessingPromoCodes_IsCutOffWith429ProblemsLoggedAsWarnings_AndTakesNoPromoUse()
    {
        var logs = new CapturedLogs();
        await using var api = new ApiFactory(b => b
            .WithRateLimit(nameof(RateLimitOptions.Checkout), 5, AnHour)
            .ConfigureLogging(l => l.ClearProviders().AddProvider(logs)));
        using var attacker = api.Shopper();
        var cartId = await attacker.CartWithAsync(("COF-FILTER", 1));
        var before = await api.SnapshotAsync();

        var answers = new List<HttpResponseMessage>();
        for (var guess = 0; guess < 12; guess++)
        {
            answers.Add(await attacker.StartCheckoutAsync(cartId, promoCode: $"GUESS{guess:D3}"));
        }
        // The limit counts the client's attempts, not its wrong codes: a real code is refused as well now.
        answers.Add(await attacker.StartCheckoutAsync(cartId, promoCode: "WELCOME10"));

        foreach (var wrong in answers.Take(5))
        {
            await ProblemAssert.IsAsync(wrong, HttpStatusCode.UnprocessableEntity, "promo-not-found");
        }
        foreach (var throttled in answers.Skip(5))
        {
            var problem = await ProblemAssert.IsAsync(throttled, HttpStatusCode.TooManyRequests, RateLimits.ProblemCode);
            Assert.Equal(RateLimits.ProblemCode, problem.GetProperty("code").GetString());
            Assert.InRange(throttled.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), AnHour);
        }
        await api.AssertUnchangedAsync(before, "Guessing promo codes");
        var warnings = logs.Entries.Where(e => e.Category == typeof(RateLimits).FullName).ToList();
        Assert.Equal(8, warnings.Count);
        Assert.All(warnings, w =>
        {
            Assert.Equal(LogLevel.Warning, w.Level);
            Assert.Equal("Rate limit checkout refused POST /api/checkouts from 127.0.0.1", w.Message);
        });
    }

    [Fact]
    public async Task Paying_BeyondTheLimit_Is429_AndNeverReachesTheGateway()
    {
        await using var api = new ApiFactory(b => b.WithRateLimit(nameof(RateLimitOptions.Payment), 2, AnHour));
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-FILTER", 1));
        var mistyped = Cards.Approved with { CardNumber = "4242 4242 4242 4241" };
        await ProblemAssert.IsAsync(await shopper.CompleteAsync(checkout.CheckoutSessionId, mistyped), HttpStatusCode.UnprocessableEntity, "validation");
        await ProblemAssert.IsAsync(await shopper.CompleteAsync(checkout.CheckoutSessionId, mistyped), HttpStatusCode.UnprocessableEntity, "validation");
        var before = await api.SnapshotAsync();

        var third = await shopper.CompleteAsync(checkout.CheckoutSessionId, Cards.Approved);

        await ProblemAssert.IsAsync(third, HttpStatusCode.TooManyRequests, RateLimits.ProblemCode);
        Assert.NotNull(third.Headers.RetryAfter);
        await api.AssertUnchangedAsync(before, "A payment over the limit");
        Assert.Empty(await api.GatewayOperationsAsync());
    }

    [Fact]
    public async Task SigningIn_BeyondTheLimit_Is429_EvenWithTheRightPassword()
    {
        await using var app = new AdminFactory(b => b.WithRateLimit(nameof(RateLimitOptions.SignIn), 3, AnHour));
        using var browser = app.Browser();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var wrong = await AdminFactory.SignInAsync(browser, AdminFactory.AdminEmail, $"Wrong-Passw0rd-{attempt}!");
            Assert.Equal("/admin/sign-in?error=invalid", wrong.Headers.Location?.OriginalString);
        }

        var right = await AdminFactory.SignInAsync(browser, AdminFactory.AdminEmail, AdminFactory.AdminPassword);

        await ProblemAssert.IsAsync(right, HttpStatusCode.TooManyRequests, RateLimits.ProblemCode);
        Assert.NotNull(right.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/admin")).StatusCode);
    }

    [Fact]
    public async Task TheLimit_CountsPerClientAddress()
    {
        await using var app = new AdminFactory(b => b.WithRateLimit(nameof(RateLimitOptions.Checkout), 2, AnHour));
        using var first = ClientFrom(app, "203.0.113.7");
        using var second = ClientFrom(app, "198.51.100.20");
        var body = $$"""{"cartId":"{{Guid.NewGuid()}}","email":"a@example.com"}""";

        var firstAnswers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            firstAnswers.Add((await new ApiClient(first).SendRawAsync(HttpMethod.Post, "/api/checkouts", body)).StatusCode);
        }
        var secondAnswer = await new ApiClient(second).SendRawAsync(HttpMethod.Post, "/api/checkouts", body);

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], firstAnswers);
        await ProblemAssert.IsAsync(secondAnswer, HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task ARefusedClient_IsToldWhenItsWindowEnds_AndIsAdmittedFromThen()
    {
        await using var api = new ApiFactory(b => b.WithRateLimit(nameof(RateLimitOptions.Checkout), 2, AnHour));
        using var shopper = api.Shopper();
        var unknownCart = Guid.NewGuid();
        for (var i = 0; i < 2; i++)
        {
            await ProblemAssert.IsAsync(await shopper.StartCheckoutAsync(unknownCart), HttpStatusCode.NotFound, "not-found");
        }

        api.Clock.Advance(TimeSpan.FromMinutes(20));
        var refused = await shopper.StartCheckoutAsync(unknownCart);

        await ProblemAssert.IsAsync(refused, HttpStatusCode.TooManyRequests, RateLimits.ProblemCode);
        Assert.Equal(TimeSpan.FromMinutes(40), refused.Headers.RetryAfter?.Delta);

        api.Clock.Advance(TimeSpan.FromMinutes(40));

        await ProblemAssert.IsAsync(await shopper.StartCheckoutAsync(unknownCart), HttpStatusCode.NotFound, "not-found");
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:bbbb:cccc:dddd:9", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData(null, "unknown")]
    public void AClient_IsItsIPv4Address_OrItsIPv6Slash64(string? address, string client)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);

        Assert.Equal(client, RateLimits.ClientOf(context));
    }

    [Theory]
    [InlineData("0", "00:01:00")]
    [InlineData("-5", "00:01:00")]
    [InlineData("5", "00:00:00")]
    public async Task AnInvalidLimit_StopsTheAppAtStart(string permitLimit, string window)
    {
        await using var app = new AdminFactory(b => b
            .UseSetting("RateLimits:Payment:PermitLimit", permitLimit)
            .UseSetting("RateLimits:Payment:Window", window));

        var error = Assert.ThrowsAny<Exception>(() => app.Server);

        Assert.Contains("needs a PermitLimit of at least 1 and a positive Window", error.ToString(), StringComparison.Ordinal);
    }

    private static HttpClient ClientFrom(AdminFactory app, string address) =>
        new(app.Server.CreateHandler(context => context.Connection.RemoteIpAddress = IPAddress.Parse(address))) { BaseAddress = app.Server.BaseAddress };
}
