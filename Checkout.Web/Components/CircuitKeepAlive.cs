namespace Checkout.Web.Components;

/// <summary>
/// How often an open page and the server ping each other over the page's live connection, and how long either waits
/// on a silent peer. Between a shopper's clicks an open page costs the server nothing else, so these pings are most of
/// what idle pages cost; SignalR's defaults (a ping every 15 s, given up after 30 s) are doubled. A ping every 30 s
/// still keeps a proxy's idle connection open (nginx closes one after 60 s by default). A peer is given up after two
/// missed pings, as by default; a connection that closes is seen at once either way, the timeout only catches one
/// that went silent. The page starts with the same figures (<c>wwwroot/start.js</c>, from <see cref="App"/>).
/// </summary>
public static class CircuitKeepAlive
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Timeout = Interval * 2;

    public static IServerSideBlazorBuilder WithCircuitKeepAlive(this IServerSideBlazorBuilder builder) => builder.AddHubOptions(o =>
    {
        o.KeepAliveInterval = Interval;
        o.ClientTimeoutInterval = Timeout;
    });
}
