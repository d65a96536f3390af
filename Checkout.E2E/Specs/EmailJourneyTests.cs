using System.Text.RegularExpressions;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages;
using MimeKit;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>
/// Journey 15: what reaches the shopper's inbox. A purchase made in the browser is followed by its receipt at a real
/// SMTP server, with the lines and totals the review showed and a link that opens the order.
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

    private static bool SentTo(MimeMessage message, string email) =>
        message.To.Mailboxes.Any(m => string.Equals(m.Address, email, StringComparison.OrdinalIgnoreCase));
}
