using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Checkout.Data.Webhooks;

/// <summary>Mints signing secrets and keeps them encrypted with the Data Protection key ring, which every instance shares.</summary>
public sealed class WebhookSecrets(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Checkout.Webhooks.SigningSecret");

    /// <summary>A new secret: shown once, as it is, and stored only as its cipher.</summary>
    public (string Secret, string Cipher) Mint()
    {
        var secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (secret, _protector.Protect(secret));
    }

    /// <summary>The secrets that sign for <paramref name="subscription"/> at <paramref name="now"/>, current first.</summary>
    public IReadOnlyList<string> Signing(WebhookSubscription subscription, DateTimeOffset now) =>
        [.. subscription.SigningCiphers(now).Select(_protector.Unprotect)];
}
