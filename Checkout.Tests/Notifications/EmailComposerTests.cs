using Checkout.Data.Notifications;
using MimeKit;

namespace Checkout.Tests.Notifications;

public sealed class EmailComposerTests
{
    private readonly EmailComposer _composer = TestEmails.Composer();

    [Fact]
    public void Receipt_HasTheShopInSubjectAndFrom_AndAMessageIdFromItsKey()
    {
        var message = _composer.Compose(TestEmails.Receipt(), "outbox-41");

        Assert.Equal("Your Tinker & Sons order CHK-20417", message.Subject);
        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal(("Tinker & Sons", "orders@tinker.test"), (from.Name, from.Address));
        Assert.Equal("ada@example.test", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal("outbox-41.order@tinker.test", message.MessageId);
        Assert.Equal(message.MessageId, _composer.Compose(TestEmails.Receipt(), "outbox-41").MessageId);
    }

    [Fact]
    public void Receipt_IsTextAndHtmlAlternatives_ThatBothCarryTheTotalsTaxAndAddress()
    {
        var message = _composer.Compose(TestEmails.Receipt(), TestEmails.Key());

        Assert.IsType<MultipartAlternative>(message.Body);
        foreach (var part in new[] { message.Part("plain"), message.Part("html") })
        {
            var text = part.Text;
            foreach (var expected in new[]
            {
                "EUR 50.00", "EUR 12.50", "EUR 62.50", "-EUR 6.25", "EUR 4.95", "VAT 20% (included)", "EUR 10.20", "EUR 61.20",
                "London SW1Y 4JH", "United Kingdom", "Express (1–2 days)",
            })
            {
                Assert.Contains(expected, text);
            }
        }
        Assert.Matches(@"(?m)^Total +EUR 61\.20$", message.Part("plain").Text);
        Assert.Contains("12 St James's Square", message.Part("plain").Text);
        Assert.Contains("https://tinker.test/orders/CHK-20417?t=a&b=c", message.Part("plain").Text);
    }

    [Fact]
    public void Receipt_HtmlEncodesEveryValueFromAShopperOrAnAdmin()
    {
        var html = _composer.Compose(TestEmails.Receipt(), TestEmails.Key()).Part("html").Text;

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("Ada &lt;script&gt;alert(1)&lt;/script&gt; Lovelace", html);
        Assert.Contains("Mug &lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("12 St James&#39;s Square", html);
        Assert.Contains("Tinker &amp; Sons", html);
        Assert.Contains("href=\"https://tinker.test/orders/CHK-20417?t=a&amp;b=c\"", html);
    }

    [Fact]
    public void Receipt_WithTaxAddedAndNoDiscount_ShowsNeitherIncludedNorADiscountRow()
    {
        var receipt = TestEmails.Receipt() with { DiscountMinor = 0, Tax = new OrderEmailTax("Sales tax", 400, Included: false) };

        var text = _composer.Compose(receipt, TestEmails.Key()).Part("plain").Text;

        Assert.Contains("Sales tax", text);
        Assert.DoesNotContain("(included)", text);
        Assert.DoesNotContain("Discount", text);
    }

    [Fact]
    public void Shipped_TellsTheTrackingNumberInBothParts()
    {
        var message = _composer.Compose(
            new ShippedEmail("ada@example.test", "CHK-20417", "1Z999AA10123456784", new Uri("https://tinker.test/orders/CHK-20417")), "outbox-42");

        Assert.Equal("Your Tinker & Sons order CHK-20417 has shipped", message.Subject);
        Assert.Equal("outbox-42.shipped@tinker.test", message.MessageId);
        Assert.Contains("Tracking number: 1Z999AA10123456784", message.Part("plain").Text);
        Assert.Contains("Tracking number: 1Z999AA10123456784", message.Part("html").Text);
    }

    [Theory]
    [InlineData(OrderClosure.Cancelled, "was cancelled", "outbox-43.cancelled@tinker.test", "will not be charged")]
    [InlineData(OrderClosure.Refunded, "was refunded", "outbox-43.refunded@tinker.test", "We refunded EUR 61.20")]
    public void CancelledOrRefunded_SaysWhichAndHowMuch(OrderClosure closure, string subjectEnd, string messageId, string sentence)
    {
        var message = _composer.Compose(
            new CancelledOrRefundedEmail("ada@example.test", "CHK-20417", closure, 6_120, "EUR", new Uri("https://tinker.test/orders/CHK-20417")),
            "outbox-43");

        Assert.Equal($"Your Tinker & Sons order CHK-20417 {subjectEnd}", message.Subject);
        Assert.Equal(messageId, message.MessageId);
        Assert.Contains("EUR 61.20", message.Part("plain").Text);
        Assert.Contains(sentence, message.Part("plain").Text);
        Assert.Contains(sentence, message.Part("html").Text);
    }

    [Fact]
    public void WaitlistOffer_LinksTheClaimAndTellsTheDeadlineInUtc()
    {
        var offer = new WaitlistOfferEmail("grace@example.test", $"Lamp {TestEmails.Hostile}", new Uri("https://tinker.test/waitlist/claim/7f3a"),
            new DateTimeOffset(2031, 3, 4, 17, 5, 0, TimeSpan.FromHours(2)));

        var message = _composer.Compose(offer, "outbox-44");

        Assert.Equal($"Lamp {TestEmails.Hostile} is available for you at Tinker & Sons", message.Subject);
        Assert.Equal("outbox-44.waitlist-offer@tinker.test", message.MessageId);
        Assert.Contains("Claim it by 2031-03-04 15:05 UTC", message.Part("plain").Text);
        Assert.Contains("Claim it now: https://tinker.test/waitlist/claim/7f3a", message.Part("plain").Text);
        var html = message.Part("html").Text;
        Assert.Contains("<a href=\"https://tinker.test/waitlist/claim/7f3a\">Claim it now</a>", html);
        Assert.Contains("Lamp &lt;script&gt;", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public void YourOrders_LinksTheListTellsWhenItStopsWorking_AndEncodesTheAddressItWasAskedFor()
    {
        var orders = new YourOrdersEmail("o'neil&sons@example.test", new Uri("https://tinker.test/orders/mine?token=a-b_c"),
            new DateTimeOffset(2031, 3, 5, 9, 30, 0, TimeSpan.FromHours(-5)));

        var message = _composer.Compose(orders, "outbox-45");

        Assert.Equal("Your orders at Tinker & Sons", message.Subject);
        Assert.Equal("outbox-45.order-lookup@tinker.test", message.MessageId);
        Assert.Equal("o'neil&sons@example.test", Assert.Single(message.To.Mailboxes).Address);
        var text = message.Part("plain").Text;
        Assert.Contains("the orders placed at Tinker & Sons with o'neil&sons@example.test", text);
        Assert.Contains("See your orders: https://tinker.test/orders/mine?token=a-b_c", text);
        Assert.Contains("The link works until 2031-03-05 14:30 UTC.", text);
        var html = message.Part("html").Text;
        Assert.Contains("<a href=\"https://tinker.test/orders/mine?token=a-b_c\">See your orders</a>", html);
        Assert.Contains("o&#39;neil&amp;sons@example.test", html);
        Assert.Contains("The link works until 2031-03-05 14:30 UTC.", html);
    }

    [Fact]
    public void FromWithADisplayName_KeepsIt()
    {
        var composer = new EmailComposer(Microsoft.Extensions.Options.Options.Create(new EmailOptions { From = "Tinker Orders <orders@tinker.test>" }));

        var from = Assert.Single(composer.Compose(TestEmails.Receipt(), "k").From.Mailboxes);

        Assert.Equal("Tinker Orders", from.Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a/b")]
    [InlineData("<a>")]
    [InlineData(".hidden")]
    public void AKeyThatCannotNameAMessage_IsRefused(string key) =>
        Assert.Throws<ArgumentException>(() => _composer.Compose(TestEmails.Receipt(), key));

    [Fact]
    public void ALinkThatIsNoWebAddress_IsRefused() =>
        Assert.Throws<ArgumentException>(() => _composer.Compose(
            TestEmails.Receipt() with { OrderLink = new Uri("javascript:alert(1)") }, TestEmails.Key()));
}
