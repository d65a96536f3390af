using MailKit.Net.Smtp;
using MimeKit;

namespace Checkout.Tests.Notifications;

/// <summary>Messages sent through <see cref="Checkout.Data.Notifications.SmtpEmailSender"/> to a real SMTP server, read back from its maildir.</summary>
public sealed class SmtpEmailSenderTests
{
    private readonly SmtpTestServer _server = SmtpTestServer.Shared();

    [Fact]
    public async Task Receipt_ArrivesAsComposed()
    {
        var key = TestEmails.Key();
        var to = $"{key}@example.test";

        await _server.Sender().SendAsync(TestEmails.Composer().Compose(TestEmails.Receipt(to), key));

        var arrived = Assert.Single(await _server.ArrivedAsync($"{key}.order@tinker.test"));
        Assert.Equal(to, Assert.Single(arrived.To.Mailboxes).Address);
        var from = Assert.Single(arrived.From.Mailboxes);
        Assert.Equal(("Tinker & Sons", "orders@tinker.test"), (from.Name, from.Address));
        Assert.Equal("Your Tinker & Sons order CHK-20417", arrived.Subject);
        Assert.IsType<MultipartAlternative>(arrived.Body);
        foreach (var text in new[] { arrived.TextBody, arrived.HtmlBody })
        {
            Assert.Contains("-EUR 6.25", text);
            Assert.Contains("VAT 20% (included)", text);
            Assert.Contains("EUR 61.20", text);
            Assert.Contains("London SW1Y 4JH", text);
        }
        Assert.Contains($"Ada {TestEmails.Hostile} Lovelace", arrived.TextBody);
        Assert.Contains("Ada &lt;script&gt;alert(1)&lt;/script&gt; Lovelace", arrived.HtmlBody);
        Assert.DoesNotContain("<script>", arrived.HtmlBody);
    }

    [Fact]
    public async Task TheSameKeySentTwice_ArrivesTwiceAsOneMessageId()
    {
        var key = TestEmails.Key();
        var composer = TestEmails.Composer();
        var sender = _server.Sender();

        // A retry composes again from the same key, as the outbox would after a lost reply.
        await sender.SendAsync(composer.Compose(TestEmails.Receipt(), key));
        await sender.SendAsync(composer.Compose(TestEmails.Receipt(), key));

        var arrived = await _server.ArrivedAsync($"{key}.order@tinker.test", count: 2);
        Assert.All(arrived, m => Assert.Equal("Your Tinker & Sons order CHK-20417", m.Subject));
    }

    [Fact]
    public async Task AStoppedServer_FailsTheSend_AndOnceItIsBackTheSameSendArrives()
    {
        await using var server = await SmtpTestServer.StartAsync();
        var sender = server.Sender();
        var key = TestEmails.Key();
        var message = TestEmails.Composer().Compose(TestEmails.Receipt(), key);

        await server.StopAsync();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => sender.SendAsync(message));
        Assert.True(failure is System.Net.Sockets.SocketException or IOException or SmtpProtocolException,
            $"A refused connection surfaces as a network error the caller can retry, not as {failure.GetType()}: {failure.Message}");

        await server.StartAgainAsync();
        await sender.SendAsync(message);

        var arrived = Assert.Single(await server.ArrivedAsync($"{key}.order@tinker.test"));
        Assert.Equal(message.Subject, arrived.Subject);
    }
}
