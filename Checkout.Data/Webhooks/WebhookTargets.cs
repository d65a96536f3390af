using System.Net;
using System.Net.Sockets;
using Checkout.Data.Common;

namespace Checkout.Data.Webhooks;

/// <summary>
/// Where a webhook may be sent: outside Development only https, and never to a loopback, private, link-local or
/// otherwise internal address. Checked when a subscription is saved (after resolving its host) and again when each
/// connection is made (<see cref="ConnectAsync"/>), so a name that resolves elsewhere later is caught too.
/// </summary>
public static class WebhookTargets
{
    public static async Task<Result<Uri>> CheckAsync(string? url, bool allowLocal, CancellationToken ct)
    {
        if (url is null || url.Length > WebhookSubscription.MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return Error.Validation($"The target is an absolute http(s) URL of at most {WebhookSubscription.MaxUrlLength} characters, without credentials.");
        }
        if (allowLocal)
        {
            return uri;
        }
        if (uri.Scheme != "https")
        {
            return Error.Validation("The target must use https.");
        }
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return Error.Validation($"The target's host {uri.Host} does not resolve.");
        }
        return addresses.Length == 0 || addresses.Any(IsInternal)
            ? Error.Validation($"The target's host {uri.Host} resolves to an address the shop does not call (loopback, private or link-local).")
            : uri;
    }

    /// <summary>Loopback, private (RFC 1918, unique local), link-local, shared (CGNAT), unspecified or multicast.</summary>
    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal;
        }
        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0 || b[0] >= 224
               || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
               || (b[0] == 192 && b[1] == 168)
               || (b[0] == 169 && b[1] == 254)
               || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
    }

    /// <summary>
    /// The webhook client's connect: resolves the host, refuses an internal address (unless <paramref name="allowLocal"/>)
    /// and connects to exactly the address it checked, so DNS cannot answer differently between the check and the connection.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowLocal, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endPoint.Host, ct);
        var allowed = addresses.Where(a => allowLocal || !IsInternal(a)).ToList();
        if (allowed.Count == 0)
        {
            throw new HttpRequestException($"The webhook target {endPoint.Host} resolves to no address the shop calls.");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], endPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
