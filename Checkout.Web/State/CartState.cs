using Checkout.Data.Carts;
using Checkout.Data.Common;
using Microsoft.AspNetCore.Components;

namespace Checkout.Web.State;

/// <summary>
/// The shopper's cart for one circuit. Components change it only through intent methods and
/// learn about changes through <see cref="NotifyOnChange"/>.
/// </summary>
public sealed class CartState(CartService carts)
{
    // Intents run one at a time, so a double click cannot create two carts or lose an increment.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<Subscription> _subscriptions = [];
    // Kept apart from Cart: a first add that fails (out of stock) must not leave an orphan cart behind.
    private Guid? _cartId;

    /// <summary>The last cart the server confirmed, or null before the first item is added.</summary>
    public CartView? Cart { get; private set; }

    public int ItemCount => Cart?.ItemCount ?? 0;

    public int QuantityOf(string sku) =>
        Cart?.Lines.FirstOrDefault(line => line.Sku == sku)?.Quantity ?? 0;

    /// <summary>Adds one unit of <paramref name="sku"/>, creating the cart on first use.</summary>
    public Task<Result<CartView>> AddAsync(string sku, CancellationToken ct = default) =>
        ChangeAsync(sku, current => current + 1, ct);

    /// <summary>Sets the quantity of <paramref name="sku"/>; 0 removes the line.</summary>
    public Task<Result<CartView>> SetQuantityAsync(string sku, int quantity, CancellationToken ct = default) =>
        ChangeAsync(sku, _ => quantity, ct);

    /// <summary>
    /// Calls <paramref name="callback"/> after every confirmed change; dispose the result to stop.
    /// </summary>
    public IDisposable NotifyOnChange(EventCallback callback)
    {
        var subscription = new Subscription(this, callback);
        _subscriptions.Add(subscription);
        return subscription;
    }

    private async Task<Result<CartView>> ChangeAsync(string sku, Func<int, int> quantity, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        Result<CartView> result;
        try
        {
            _cartId ??= await carts.CreateAsync(ct);
            result = await carts.SetQuantityAsync(_cartId.Value, sku, quantity(QuantityOf(sku)), ct);
            if (result.IsSuccess)
            {
                Cart = result.Value;
            }
        }
        finally
        {
            _gate.Release();
        }

        if (result.IsSuccess)
        {
            await NotifyAsync();
        }
        return result;
    }

    private async Task NotifyAsync()
    {
        foreach (var subscription in _subscriptions.ToArray())
        {
            await subscription.Callback.InvokeAsync();
        }
    }

    private sealed class Subscription(CartState owner, EventCallback callback) : IDisposable
    {
        public EventCallback Callback { get; } = callback;

        public void Dispose() => owner._subscriptions.Remove(this);
    }
}
