using Microsoft.Extensions.Options;
using MimeKit;

namespace Checkout.Data.Notifications;

/// <summary>
/// Writes each message to the pickup folder as <c>{Message-ID}.eml</c>, for a relay that collects them or a developer
/// who reads them. The file appears whole or not at all, and a message sent again replaces its file.
/// </summary>
public sealed class PickupFolderEmailSender(IOptions<EmailOptions> options) : IEmailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        var id = message.MessageId;
        if (string.IsNullOrEmpty(id) || id.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || id.StartsWith('.'))
        {
            throw new ArgumentException($"The Message-ID '{id}' cannot name a file in the pickup folder.", nameof(message));
        }

        var folder = options.Value.PickupFolder;
        Directory.CreateDirectory(folder);
        // Not *.eml, so whatever collects the folder never sees a half-written message.
        var temp = Path.Combine(folder, $".{id}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = File.Create(temp))
            {
                await message.WriteToAsync(stream, cancellationToken);
            }
            File.Move(temp, Path.Combine(folder, id + ".eml"), overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
