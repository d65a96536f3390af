using Microsoft.AspNetCore.DataProtection;

namespace Checkout.Web.ScaleOut;

/// <summary>
/// Proves that a connection to <see cref="EventsHub"/> comes from an instance of this shop: a short-lived token
/// protected with the shared Data Protection key ring, which only the instances hold.
/// </summary>
public sealed class RelayToken(IDataProtectionProvider provider, TimeProvider clock)
{
    private const string Content = "checkout-events-relay";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("Checkout.ScaleOut.Relay").ToTimeLimitedDataProtector();

    public string Issue() => _protector.Protect(Content, clock.GetUtcNow() + Lifetime);

    /// <summary>Reads the token SignalR's client sends: a bearer header, or the query string on WebSockets.</summary>
    public bool IsValid(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : request.Query["access_token"].ToString();
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }
        try
        {
            return _protector.Unprotect(token, out var expiresAt) == Content && expiresAt > clock.GetUtcNow();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
