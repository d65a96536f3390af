using System.Text.RegularExpressions;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using MimeKit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// What reaches the shopper's inbox, at a real SMTP server. Journey 15: a purchase made in the browser is followed by
/// its receipt, with the lines and totals the review showed and a link that opens the order. Journey 16: a shopper
/// who lost the order's page asks for it by email and order number, and the e-mailed link lists their orders, each
/// opening; a wrong number gets the same answer and no e-mail.
/// </summary>
public sealed class EmailJourneyTests(MailFixture fixture, ITestOutputHelper output) : BrowserTest<MailFixture>(fixture, output)
{
    [Fact]
    public Task J15_APurchase_ItsReceiptArrives_WithTheTotalsThePageShowed_AndItsLinkOpensTheOrder() => JourneyAsync(async journey =>
    {
        var email = $"j15-{Guid.NewGuid():N}@example.com";
        var page = await journey.NewPageAsync("shopper");
        var checkout = await Journeys.ReserveAsync(page, "Brewing Scale", email, "Katherine Johnson");
        await checkout.PaymentAndReviewAsync();
        // 39.90 and Standard delivery to Portland, Oregon (no sales tax).
        await Expect(checkout.PayButton).ToHaveTextAsync("Pay USD 44.89");
        await checkout.PayButton.ClickAsync();
        var number = await new ConfirmationPage(page).WaitForOrderNumberAsync();

        var receipt = Assert.Single(await Fixture.Inbox.ArrivedAsync(m => SentTo(m, email), $"the receipt to {email}"));
        Assert.Contains(number, receipt.Subject, StringComparison.Ordinal);
        Assert.Matches(@"1 × Brewing Scale\s+USD 39\.90", receipt.TextBody);
        Assert.Matches(@"Shipping\s+USD 4\.99", receipt.TextBody);
        Assert.Matches(@"Total\s+USD 44\.89", receipt.TextBody);
        Assert.Contains("Portland, OR 97201", receipt.HtmlBody, StringComparison.Ordinal);

        var href = Regex.Match(receipt.HtmlBody ?? "", $"href=\"([^\"]*/orders/{number}\\?key=[^\"]+)\"");
        Assert.True(href.Success, $"The receipt links to its order: {receipt.HtmlBody}");
        var link = new Uri(href.Groups[1].Value);
        var inbox = await journey.NewPageAsync("shopper-inbox");
        await inbox.GotoAsync(link.PathAndQuery.TrimStart('/'));
        var order = new OrderPage(inbox);
        await Expect(order.Heading(number)).ToBeVisibleAsync();
        await Expect(inbox.GetByTestId("total")).ToContainTextAsync("USD 44.89");
    });

    [Fact]
    public Task J16_FindMyOrder_AWrongNumberHearsTheSame_TheRightOneEmailsALinkThatOpensEachOrder() => JourneyAsync(async journey =>
    {
        var email = $"j16-{Guid.NewGuid():N}@example.com";
        var first = await Shop.PlaceOrderAsync(email, "COF-ESPRESSO");
        var second = await Shop.PlaceOrderAsync(email, "TEA-SENCHA");
        var someoneElses = await Shop.PlaceOrderAsync($"j16-other-{Guid.NewGuid():N}@example.com", "TEA-SENCHA");
        var page = await journey.NewPageAsync("shopper");
        var find = new FindOrderPage(page);
        await page.GotoAsync("");
        await find.HeaderLink.ClickAsync();
        await Expect(find.Heading).ToBeVisibleAsync();

        // Another shopper's order number: the page answers as it would for a match, and nothing is sent.
        await find.AskAsync(email, someoneElses.OrderNumber);
        await Expect(find.Sent).ToBeVisibleAsync();
        var answer = await find.Sent.InnerTextAsync();
        await find.AskAgainButton.ClickAsync();
        await find.AskAsync(email, first.OrderNumber);
        await Expect(find.Sent).ToHaveTextAsync(answer);

        var sent = Assert.Single(await Fixture.Inbox.ArrivedAsync(m => IsOrderList(m, email), $"the link to {email}'s orders"));
        var href = Regex.Match(sent.HtmlBody ?? "", "href=\"([^\"]*/orders/mine\\?[^\"]+)\"");
        Assert.True(href.Success, $"The e-mail links to the orders: {sent.HtmlBody}");
        var inbox = await journey.NewPageAsync("shopper-inbox");
        await inbox.GotoAsync(System.Net.WebUtility.HtmlDecode(new Uri(href.Groups[1].Value).PathAndQuery).TrimStart('/'));
        var mine = new FindOrderPage(inbox);
        await Expect(mine.YourOrdersHeading).ToBeVisibleAsync();
        await Expect(mine.OrderLink(first.OrderNumber)).ToBeVisibleAsync();
        await Expect(mine.OrderLink(second.OrderNumber)).ToBeVisibleAsync();
        await Expect(mine.OrderLink(someoneElses.OrderNumber)).ToHaveCountAsync(0);

        await mine.OrderLink(second.OrderNumber).ClickAsync();
        await Expect(new OrderPage(inbox).Heading(second.OrderNumber)).ToBeVisibleAsync();
        // The mismatched request, made first, sent nothing: the one list of orders sent to this address is the one above.
        Assert.Single(Fixture.Inbox.Messages(m => IsOrderList(m, email)));
    });

    private static bool IsOrderList(MimeMessage message, string email) =>
        SentTo(message, email) && message.Subject?.StartsWith("Your orders", StringComparison.Ordinal) == true;

    private static bool SentTo(MimeMessage message, string email) =>
        message.To.Mailboxes.Any(m => string.Equals(m.Address, email, StringComparison.OrdinalIgnoreCase));
}
