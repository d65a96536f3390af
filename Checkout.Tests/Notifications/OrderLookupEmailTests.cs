using System.Net;
using System.Text.RegularExpressions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Tests.Api;
using Checkout.Tests.Security;
using Checkout.Web.Orders;
using Checkout.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Checkout.Tests.Notifications;

/// <summary>
/// Find my order at a real SMTP server: a lookup whose order number belongs to the email brings a mail whose link lists
/// that email's orders, each link opening its order; a lookup that does not match brings nothing; and no address gets
/// more lookup mails than its cap, however many are asked for.
/// </summary>
public sealed partial class OrderLookupEmailTests
{
    [Fact]
    public async Task AMatchingLookup_ItsMailArrives_WithALinkThatListsTheOrders_EachLinkOpeningItsOrder()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        var first = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        api.Clock.Advance(TimeSpan.FromMinutes(10));
        var second = await shopper.ConfirmedOrderAsync(("TEA-SENCHA", 2));
        await LookUpAsync(shopper, " Shopper@Example.com", first.OrderNumber.ToLowerInvariant());

        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        var mail = Assert.Single(await smtp.ArrivedAsync(Assert.Single(await MessageIdsAsync(api, ApiClient.ShopperEmail, first.OrderNumber))));
        Assert.Equal(ApiClient.ShopperEmail, mail.To.Mailboxes.Single().Address);
        Assert.Equal("Your orders at Checkout", mail.Subject);
        // A day from when it was sent: the fake clock stands at 12:10 on 1 March.
        Assert.All(new[] { mail.TextBody, mail.HtmlBody }, body => Assert.Contains("2026-03-02 12:10 UTC", body, StringComparison.Ordinal));
        var link = LinkIn(mail);
        Assert.StartsWith("/orders/mine?token=", link.PathAndQuery, StringComparison.Ordinal);
        Assert.Contains($"href=\"{WebUtility.HtmlEncode(link.AbsoluteUri)}\"", mail.HtmlBody, StringComparison.Ordinal);

        using var browser = api.CreateClient();
        var list = await browser.GetStringAsync(link.PathAndQuery);
        var orderLinks = OrderLink().Matches(list).Select(m => (Number: m.Groups["number"].Value, Path: WebUtility.HtmlDecode(m.Groups["path"].Value))).ToList();
        Assert.Equal([second.OrderNumber, first.OrderNumber], orderLinks.Select(o => o.Number));
        foreach (var (number, path) in orderLinks)
        {
            var page = await browser.GetStringAsync("/" + path);
            Assert.Contains($">Order {number}</h1>", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ALookupThatDoesNotMatch_SendsNothing_AndItsDeliveryIsDone()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        var other = await shopper.PayAsync((await shopper.CheckoutAsync(await shopper.CartWithAsync(("TEA-MATCHA", 1)), email: "other@example.com")).CheckoutSessionId);
        // Another's email with this order's number, this email with another's order, and a number nobody was given.
        (string Email, string Number)[] mismatches =
            [("other@example.com", placed.OrderNumber), (ApiClient.ShopperEmail, other.OrderNumber), (ApiClient.ShopperEmail, "CK-ABCDEFGHJK")];
        foreach (var (email, number) in mismatches)
        {
            await LookUpAsync(shopper, email, number);
        }
        await LookUpAsync(shopper, ApiClient.ShopperEmail, placed.OrderNumber);

        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        // The one that matches arrives: the mail works, and the others were never sent.
        Assert.Single(await smtp.ArrivedAsync(Assert.Single(await MessageIdsAsync(api, ApiClient.ShopperEmail, placed.OrderNumber))));
        await AllDeliveredAsync(api, 4);
        foreach (var (email, number) in mismatches)
        {
            Assert.Empty(smtp.ArrivedSoFar(Assert.Single(await MessageIdsAsync(api, email, number))));
        }
    }

    [Fact]
    public async Task LookupMailsToOneAddress_StopAtItsCap_CountOnlyMailsSent_AndGoAgainAfterTheWindow()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(b =>
        {
            smtp.SendThrough(b);
            b.WithRateLimit(nameof(RateLimitOptions.LookupEmails), 2, TimeSpan.FromHours(1));
        });
        using var shopper = api.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        // Lookups that do not match send nothing, so they take none of the address's mails.
        await LookUpAsync(shopper, ApiClient.ShopperEmail, "CK-ABCDEFGHJK");
        await LookUpAsync(shopper, ApiClient.ShopperEmail, "CK-BCDEFGHJKL");
        for (var i = 0; i < 3; i++)
        {
            await LookUpAsync(shopper, ApiClient.ShopperEmail, placed.OrderNumber);
        }

        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        await AllDeliveredAsync(api, 5);
        var asked = await MessageIdsAsync(api, ApiClient.ShopperEmail, placed.OrderNumber);
        var sent = await Eventually.MatchesAsync(
            () => Task.FromResult(asked.Where(id => smtp.ArrivedSoFar(id).Count > 0).ToList()), s => s.Count >= 2, "two lookup mails arrived");
        Assert.Equal(2, sent.Count);
        var refused = Assert.Single(asked.Except(sent));

        // A counted mail delivered again (the outbox delivers at least once) goes again: it was counted once. One over
        // the cap stays unsent however often it is delivered.
        var consumer = api.Services.GetServices<IOutboxConsumer>().OfType<OrderLookupEmails>().Single();
        await consumer.DeliverAsync(await MessageAsync(api, sent[0]), CancellationToken.None);
        await consumer.DeliverAsync(await MessageAsync(api, refused), CancellationToken.None);
        Assert.Equal(2, (await smtp.ArrivedAsync(sent[0], count: 2)).Count);
        Assert.Empty(smtp.ArrivedSoFar(refused));

        // An hour after the first two, the address may have another.
        api.Clock.Advance(TimeSpan.FromHours(1));
        await LookUpAsync(shopper, ApiClient.ShopperEmail, placed.OrderNumber);
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();
        var later = Assert.Single((await MessageIdsAsync(api, ApiClient.ShopperEmail, placed.OrderNumber)).Except(asked));
        Assert.Single(await smtp.ArrivedAsync(later));
        Assert.Empty(smtp.ArrivedSoFar(refused));
    }

    private static async Task LookUpAsync(ApiClient shopper, string email, string orderNumber) =>
        Assert.Equal(HttpStatusCode.Accepted, (await shopper.PostAsync("/api/orders/lookup", new { email, orderNumber })).StatusCode);

    /// <summary>The Message-IDs of the mails of the lookups asked for with this email and number.</summary>
    private static async Task<List<string>> MessageIdsAsync(ApiFactory api, string email, string orderNumber)
    {
        await using var db = await api.DbAsync();
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == OutboxTypes.OrderLookupRequested).ToListAsync();
        return [.. messages.Where(m => OrderLookupRequest.Of(m) == new OrderLookupRequest(email, orderNumber)).Select(m => $"{m.Id:N}.order-lookup@checkout.local")];
    }

    private static async Task<OutboxMessage> MessageAsync(ApiFactory api, string messageId)
    {
        await using var db = await api.DbAsync();
        var id = Guid.ParseExact(messageId[..32], "N");
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    /// <summary>Waits until the lookup consumer has every one of <paramref name="count"/> lookups delivered (sent or not), and none failed.</summary>
    private static Task AllDeliveredAsync(ApiFactory api, int count) => Eventually.MatchesAsync(
        async () =>
        {
            await using var db = await api.DbAsync();
            return await db.OutboxDeliveries.AsNoTracking().Where(d => d.Consumer == OrderLookupEmails.ConsumerName)
                .Select(d => new { d.DeliveredAt, d.LastError }).ToListAsync();
        },
        d => d.Count == count && d.All(x => x.DeliveredAt is not null),
        $"the {count} lookups were delivered");

    /// <summary>The link the mail's text gives to the orders.</summary>
    private static Uri LinkIn(MimeMessage mail) => new(Assert.Single(ListLink().Matches(mail.TextBody ?? "")).Groups["url"].Value);

    [GeneratedRegex(@"See your orders: (?<url>\S+)")]
    private static partial Regex ListLink();

    [GeneratedRegex("href=\"(?<path>orders/(?<number>CK-[A-Z0-9]+)\\?key=[^\"]+)\"")]
    private static partial Regex OrderLink();
}
