using System.Text.RegularExpressions;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Notifications;
using Checkout.Data.Waitlist;
using Checkout.Tests.Api;
using Checkout.Tests.Builders;
using Checkout.Web.Waitlist;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Checkout.Tests.Notifications;

/// <summary>
/// A waitlist offer reaches the shopper by e-mail through the outbox, with the deadline and a claim link that opens the
/// offer in any browser; an offer that closed before its e-mail went out is told nothing.
/// </summary>
public sealed partial class WaitlistOfferEmailTests
{
    private const string Waiter = "waiter@example.com";

    [Fact]
    public async Task AnOffer_ItsEmailArrives_WithTheDeadline_AndALinkThatOpensTheOfferInABrowserThatNeverSawTheShop()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var holder = api.Shopper();
        await api.SetStockAsync("TEA-SENCHA", 1);
        await holder.OpenCheckoutAsync(("TEA-SENCHA", 1));
        var waiter = ResultAssert.Success(await api.Get<WaitlistService>().JoinAsync("TEA-SENCHA", Waiter));

        api.Clock.Advance(api.HoldTtl + TimeSpan.FromSeconds(1));
        await api.Get<HoldSweeper>().SweepOnceAsync();
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        var entry = ResultAssert.Success(await api.Get<WaitlistService>().GetAsync(waiter.EntryId));
        Assert.Equal(WaitlistStatus.Offered, entry.Status);
        var closes = $"{entry.OfferExpiresAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC";
        var mail = Assert.Single(await smtp.ArrivedAsync(await OfferMailIdAsync(api, waiter.EntryId)));
        Assert.Equal(Waiter, mail.To.Mailboxes.Single().Address);
        Assert.Equal("Sencha Green Tea is available for you at Checkout", mail.Subject);
        Assert.All(new[] { mail.TextBody, mail.HtmlBody }, body => Assert.Contains($"Claim it by {closes}", body, StringComparison.Ordinal));
        var link = ClaimLinkIn(mail);
        Assert.StartsWith($"http://localhost:5070/waitlist/claim/{waiter.EntryId}?key=", link.AbsoluteUri, StringComparison.Ordinal);

        // Followed in a browser without the shop's cookie or connection: the key alone opens the offer.
        using var browser = api.Shopper();
        var page = await browser.Http.GetStringAsync(link.PathAndQuery);
        Assert.Contains("Sencha Green Tea is held for you", page, StringComparison.Ordinal);
        Assert.Contains(closes, page, StringComparison.Ordinal);
        Assert.Contains("Claim and check out", page, StringComparison.Ordinal);
        var key = QueryHelpers.ParseQuery(link.Query)[WaitlistLinks.QueryName].Single()!;
        var tampered = await browser.Http.GetStringAsync(WaitlistLinks.ClaimPath(waiter.EntryId, key[..20] + (key[20] == 'A' ? 'B' : 'A') + key[21..]));
        Assert.Contains("Offer not found", tampered, StringComparison.Ordinal);
        Assert.DoesNotContain("Claim and check out", tampered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOfferEmailSentAgain_IsTheSameMessage()
    {
        var smtp = SmtpTestServer.Shared();
        await using var shop = await TestShop.CreateAsync();
        var entryId = await OfferedAsync(shop);
        var message = await OfferMessageAsync(shop, entryId);
        var emails = OfferEmails(shop, smtp);

        await emails.DeliverAsync(message, default);
        await emails.DeliverAsync(message, default);

        var sent = await smtp.ArrivedAsync($"{message.Id:N}.waitlist-offer@checkout.local", count: 2);
        Assert.All(sent, m => Assert.Equal(("Product LAST is available for you at Checkout", Waiter), (m.Subject, m.To.Mailboxes.Single().Address)));
    }

    [Theory]
    [InlineData("claimed")]
    [InlineData("expired")]
    [InlineData("lapsed, not swept yet")]
    [InlineData("left")]
    public async Task AnOfferNoLongerOpenWhenItsMessageIsDelivered_SendsNothing_AndTheDeliveryIsDone(string closed)
    {
        var smtp = SmtpTestServer.Shared();
        await using var shop = await TestShop.CreateAsync();
        var entryId = await OfferedAsync(shop);
        var message = await OfferMessageAsync(shop, entryId);
        await CloseAsync(shop, entryId, closed);

        var delivered = await shop.DispatcherFor(OfferEmails(shop, smtp)).DispatchOnceAsync();

        Assert.Equal(1, delivered);
        await using var db = await shop.DbAsync();
        var delivery = await db.OutboxDeliveries.AsNoTracking().SingleAsync(d => d.MessageId == message.Id);
        Assert.Equal((WaitlistOfferEmails.ConsumerName, 1, (string?)null), (delivery.Consumer, delivery.Attempts, delivery.LastError));
        Assert.NotNull(delivery.DeliveredAt);
        Assert.Empty(smtp.ArrivedSoFar($"{message.Id:N}.waitlist-offer@checkout.local"));
    }

    /// <summary>
    /// LAST has one unit, held by another shopper's checkout; <see cref="Waiter"/> waits for it, and the checkout is
    /// cancelled: the unit is offered to the waiter for the claim window. Returns the entry id.
    /// </summary>
    internal static async Task<Guid> OfferedAsync(TestShop shop)
    {
        await shop.AddProductAsync("LAST", stock: 1);
        var holder = await shop.OpenCheckoutAsync("holder@example.com", null, ("LAST", 1));
        var entry = ResultAssert.Success(await shop.Get<WaitlistService>().JoinAsync("LAST", Waiter));
        ResultAssert.Success(await shop.Checkouts.CancelAsync(holder.CheckoutSessionId));
        Assert.Equal(WaitlistStatus.Offered, ResultAssert.Success(await shop.Get<WaitlistService>().GetAsync(entry.EntryId)).Status);
        return entry.EntryId;
    }

    internal static async Task<OutboxMessage> OfferMessageAsync(IShopDatabase shop, Guid entryId)
    {
        await using var db = await shop.DbAsync();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AggregateId == entryId && m.Type == OutboxTypes.WaitlistOffered);
    }

    /// <summary>The shop's offer e-mails, sent through <paramref name="smtp"/>, with claim links on a key ring of their own unless given one.</summary>
    internal static WaitlistOfferEmails OfferEmails(TestShop shop, SmtpTestServer smtp, WaitlistLinks? links = null)
    {
        var options = Options.Create(new EmailOptions());
        return new WaitlistOfferEmails(
            shop.Get<WaitlistService>(), shop.Get<CatalogService>(),
            links ?? new WaitlistLinks(new EphemeralDataProtectionProvider(), shop.Get<WaitlistService>()),
            new EmailComposer(options), smtp.Sender(), options, shop.Clock);
    }

    /// <summary>The claim link of an offer e-mail, as its text part shows it.</summary>
    internal static Uri ClaimLinkIn(MimeMessage mail) => new(ClaimLine().Match(mail.TextBody ?? "").Groups["link"].Value);

    [GeneratedRegex(@"^Claim it now: (?<link>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ClaimLine();

    private static async Task<string> OfferMailIdAsync(ApiFactory api, Guid entryId) => $"{(await OfferMessageAsync(api, entryId)).Id:N}.waitlist-offer@checkout.local";

    private static async Task CloseAsync(TestShop shop, Guid entryId, string how)
    {
        var waitlist = shop.Get<WaitlistService>();
        switch (how)
        {
            case "claimed":
                var cart = await shop.Carts.CreateAsync();
                ResultAssert.Success(await shop.Carts.AddOfferedAsync(cart, entryId));
                ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(cart, Waiter, "Wanda Waiter", WaitlistEntryId: entryId, ShippingAddress: TestAddresses.Portland)));
                break;
            case "expired":
                shop.Clock.Advance(TimeSpan.FromMinutes(5));
                await shop.Get<HoldSweeper>().SweepOnceAsync();
                break;
            case "left":
                ResultAssert.Success(await waitlist.LeaveAsync(entryId));
                break;
            default:
                shop.Clock.Advance(TimeSpan.FromMinutes(5));
                break;
        }
        var status = ResultAssert.Success(await waitlist.GetAsync(entryId)).Status;
        Assert.Equal(how switch
        {
            "claimed" => WaitlistStatus.Claimed,
            "expired" => WaitlistStatus.Expired,
            "left" => WaitlistStatus.Cancelled,
            _ => WaitlistStatus.Offered,
        }, status);
    }
}
