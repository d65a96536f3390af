using Microsoft.AspNetCore.SignalR;

namespace Checkout.Web.ScaleOut;

/// <summary>
/// The channel between instances: each instance's <see cref="EventRelay"/> is a client of its own hub, and SignalR's
/// Redis backplane delivers what any instance sends to <c>All</c> to the relays of every instance. Clients only listen.
/// </summary>
public sealed class EventsHub : Hub
{
    public const string Path = "/_scaleout/events";
    public const string EventMethod = "event";
}
