using System.Net;
using Checkout.Testing;
using Checkout.Tests.Builders;
using Checkout.Web.Api;
using Microsoft.AspNetCore.Hosting;

namespace Checkout.Tests.Api;

/// <summary>
/// The API serves at most so many requests at once; one beyond that waits its turn, and one that waited too long is
/// told 503 with Retry-After before anything of it ran. The health check is never held back.
/// </summary>
public class AdmissionTests
{
    [Fact]
    public async Task Request_BeyondTheTurns_Is503WithRetryAfter_RunsNothing_AndTheNextOneIsServed()
    {
        var gate = new AuthorizationGate();
        await using var api = new ApiFactory(web => web.HoldAuthorizations(gate).WithAdmission(turns: 1, maxWait: TimeSpan.Zero));
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-KETTLE", 1));
        using var payingClient = api.CreateClient();
        var paying = new ApiClient(payingClient).CompleteAsync(checkout.CheckoutSessionId, Cards.Approved);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        var carts = await api.CountAsync(db => db.Carts);

        using var turnedAway = await shopper.PostAsync("/api/carts");
        using var health = await shopper.GetAsync("/healthz");

        await ProblemAssert.IsAsync(turnedAway, HttpStatusCode.ServiceUnavailable, "busy");
        Assert.Equal("1", turnedAway.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(carts, await api.CountAsync(db => db.Carts));

        gate.Release();
        using var paid = await paying;
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        using var served = await shopper.PostAsync("/api/carts");
        Assert.Equal(HttpStatusCode.Created, served.StatusCode);
        Assert.Equal(carts + 1, await api.CountAsync(db => db.Carts));
    }

    [Fact]
    public async Task Request_BeyondTheTurns_WaitsItsTurn_AndIsServedWhenOneEnds()
    {
        var gate = new AuthorizationGate();
        await using var api = new ApiFactory(web => web.HoldAuthorizations(gate).WithAdmission(turns: 1, maxWait: TimeSpan.FromMinutes(1)));
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-KETTLE", 1));
        using var payingClient = api.CreateClient();
        var paying = new ApiClient(payingClient).CompleteAsync(checkout.CheckoutSessionId, Cards.Approved);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));

        var waiting = shopper.PostAsync("/api/carts");
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted, "The request beyond the one turn was served while the turn was taken");

        gate.Release();
        using var paid = await paying;
        using var served = await waiting;
        Assert.Equal(HttpStatusCode.Created, paid.StatusCode);
        Assert.Equal(HttpStatusCode.Created, served.StatusCode);
    }
}

internal static class TestAdmission
{
    public static IWebHostBuilder WithAdmission(this IWebHostBuilder web, int turns, TimeSpan maxWait) => web
        .UseSetting($"{AdmissionOptions.Section}:{nameof(AdmissionOptions.MaxConcurrentRequests)}", turns.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .UseSetting($"{AdmissionOptions.Section}:{nameof(AdmissionOptions.MaxWait)}", maxWait.ToString("c"));
}
