using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Checkout.Data.Realtime;

/// <summary>
/// Something shoppers or admins watching a page should see without reloading. Published after the commit. Each kind is
/// declared by the area it is about; <c>CheckoutEventJson</c> names every kind for the trip between instances.
/// </summary>
public abstract record CheckoutEvent;

/// <summary>
/// The event stream of the shop. Subscribers (Blazor circuits) receive every event and pick theirs; a failing
/// subscriber is logged and never stops the others or the publisher. On one instance events are delivered in process;
/// with several, <see cref="FanOut"/> carries each to every instance, which then delivers it to its own subscribers.
/// </summary>
public sealed partial class CheckoutEvents(IDbContextFactory<CheckoutDbContext> dbFactory, ILogger<CheckoutEvents> logger)
{
    private readonly Lock _gate = new();
    private ImmutableSubscribers _subscribers = new([]);

    public IDisposable Subscribe(Func<CheckoutEvent, Task> handler) => Add(handler, watchesOnly: false);

    /// <summary>
    /// Subscribes a handler that only needs to know that something moved, not what it moved to (the catalog snapshot):
    /// with only such subscribers, a publisher that would read what it sends may send <see cref="HasListeners"/>' cheaper
    /// kind instead (stock: <c>StockMoved</c>, which names the SKUs only).
    /// </summary>
    public IDisposable Watch(Func<CheckoutEvent, Task> handler) => Add(handler, watchesOnly: true);

    /// <summary>Watches for one kind of event, whatever it says: <paramref name="changed"/> runs on each.</summary>
    public IDisposable WatchFor<TEvent>(Action changed)
        where TEvent : CheckoutEvent =>
        Watch(e =>
        {
            if (e is TEvent)
            {
                changed();
            }
            return Task.CompletedTask;
        });

    private Subscription Add(Func<CheckoutEvent, Task> handler, bool watchesOnly)
    {
        var subscription = new Subscription(this, handler, watchesOnly);
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Handlers, subscription]);
        }
        return subscription;
    }

    /// <summary>Set when the shop runs on several instances: sends an event to all of them, this one included.</summary>
    public Func<CheckoutEvent, Task>? FanOut { get; set; }

    public Task PublishAsync(CheckoutEvent @event) => FanOut is { } fanOut ? fanOut(@event) : DeliverAsync(@event);

    /// <summary>Hands an event to this instance's subscribers.</summary>
    public async Task DeliverAsync(CheckoutEvent @event)
    {
        foreach (var subscriber in _subscribers.Handlers)
        {
            try
            {
                await subscriber.Handler(@event);
            }
            catch (Exception e)
            {
                LogSubscriberFailed(e, @event.GetType().Name);
            }
        }
    }

    /// <summary>Publishes what a use case raised inside its transaction; call after the commit.</summary>
    public async Task PublishRaisedAsync(CheckoutDbContext db)
    {
        foreach (var raised in db.TakeRaised())
        {
            await PublishAsync(raised);
        }
    }

    /// <summary>False while nobody needs an event's contents: then a publisher may skip reading what it would send.</summary>
    public bool HasListeners => FanOut is not null || _subscribers.AnyListener;

    /// <summary>True when someone watches for moves (<see cref="Watch"/>), whether or not anyone needs their contents.</summary>
    public bool HasWatchers => _subscribers.AnyWatcher;

    /// <summary>For the areas' publishers that read what they send (current stock, a session's SKUs) after the commit.</summary>
    internal IDbContextFactory<CheckoutDbContext> DbFactory => dbFactory;

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers = new([.. _subscribers.Handlers.Where(s => s != subscription)]);
        }
    }

    [LoggerMessage(LogLevel.Warning, "A subscriber failed to handle {Event}")]
    private partial void LogSubscriberFailed(Exception exception, string @event);

    /// <summary>Copied on write so that publishing never locks.</summary>
    private sealed record ImmutableSubscribers(Subscription[] Handlers)
    {
        /// <summary>Some subscriber needs events' contents.</summary>
        public bool AnyListener { get; } = Handlers.Any(s => !s.WatchesOnly);

        /// <summary>Some subscriber only watches for moves.</summary>
        public bool AnyWatcher { get; } = Handlers.Any(s => s.WatchesOnly);
    }

    private sealed class Subscription(CheckoutEvents owner, Func<CheckoutEvent, Task> handler, bool watchesOnly) : IDisposable
    {
        public Func<CheckoutEvent, Task> Handler { get; } = handler;

        public bool WatchesOnly { get; } = watchesOnly;

        public void Dispose() => owner.Remove(this);
    }
}
