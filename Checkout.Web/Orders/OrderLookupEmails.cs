using Checkout.Data.Fulfillment;
using Checkout.Data.Notifications;
using Checkout.Data.Orders;
using Checkout.Web.Security;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Orders;

/// <summary>
/// Answers a find-my-order request, as the outbox delivers it: when the order number belongs to the email, it mails that
/// address a link to its orders (<see cref="OrderLookupLinks"/>, valid for a day); when it does not, it sends nothing,
/// and the shopper who asked was told the same either way. No address gets more than
/// <see cref="RateLimitOptions.LookupEmails"/> of these e-mails per window, whoever asks; beyond it the request is done
/// without one. At least once: a retried send is counted once and is the same message (its Message-ID is the request's
/// message id).
/// </summary>
public sealed class OrderLookupEmails(
    OrderLookups lookups, OrderLookupLinks links, EmailComposer composer, IEmailSender sender,
    IOptions<EmailOptions> options, IOptions<RateLimitOptions> limits) : IOutboxConsumer
{
    public const string ConsumerName = "order-lookup-email";

    private static readonly IReadOnlySet<string> Wanted = new HashSet<string>(StringComparer.Ordinal) { OutboxTypes.OrderLookupRequested };

    public string Name => ConsumerName;

    public IReadOnlySet<string> Types => Wanted;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var request = OrderLookupRequest.Of(message);
        if (!await lookups.MatchesAsync(request, ct))
        {
            return;
        }
        var cap = limits.Value.LookupEmails;
        var counted = await lookups.TryCountEmailAsync(message.Id, request.Email, cap.PermitLimit, cap.Window, ct);
        if (!counted.IsSuccess)
        {
            throw new InvalidOperationException($"The lookup e-mails of message {message.Id} could not be counted: {counted.Error.Message}");
        }
        if (!counted.Value)
        {
            return;
        }
        var (token, expiresAt) = links.Issue(request.Email);
        var email = new YourOrdersEmail(request.Email, new Uri(options.Value.ShopUrl, OrderLookupLinks.ListPath(token)), expiresAt);
        await sender.SendAsync(composer.Compose(email, message.Id.ToString("N")), ct);
    }
}
