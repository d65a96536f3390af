using Checkout.Data.Notifications;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Checkout.Tests.Notifications;

public sealed class PickupFolderEmailSenderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("checkout-pickup-").FullName;
    private readonly string _folder;
    private readonly PickupFolderEmailSender _sender;
    private readonly EmailComposer _composer = TestEmails.Composer();

    public PickupFolderEmailSenderTests()
    {
        // Not there yet: the sender makes the folder it is given.
        _folder = Path.Combine(_root, "mail");
        _sender = new PickupFolderEmailSender(Options.Create(new EmailOptions { PickupFolder = _folder }));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task EachMessageId_IsOneEmlFile_ThatReadsBackAsTheMessage()
    {
        var first = _composer.Compose(TestEmails.Receipt(), "outbox-1");
        var second = _composer.Compose(TestEmails.Receipt(), "outbox-2");

        await _sender.SendAsync(first);
        await _sender.SendAsync(second);

        Assert.Equal(["outbox-1.order@tinker.test.eml", "outbox-2.order@tinker.test.eml"],
            Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var written = await MimeMessage.LoadAsync(Path.Combine(_folder, "outbox-1.order@tinker.test.eml"));
        Assert.Equal(first.MessageId, written.MessageId);
        Assert.Equal(first.Subject, written.Subject);
        Assert.Contains("EUR 61.20", written.HtmlBody);
    }

    [Fact]
    public async Task AReSend_OverwritesItsFile_AndLeavesNoTemporaryFile()
    {
        await _sender.SendAsync(_composer.Compose(TestEmails.Receipt(), "outbox-1"));
        var changed = _composer.Compose(TestEmails.Receipt() with { OrderNumber = "CHK-99999" }, "outbox-1");

        await _sender.SendAsync(changed);

        var file = Assert.Single(Directory.GetFiles(_folder));
        Assert.Equal("outbox-1.order@tinker.test.eml", Path.GetFileName(file));
        Assert.Equal("Your Tinker & Sons order CHK-99999", (await MimeMessage.LoadAsync(file)).Subject);
    }

    [Fact]
    public async Task AMessageIdThatCannotNameAFile_IsRefused()
    {
        var message = _composer.Compose(TestEmails.Receipt(), "outbox-1");
        message.MessageId = "../escape@tinker.test";

        await Assert.ThrowsAsync<ArgumentException>(() => _sender.SendAsync(message));
        Assert.Empty(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }
}
