using System.Net;
using Checkout.Data.Fulfillment;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Api;

/// <summary>
/// The admin API of outbox deliveries: only for the admin, failing and dead-lettered ones listed apart, and "retry now"
/// making a dead one due at once.
/// </summary>
public class AdminOutboxApiTests(AdminShop shop) : IClassFixture<AdminShop>
{
    /// <summary>No consumer of the app has this name, so its background dispatcher leaves these deliveries as arranged.</summary>
    private const string Consumer = "no-such-consumer";

    public static TheoryData<string, string?> RoutesWithoutAValidKey() => new()
    {
        { "GET", null }, { "GET", "wrong-key" }, { "POST", null }, { "POST", "wrong-key" },
    };

    [Theory]
    [MemberData(nameof(RoutesWithoutAValidKey))]
    public async Task Route_WithoutTheAdminKey_Is401ProblemAndChangesNothing(string method, string? key)
    {
        var dead = await shop.Api.FailedDeliveryAsync(shop.Api.Clock.GetUtcNow(), Consumer, dead: true);
        using var client = shop.Api.CreateClient();
        var path = method == "GET" ? "/api/admin/outbox/deliveries?state=dead" : $"/api/admin/outbox/deliveries/{dead.Id}/{Consumer}/retry";
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        var response = await client.SendAsync(request);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        await using var db = await shop.Api.DbAsync();
        Assert.NotNull((await db.OutboxDeliveries.AsNoTracking().SingleAsync(d => d.MessageId == dead.Id)).DeadAt);
    }

    [Fact]
    public async Task Deliveries_AreListedByState_AndRetryNowMakesADeadOneDueNow()
    {
        var now = shop.Api.Clock.GetUtcNow();
        var failing = await shop.Api.FailedDeliveryAsync(now, Consumer, dead: false, error: "503 Service Unavailable", attempts: 4);
        var dead = await shop.Api.FailedDeliveryAsync(now, Consumer, dead: true, error: "Connection refused", attempts: 30);

        var failingOnes = await ListAsync("?state=failing");
        var deadOnes = await ListAsync("?state=dead");
        var both = await ListAsync("");

        var listed = Assert.Single(failingOnes, d => d.MessageId == failing.Id);
        Assert.Equal((OutboxTypes.OrderConfirmed, failing.AggregateId, Consumer, 4, now.AddHours(1), "503 Service Unavailable", false),
            (listed.MessageType, listed.AggregateId, listed.Consumer, listed.Attempts, listed.NextAttemptAt, listed.LastError, listed.Dead));
        Assert.DoesNotContain(failingOnes, d => d.MessageId == dead.Id);
        var deadListed = Assert.Single(deadOnes, d => d.MessageId == dead.Id);
        Assert.Equal((30, "Connection refused", true), (deadListed.Attempts, deadListed.LastError, deadListed.Dead));
        Assert.DoesNotContain(deadOnes, d => d.MessageId == failing.Id);
        Assert.Contains(both, d => d.MessageId == failing.Id);
        Assert.Contains(both, d => d.MessageId == dead.Id);

        shop.Api.Clock.Advance(TimeSpan.FromMinutes(5));
        var retried = await ApiClient.ReadAsync<OutboxDeliveryView>(
            await shop.Admin.PostAsync($"/api/admin/outbox/deliveries/{dead.Id}/{Consumer}/retry"), HttpStatusCode.OK);

        Assert.Equal((dead.Id, false, shop.Api.Clock.GetUtcNow()), (retried.MessageId, retried.Dead, retried.NextAttemptAt));
        Assert.DoesNotContain(await ListAsync("?state=dead"), d => d.MessageId == dead.Id);
        Assert.Contains(await ListAsync("?state=failing"), d => d.MessageId == dead.Id);
    }

    [Fact]
    public async Task AnUnknownState_IsRefused_AndRetryingNoSuchDelivery_IsNotFound()
    {
        await ProblemAssert.IsAsync(await shop.Admin.GetAsync("/api/admin/outbox/deliveries?state=stuck"), HttpStatusCode.UnprocessableEntity, "validation");
        await ProblemAssert.IsAsync(
            await shop.Admin.PostAsync($"/api/admin/outbox/deliveries/{Guid.NewGuid()}/{Consumer}/retry"), HttpStatusCode.NotFound, "not-found");
    }

    private async Task<List<OutboxDeliveryView>> ListAsync(string query) =>
        await ApiClient.ReadAsync<List<OutboxDeliveryView>>(await shop.Admin.GetAsync($"/api/admin/outbox/deliveries{query}"), HttpStatusCode.OK);
}
