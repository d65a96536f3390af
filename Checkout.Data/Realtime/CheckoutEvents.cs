using System.Text.Json.Serialization;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Checkout.Data.Realtime;

/// <summary>Something shoppers or admins watching a page should see without reloading. Published after the commit.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(StockChanged), "stock")]
[JsonDerivedType(typeof(HoldExtended), "hold-extended")]
[JsonDerivedType(typeof(HoldReleased), "hold-released")]
[JsonDerivedType(typeof(OrderStatusChanged), "order-status")]
[JsonDerivedType(typeof(WaitlistOffered), "waitlist-offered")]
public abstract record CheckoutEvent;

public sealed record StockChanged(string Sku, int Available, int Reserved) : CheckoutEvent;

public sealed record HoldExtended(Guid CheckoutSessionId, DateTimeOffset ExpiresAt) : CheckoutEvent;

/// <summary>The session's holds were given back: it expired, was cancelled, or its payment failed.</summary>
public sealed record HoldReleased(Guid CheckoutSessionId, CheckoutSessionStatus Status) : CheckoutEvent;

public sealed record OrderStatusChanged(Guid OrderId, string OrderNumber, OrderStatus Status) : CheckoutEvent;

public sealed record WaitlistOffered(Guid EntryId, string Sku, int Quantity, DateTimeOffset OfferExpiresAt) : CheckoutEvent;

/// <summary>
/// The event stream of the shop. Subscribers (Blazor circuits) receive every event and pick theirs; a failing
/// subscriber is logged and never stops the others or the publisher. On one instance events are delivered in process;
/// with several, <see cref="FanOut"/> carries each to every instance, which then delivers it to its own subscribers.
/// </summary>
public sealed partial class CheckoutEvents(IDbContextFactory<CheckoutDbContext> dbFactory, ILogger<CheckoutEvents> logger)
{
    private readonly Lock _gate = new();
    private ImmutableSubscribers _subscribers = new([]);

    public IDisposable Subscribe(Func<CheckoutEvent, Task> handler)
    {
        var subscription = new Subscription(this, handler);
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

    /// <summary>Reads the current stock of the SKUs and publishes a <see cref="StockChanged"/> for each.</summary>
    public async Task PublishStockAsync(IEnumerable<string> skus, CancellationToken ct = default)
    {
        var list = skus.Distinct().ToList();
        if (list.Count == 0 || (FanOut is null && _subscribers.Handlers.Length == 0))
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stock = await db.Inventory.AsNoTracking().Where(i => list.Contains(i.Sku))
            .Select(i => new StockChanged(i.Sku, i.Quantity, i.Reserved)).ToListAsync(ct);
        foreach (var changed in stock)
        {
            await PublishAsync(changed);
        }
    }

    /// <summary>Tells the session's pages that its holds are gone, and catalog pages that the units are back.</summary>
    public async Task PublishReleasedAsync(Guid checkoutSessionId, CheckoutSessionStatus status, CancellationToken ct = default)
    {
        await PublishAsync(new HoldReleased(checkoutSessionId, status));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var skus = await db.CheckoutSessions.AsNoTracking().Where(s => s.Id == checkoutSessionId)
            .SelectMany(s => s.Lines).Select(l => l.Sku).ToListAsync(ct);
        await PublishStockAsync(skus, ct);
    }

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
    private sealed record ImmutableSubscribers(Subscription[] Handlers);

    private sealed class Subscription(CheckoutEvents owner, Func<CheckoutEvent, Task> handler) : IDisposable
    {
        public Func<CheckoutEvent, Task> Handler { get; } = handler;

        public void Dispose() => owner.Remove(this);
    }
}
