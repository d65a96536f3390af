using Checkout.Data.Common;
using Checkout.Data.Waitlist;
using Checkout.Web.Waitlist;

namespace Checkout.Web.State;

/// <summary>
/// The waitlist entries the shopper joined in this circuit, one per SKU, so a card re-rendered by a filter or a
/// stock change still knows its entry and a live offer finds the panel that asked for it. An entry joined elsewhere
/// (another browser, an earlier visit) is taken on here when its claim link opens it (<see cref="OpenAsync"/>).
/// </summary>
public sealed class WaitlistState(WaitlistService waitlist, WaitlistLinks links)
{
    private readonly Dictionary<string, WaitlistView> _entries = new(StringComparer.Ordinal);
    // The email each entry was joined with: a claim must start checkout with that same email.
    private readonly Dictionary<Guid, string> _emails = [];

    /// <summary>The email of the last join, offered again for the next one.</summary>
    public string Email { get; private set; } = "";

    /// <summary>The shopper's open entry for <paramref name="sku"/> as last seen, or null.</summary>
    public WaitlistView? EntryFor(string sku) => _entries.GetValueOrDefault(sku);

    /// <summary>Joins the line for <paramref name="sku"/>; joining again with the same email returns the same entry.</summary>
    public async Task<Result<WaitlistView>> JoinAsync(string sku, string email, CancellationToken ct = default)
    {
        var result = await waitlist.JoinAsync(sku, email, ct);
        if (result.IsSuccess)
        {
            Email = email.Trim();
            Forget(sku);
            _entries[sku] = result.Value;
            _emails[result.Value.EntryId] = Email;
        }
        return result;
    }

    /// <summary>
    /// Opens an entry by its claim link's <paramref name="key"/>, in whatever browser the shopper follows the link:
    /// an open entry is kept as if it had been joined in this circuit, so <see cref="ClaimFor"/> knows it and the email
    /// it was joined with. Returns the entry whatever its status; null for a wrong key and an unknown entry alike.
    /// </summary>
    public async Task<WaitlistEntryDetails?> OpenAsync(Guid entryId, string? key, CancellationToken ct = default)
    {
        if (await links.FindAsync(entryId, key, ct) is not { } details)
        {
            return null;
        }
        var entry = details.Entry;
        if (entry.Status is WaitlistStatus.Waiting or WaitlistStatus.Offered)
        {
            // One entry per SKU: the one the link opened stands for the shopper from now on.
            Forget(entry.Sku);
            _entries[entry.Sku] = entry;
            _emails[entry.EntryId] = details.Email;
        }
        else if (EntryFor(entry.Sku)?.EntryId == entry.EntryId)
        {
            Forget(entry.Sku);
        }
        return details;
    }

    /// <summary>
    /// Reads the entry again (position, offer). An entry that is no longer open (claimed, expired, left) is
    /// forgotten, and null is returned.
    /// </summary>
    public async Task<WaitlistView?> RefreshAsync(string sku, CancellationToken ct = default)
    {
        if (EntryFor(sku) is not { } entry)
        {
            return null;
        }
        var result = await waitlist.GetAsync(entry.EntryId, ct);
        return Keep(sku, result.IsSuccess ? result.Value : null);
    }

    /// <summary>
    /// What the checkout needs to claim an open offer of this circuit: the SKU to put in the cart and the email the
    /// entry was joined with (the claim is refused under any other). Null when the entry is unknown here or not offered.
    /// </summary>
    public WaitlistClaim? ClaimFor(Guid entryId) =>
        _entries.Values.FirstOrDefault(e => e.EntryId == entryId) is { Status: WaitlistStatus.Offered, OfferExpiresAt: { } expiresAt } entry
            ? new WaitlistClaim(entry.EntryId, entry.Sku, _emails[entry.EntryId], expiresAt)
            : null;

    /// <summary>Records an offer announced live, without a round trip: the event carries everything the panel shows.</summary>
    public WaitlistView? Offered(Guid entryId, string sku, DateTimeOffset offerExpiresAt)
    {
        if (EntryFor(sku) is not { } entry || entry.EntryId != entryId)
        {
            return null;
        }
        return _entries[sku] = entry with { Status = WaitlistStatus.Offered, Position = 0, OfferExpiresAt = offerExpiresAt };
    }

    /// <summary>Leaves the line (an open offer passes to the next shopper) and forgets the entry. Idempotent.</summary>
    public async Task<Result<WaitlistView>> LeaveAsync(string sku, CancellationToken ct = default)
    {
        if (EntryFor(sku) is not { } entry)
        {
            return Error.NotFound("The waitlist entry");
        }
        var result = await waitlist.LeaveAsync(entry.EntryId, ct);
        if (result.IsSuccess)
        {
            Forget(sku);
        }
        return result;
    }

    /// <summary>Forgets the entry without telling the server, e.g. once its offer was claimed or ran out.</summary>
    public void Forget(string sku)
    {
        if (_entries.Remove(sku, out var entry))
        {
            _emails.Remove(entry.EntryId);
        }
    }

    private WaitlistView? Keep(string sku, WaitlistView? entry)
    {
        if (entry is { Status: WaitlistStatus.Waiting or WaitlistStatus.Offered })
        {
            return _entries[sku] = entry;
        }
        Forget(sku);
        return null;
    }
}

/// <summary>An open waitlist offer as the checkout claims it: <c>StartCheckout(..., Email, WaitlistEntryId: EntryId)</c>.</summary>
public sealed record WaitlistClaim(Guid EntryId, string Sku, string Email, DateTimeOffset OfferExpiresAt);
