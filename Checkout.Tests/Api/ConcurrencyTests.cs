using System.Net;
using System.Text.Json;
using Checkout.Data.Payments;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Api;

public class ConcurrencyTests
{
    [Fact]
    public async Task Complete_50TimesAtOnceForOneSession_Creates1OrderAnswers201OnceAnd200ToTheRestWithOneAuthorization()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-GRINDER", 1));
        // Every request first looks for the session's order: all 50 find none, so the UNIQUE order-per-session index decides.
        api.Reads.Arm("orders", participants: 50);

        var responses = await Race.RunAsync(50, async _ =>
        {
            using var client = api.CreateClient();
            var response = await new ApiClient(client).CompleteAsync(checkout.CheckoutSessionId, Cards.Approved);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });

        Assert.True(api.Reads.AllArrived, "The 50 requests did not all read the order table before one wrote it.");
        var unexpected = responses.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.OK)).ToList();
        Assert.True(unexpected.Count == 0, $"Unexpected answers: {string.Join("; ", unexpected.Select(r => $"{(int)r.StatusCode} {r.Body}"))}");
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var placed = responses.Select(r => JsonSerializer.Deserialize<PlacedDto>(r.Body, ApiClient.Json)!).ToList();
        // One order in every answer, each answer with a key of its own for it.
        var order = Assert.Single(placed.Select(p => (p.OrderId, p.OrderNumber, p.Status)).Distinct());
        Assert.Equal("CONFIRMED", order.Status);
        Assert.Equal(50, placed.Select(p => p.OrderKey).Where(key => !string.IsNullOrEmpty(key)).Distinct().Count());
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal((2, 0, 1), await api.StockAsync("COF-GRINDER"));
    }

    [Fact]
    public async Task StartCheckout_30CartsAtOnceFor5Units_Holds5AndRefuses25WithOutOfStock()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        await api.SetStockAsync("GEAR-SCALE", 5);
        var carts = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            carts.Add(await shopper.CartWithAsync(("GEAR-SCALE", 1)));
        }
        // Every request reads its cart (and so prices it against 5 available) before any of them holds a unit.
        api.Reads.Arm("carts", participants: 30);

        var responses = await Race.RunAsync(30, async i =>
        {
            using var client = api.CreateClient();
            return await new ApiClient(client).StartCheckoutAsync(carts[i], email: $"racer{i}@example.com");
        });

        Assert.True(api.Reads.AllArrived, "The 30 requests did not all read their cart before one held a unit.");
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        var refusals = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(25, refusals.Count);
        foreach (var refusal in refusals)
        {
            var problem = await ProblemAssert.IsAsync(refusal, HttpStatusCode.Conflict, "out-of-stock");
            var shortage = Assert.Single(problem.GetProperty("shortages").EnumerateArray());
            Assert.Equal("GEAR-SCALE", shortage.GetProperty("sku").GetString());
            Assert.Equal(1, shortage.GetProperty("requested").GetInt32());
            Assert.Equal(0, shortage.GetProperty("available").GetInt32());
        }
        Assert.Equal((0, 5, 0), await api.StockAsync("GEAR-SCALE"));
        Assert.Equal(5, await api.CountAsync(db => db.Holds));
        Assert.Equal(5, await api.CountAsync(db => db.CheckoutSessions));
    }

    [Fact]
    public async Task StartCheckout_10TimesAtOnceWithOneClientMintedSessionForTheLastUnit_AnswersTheSameSessionEveryTimeCreatedOnceAndHoldsOnce()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("GEAR-FLASK", 1));
        var sessionId = Guid.NewGuid();
        // Every request first looks for the session: all 10 find none, so none can answer "already started" from that read.
        api.Reads.Arm("checkout_sessions", participants: 10);

        var responses = await Race.RunAsync(10, async _ =>
        {
            using var client = api.CreateClient();
            var response = await new ApiClient(client).StartCheckoutAsync(cartId, checkoutSessionId: sessionId);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });

        Assert.True(api.Reads.AllArrived, "The 10 requests did not all look for the session before one created it.");
        // The start that made the checkout answers 201; every other one finds it and answers 200.
        var statuses = responses.Select(r => r.StatusCode).Order().ToList();
        Assert.True(statuses.Count(c => c == HttpStatusCode.Created) == 1 && statuses.Count(c => c == HttpStatusCode.OK) == 9,
            $"Unexpected answers: {string.Join("; ", responses.Select(r => $"{(int)r.StatusCode} {r.Body}"))}");
        Assert.All(responses, r => Assert.Equal(sessionId, JsonSerializer.Deserialize<CheckoutDto>(r.Body, ApiClient.Json)!.CheckoutSessionId));
        Assert.Equal((0, 1, 0), await api.StockAsync("GEAR-FLASK"));
        Assert.Equal(1, await api.CountAsync(db => db.Holds));
    }
}
