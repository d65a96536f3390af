using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Checkout.Data.Webhooks;

/// <summary>
/// The <c>Checkout-Signature</c> header, both ways: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>,
/// with one <c>v1=</c> per secret that signs (two during a rotation's overlap).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Checkout-Signature";

    /// <summary>The header naming the subscription whose secret signed a partner's update.</summary>
    public const string SubscriptionHeader = "Checkout-Webhook-Id";

    public static string Sign(string body, DateTimeOffset at, IEnumerable<string> secrets)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return string.Join(',', [$"t={t}", .. secrets.Select(s => $"v1={Hex(s, t, body)}")]);
    }

    /// <summary>
    /// True when <paramref name="header"/> is no older or newer than <paramref name="tolerance"/> and one of its
    /// <c>v1=</c> is the HMAC of the body by one of <paramref name="secrets"/> (compared in constant time).
    /// </summary>
    public static bool Verify(string? header, string body, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }
        string? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(','))
        {
            var kv = part.Trim().Split('=', 2);
            if (kv.Length != 2)
            {
                return false;
            }
            switch (kv[0])
            {
                case "t":
                    t = kv[1];
                    break;
                case "v1":
                    signatures.Add(kv[1]);
                    break;
            }
        }
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            || unix > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (now - DateTimeOffset.FromUnixTimeSeconds(unix)).Duration() > tolerance)
        {
            return false;
        }
        return secrets.Any(s =>
        {
            var expected = Encoding.ASCII.GetBytes(Hex(s, t, body));
            return signatures.Any(v => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(v.ToLowerInvariant())));
        });
    }

    private static string Hex(string secret, string t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
}
