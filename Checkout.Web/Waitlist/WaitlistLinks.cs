using System.Security.Cryptography;
using Checkout.Data.Waitlist;
using Checkout.Web.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Checkout.Web.Waitlist;

/// <summary>
/// The link that opens a waitlist offer to its shopper in any browser: the entry id protected with the shop's key ring
/// under a purpose of its own (<see cref="LinkKeys"/>), so an order's key opens no offer and an offer's key no order.
/// The entry id in the address is no secret; the key is. A key for another entry, a tampered key and an unknown entry
/// all open nothing, alike.
/// </summary>
public sealed class WaitlistLinks(IDataProtectionProvider provider, WaitlistService waitlist)
{
    public const string Purpose = "Checkout.WaitlistClaim";

    /// <summary>The query parameter of the claim page, and of the checkout it continues into.</summary>
    public const string QueryName = "key";

    private readonly LinkKeys _keys = new(provider, Purpose);

    /// <summary>A new key for the entry; each call gives a different one, and each opens the entry for as long as the key ring keeps its key.</summary>
    public string Issue(Guid entryId) => _keys.Issue(entryId.ToByteArray());

    /// <summary>The storefront's claim page of the entry, opened by <paramref name="key"/>.</summary>
    public static string ClaimPath(Guid entryId, string key) => $"waitlist/claim/{entryId}?{QueryName}={Uri.EscapeDataString(key)}";

    /// <summary>
    /// The checkout that claims the entry's unit. It carries the key, so that a checkout reloaded in a new connection
    /// still knows the entry and its email.
    /// </summary>
    public static string CheckoutPath(Guid entryId, string key) => $"checkout?claim={entryId}&{QueryName}={Uri.EscapeDataString(key)}";

    /// <summary>The claim page for a link that leaves the shop (the offer's e-mail), with a new key.</summary>
    public Uri Absolute(Uri shopUrl, Guid entryId) => new(shopUrl, ClaimPath(entryId, Issue(entryId)));

    /// <summary>True only when <paramref name="key"/> was issued for <paramref name="entryId"/>; the ids are compared in constant time.</summary>
    public bool Opens(Guid entryId, string? key) =>
        _keys.Open(key) is { } named && CryptographicOperations.FixedTimeEquals(named, entryId.ToByteArray());

    /// <summary>
    /// The entry <paramref name="key"/> opens, with its email, whatever its status. Null for an unknown entry, a
    /// missing or wrong key and another entry's key alike; without a valid key the database is not asked.
    /// </summary>
    public async Task<WaitlistEntryDetails?> FindAsync(Guid entryId, string? key, CancellationToken ct = default) =>
        Opens(entryId, key) ? (await waitlist.GetWithEmailAsync(entryId, ct)).Value : null;
}
