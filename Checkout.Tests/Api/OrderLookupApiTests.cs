using System.Net;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Tests.Builders;
using Checkout.Tests.Security;
using Checkout.Web.Orders;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Checkout.Tests.Api;

/// <summary>
/// Find my order over the API: asking answers the same, and does the same work, whether or not the email and the order
/// number belong together; a malformed field is refused for its shape; asking is limited per client; and a lookup
/// link's token lists that email's orders, each with a key that opens it, for a day and no longer.
/// </summary>
public class OrderLookupApiTests
{
    private const string Lookup = "/api/orders/lookup";
    private const string Mine = "/api/orders/mine";

    [Fact]
    public async Task AMatchAndAMismatch_AreAnsweredTheSame_AndEachWritesOneLookupMessage()
    {
        var logs = new CapturedLogs();
        await using var api = new ApiFactory(b => b
            .UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command", "Information")
            .ConfigureLogging(l => l.AddProvider(logs)));
        using var shopper = api.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));

        var (match, matchStatements) = await AskAsync(logs, shopper, new { email = " Shopper@Example.COM ", orderNumber = placed.OrderNumber.ToLowerInvariant() });
        var (wrongEmail, wrongEmailStatements) = await AskAsync(logs, shopper, new { email = "someone.else@example.com", orderNumber = placed.OrderNumber });
        var (unknown, unknownStatements) = await AskAsync(logs, shopper, new { email = ApiClient.ShopperEmail, orderNumber = "CK-ABCDEFGHJK" });

        var answers = new[] { match, wrongEmail, unknown };
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.StatusCode));
        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        Assert.Equal($$"""{"message":"{{OrderLookups.Answer}}"}""", bodies[0]);
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        Assert.All(answers, a => Assert.Equal(Headers(answers[0]), Headers(a)));
        // The same statements for each, and none of them reads an order: the match is decided later, by the e-mail's consumer.
        Assert.NotEmpty(matchStatements);
        Assert.Equal(matchStatements, wrongEmailStatements);
        Assert.Equal(matchStatements, unknownStatements);
        Assert.DoesNotContain(matchStatements, sql => sql.Contains("\"orders\"", StringComparison.Ordinal));

        await using var db = await api.DbAsync();
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == OutboxTypes.OrderLookupRequested).ToListAsync();
        OrderLookupRequest[] asked =
        [
            new(ApiClient.ShopperEmail, placed.OrderNumber),
            new("someone.else@example.com", placed.OrderNumber),
            new(ApiClient.ShopperEmail, "CK-ABCDEFGHJK"),
        ];
        Assert.Equal(asked.Order(ByContent), messages.Select(OrderLookupRequest.Of).Order(ByContent));
    }

    [Theory]
    [InlineData("""{"email":"not-an-email","orderNumber":"CK-ABCDEFGHJK"}""", "email")]
    [InlineData("""{"email":"","orderNumber":"CK-ABCDEFGHJK"}""", "email")]
    [InlineData("""{"orderNumber":"CK-ABCDEFGHJK"}""", "email")]
    [InlineData("""{"email":"a@example.com\n","orderNumber":"CK-ABCDEFGHJK"}""", "email")]
    [InlineData("""{"email":"a@example.com","orderNumber":"12345"}""", "orderNumber")]
    [InlineData("""{"email":"a@example.com","orderNumber":"CK-ABCDEFGHJ0"}""", "orderNumber")]
    [InlineData("""{"email":"a@example.com","orderNumber":"CK-ABCDEFGHJKL"}""", "orderNumber")]
    [InlineData("""{"email":"a@example.com"}""", "orderNumber")]
    [InlineData("""{}""", "email,orderNumber")]
    public async Task AMalformedField_Is422WithItsMessage_AndWritesNothing(string body, string fields)
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var before = await api.SnapshotAsync();

        var problem = await ProblemAssert.IsAsync(await shopper.SendRawAsync(HttpMethod.Post, Lookup, body), HttpStatusCode.UnprocessableEntity, "validation");

        var errors = problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()).ToList());
        Assert.Equal(fields.Split(','), errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values, messages => Assert.NotEmpty(Assert.Single(messages)!));
        await api.AssertUnchangedAsync(before, $"A lookup of {body}");
    }

    [Fact]
    public async Task AskingBeyondTheLimit_Is429_AndWritesNothing()
    {
        await using var api = new ApiFactory(b => b.WithRateLimit(nameof(RateLimitOptions.Lookup), 2, TimeSpan.FromHours(1)));
        using var shopper = api.Shopper();
        var body = new { email = ApiClient.ShopperEmail, orderNumber = "CK-ABCDEFGHJK" };
        Assert.Equal(HttpStatusCode.Accepted, (await shopper.PostAsync(Lookup, body)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await shopper.PostAsync(Lookup, body)).StatusCode);
        var before = await api.SnapshotAsync();

        var third = await shopper.PostAsync(Lookup, body);

        await ProblemAssert.IsAsync(third, HttpStatusCode.TooManyRequests, RateLimits.ProblemCode);
        Assert.NotNull(third.Headers.RetryAfter);
        await api.AssertUnchangedAsync(before, "A lookup over the limit");
    }

    [Fact]
    public async Task ALookupToken_ListsTheEmailsOrdersNewestFirst_EachWithAKeyThatOpensIt()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var first = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        api.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await shopper.ConfirmedOrderAsync(("TEA-SENCHA", 2));
        await shopper.PayAsync((await shopper.CheckoutAsync(await shopper.CartWithAsync(("TEA-MATCHA", 1)), email: "other@example.com")).CheckoutSessionId);
        var (token, expiresAt) = api.Get<OrderLookupLinks>().Issue(ApiClient.ShopperEmail);

        var mine = await ApiClient.ReadAsync<MyOrdersDto>(await GetMineAsync(shopper, token), HttpStatusCode.OK);

        Assert.Equal((ApiClient.ShopperEmail, expiresAt), (mine.Email, mine.ExpiresAt));
        Assert.Equal([second.OrderNumber, first.OrderNumber], mine.Orders.Select(o => o.OrderNumber));
        Assert.All(mine.Orders, o => Assert.Equal("CONFIRMED", o.Status));
        foreach (var order in mine.Orders)
        {
            var opened = await ApiClient.ReadAsync<OrderDto>(await shopper.SendOrderAsync(order.OrderId, null, order.OrderKey), HttpStatusCode.OK);
            Assert.Equal((order.OrderNumber, order.TotalMinor), (opened.OrderNumber, opened.TotalMinor));
        }
        // Each key opens its own order only.
        await ProblemAssert.IsAsync(await shopper.SendOrderAsync(mine.Orders[0].OrderId, null, mine.Orders[1].OrderKey), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task ALookupToken_StillListsAtTwentyThreeHoursFiftyNine_AndIs401AtTwentyFourHours()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        var (token, _) = api.Get<OrderLookupLinks>().Issue(ApiClient.ShopperEmail);

        api.Clock.Advance(new TimeSpan(23, 59, 0));
        Assert.Single((await ApiClient.ReadAsync<MyOrdersDto>(await GetMineAsync(shopper, token), HttpStatusCode.OK)).Orders);

        api.Clock.Advance(TimeSpan.FromMinutes(1));
        var expired = await ProblemAssert.IsAsync(await GetMineAsync(shopper, token), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("expired", expired.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("made up")]
    [InlineData("tampered")]
    [InlineData("an order's key")]
    public async Task AnInvalidToken_Is401(string kind)
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        var (token, _) = api.Get<OrderLookupLinks>().Issue(ApiClient.ShopperEmail);
        var sent = kind switch
        {
            "missing" => null,
            "made up" => "bm90LWEtdG9rZW4tYXQtYWxs",
            "tampered" => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1],
            _ => shopper.KeyOf(placed.OrderId),
        };

        var problem = await ProblemAssert.IsAsync(await GetMineAsync(shopper, sent), HttpStatusCode.Unauthorized, "unauthorized");

        Assert.DoesNotContain(ApiClient.ShopperEmail, problem.ToString(), StringComparison.Ordinal);
    }

    private static readonly Comparer<OrderLookupRequest> ByContent =
        Comparer<OrderLookupRequest>.Create((a, b) => string.CompareOrdinal($"{a.Email} {a.OrderNumber}", $"{b.Email} {b.OrderNumber}"));

    /// <summary>
    /// Asks for a lookup; answers the reply and the SQL run while it was answered: the request's own, since the app's
    /// background work runs on the fake clock, which stands still meanwhile (the writer may run it on its own thread).
    /// </summary>
    private static async Task<(HttpResponseMessage Answer, List<string> Statements)> AskAsync(CapturedLogs logs, ApiClient shopper, object body)
    {
        var seen = logs.Entries.Count;
        var answer = await shopper.PostAsync(Lookup, body);
        await answer.Content.LoadIntoBufferAsync();
        List<string> statements =
        [
            .. logs.Entries.Skip(seen)
                .Where(e => e.EventId.Id == RelationalEventId.CommandExecuted.Id)
                .Select(e => e.Values.Single(v => v.StartsWith("commandText=", StringComparison.Ordinal))),
        ];
        return (answer, statements);
    }

    /// <summary>The reply's headers by name, those that differ by nature (the date) aside.</summary>
    private static string Headers(HttpResponseMessage answer) => string.Join(",",
        answer.Headers.Concat(answer.Content.Headers).Select(h => h.Key).Where(k => k != "Date").Order(StringComparer.Ordinal));

    private static Task<HttpResponseMessage> GetMineAsync(ApiClient client, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Mine);
        if (token is not null)
        {
            request.Headers.Add(OrderLookupLinks.Header, token);
        }
        return client.Http.SendAsync(request);
    }
}

public sealed record MyOrderDto(Guid OrderId, string OrderNumber, DateTimeOffset CreatedAt, string Status, long TotalMinor, string Currency, string OrderKey);

public sealed record MyOrdersDto(string Email, DateTimeOffset ExpiresAt, IReadOnlyList<MyOrderDto> Orders);
