using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Checkout.Web.Security;

/// <summary>
/// Secrets that travel in links the shop sends (an order's key, a waitlist claim, a find-my-order list): bytes
/// protected with the shop's Data Protection key ring (the one every instance shares) under a purpose of their own,
/// Base64Url-encoded. Only the shop can make one; a key of another purpose, a tampered key or one from another key
/// ring opens nothing.
/// </summary>
public sealed class LinkKeys(IDataProtectionProvider provider, string purpose)
{
    /// <summary>Far above a real key (a few hundred characters); anything longer is refused before it is decoded.</summary>
    private const int MaxKeyLength = 1024;

    private readonly IDataProtector _protector = provider.CreateProtector(purpose);

    /// <summary>A new key for <paramref name="secret"/>; each call gives a different key (the protection is randomized).</summary>
    public string Issue(byte[] secret) => Base64Url.EncodeToString(_protector.Protect(secret));

    /// <summary>The bytes inside a key this shop issued under this purpose; null for anything else.</summary>
    public byte[]? Open(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || !Base64Url.IsValid(key))
        {
            return null;
        }
        try
        {
            return _protector.Unprotect(Base64Url.DecodeFromChars(key));
        }
        catch (CryptographicException)
        {
            // Tampered with, cut short, or protected by a key this ring does not hold (or has revoked).
            return null;
        }
    }
}
