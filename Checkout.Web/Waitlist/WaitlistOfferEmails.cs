using Checkout.Data.Catalog;
using Checkout.Data.Fulfillment;
using Checkout.Data.Notifications;
using Checkout.Data.Waitlist;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Waitlist;

/// <summary>
/// Tells a waiting shopper that a unit is held for them, with the claim link and the deadline, as the outbox delivers
/// the offer: at least once, and a retried send is the same message (its Message-ID is the offer's message id). An
/// offer that is no longer open when it is delivered (claimed, expired, left) is told nothing: there is nothing left to
/// claim, and the delivery is done.
/// </summary>
public sealed class WaitlistOfferEmails(
    WaitlistService waitlist, CatalogService catalog, WaitlistLinks links, EmailComposer composer, IEmailSender sender,
    IOptions<EmailOptions> options, TimeProvider clock) : IOutboxConsumer
{
    public const string ConsumerName = "waitlist-offer-email";

    private static readonly IReadOnlySet<string> Wanted = new HashSet<string>(StringComparer.Ordinal) { OutboxTypes.WaitlistOffered };

    public string Name => ConsumerName;

    public IReadOnlySet<string> Types => Wanted;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var found = await waitlist.GetWithEmailAsync(message.AggregateId, ct);
        var details = found.Value ?? throw new InvalidOperationException($"The waitlist entry {message.AggregateId} of offer {message.Id} was not found.");
        var entry = details.Entry;
        if (!details.IsOpenOfferAt(clock.GetUtcNow()) || entry.OfferExpiresAt is not { } claimBy)
        {
            return;
        }
        // A miss may be a catalog read before the product existed: read it again before giving up.
        var product = await catalog.FindAsync(entry.Sku, ct) ?? await catalog.FindCurrentAsync(entry.Sku, ct);
        if (product is null)
        {
            // No longer sold: the unit cannot go into a cart, so the offer cannot be claimed; it lapses with its window.
            return;
        }
        var offer = new WaitlistOfferEmail(details.Email, product.Name, links.Absolute(options.Value.ShopUrl, entry.EntryId), claimBy);
        await sender.SendAsync(composer.Compose(offer, message.Id.ToString("N")), ct);
    }
}
