using MimeKit;

namespace Checkout.Data.Notifications;

/// <summary>
/// Hands a composed message on. A failure throws, so the caller can try again later; the same message sent twice keeps
/// its Message-ID.
/// </summary>
public interface IEmailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default);
}
