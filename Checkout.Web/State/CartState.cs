using Checkout.Data.Carts;
using Checkout.Data.Common;
using Microsoft.AspNetCore.Components;

namespace Checkout.Web.State;

/// <summary>
/// The shopper's cart for one circuit. Components change it only through intent methods and
/// learn about changes through <see cref="NotifyOnChange"/>. The cart lives in the database under the id from the
/// shopper's cookie (<see cref="OpenAsync"/>), so every tab and every new circuit sees the same cart.
/// </summary>
public sealed class CartState(CartService carts)
{
    // Intents run one at a time, so a double click cannot lose an increment and an add waits for the first load.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<Subscription> _subscriptions = [];
    // Kept apart from Cart: the id is known (from the cookie) before its row exists, which is created on first add.
    private Guid? _cartId;

    /// <summary>The shopper's cart id, or null when the circuit has none yet (no cookie and nothing added).</summary>
    public Guid? CartId => _cartId;

    /// <summary>The last cart the server confirmed, or null before the cart has a row.</summary>
    public CartView? Cart { get; private set; }

    public int ItemCount => Cart?.ItemCount ?? 0;

    public int QuantityOf(string sku) =>
        Cart?.Lines.FirstOrDefault(line => line.Sku == sku)?.Quantity ?? 0;

    /// <summary>
    /// Binds this circuit to the shopper's cart and loads it; a cart that has no row yet reads as empty. A cart whose
    /// order was placed is followed by the shopper's next cart (what the order left, often nothing).
    /// </summary>
    public Task OpenAsync(Guid cartId, CancellationToken ct = default) =>
        RunAsync<LoadedCart>(async () =>
        {
            _cartId = cartId;
            Cart = (await carts.GetAsync(cartId, ct)).Value;
            if (Cart?.Status == CartStatus.CheckedOut)
            {
                await FollowAsync(ct);
            }
            return new LoadedCart(Cart);
        }, ct);

    /// <summary>Re-reads the cart from the server: current prices, stock and problems.</summary>
    public Task<Result<LoadedCart>> RefreshAsync(CancellationToken ct = default) =>
        RunAsync<LoadedCart>(async () =>
        {
            if (_cartId is not { } cartId)
            {
                return new LoadedCart(null);
            }
            var result = await carts.GetAsync(cartId, ct);
            Cart = result.Value;
            if (Cart?.Status == CartStatus.CheckedOut)
            {
                // Its order was placed (here or in another tab): the shopper goes on with the next cart.
                await FollowAsync(ct);
                return new LoadedCart(Cart);
            }
            return result.IsSuccess || result.Error.Code == ErrorCodes.NotFound
                ? new LoadedCart(Cart)
                : Result<LoadedCart>.Failure(result.Error);
        }, ct);

    /// <summary>Adds one unit of <paramref name="sku"/>, creating the cart on first use.</summary>
    public Task<Result<CartView>> AddAsync(string sku, CancellationToken ct = default) =>
        ChangeAsync(sku, current => current + 1, ct);

    /// <summary>Sets the quantity of <paramref name="sku"/>; 0 removes the line.</summary>
    public Task<Result<CartView>> SetQuantityAsync(string sku, int quantity, CancellationToken ct = default) =>
        ChangeAsync(sku, _ => quantity, ct);

    public Task<Result<CartView>> RemoveAsync(string sku, CancellationToken ct = default) =>
        ChangeAsync(sku, _ => 0, ct);

    /// <summary>Applies every fix the server offers: current prices, reduced to what is left, unavailable items removed.</summary>
    public Task<Result<CartView>> AcceptChangesAsync(CancellationToken ct = default) =>
        RunAsync<CartView>(async () =>
        {
            if (_cartId is not { } cartId)
            {
                return Error.NotFound("The cart");
            }
            var accepted = await carts.AcceptChangesAsync(cartId, ct);
            if (accepted.Error?.Code == ErrorCodes.CartClosed)
            {
                await FollowAsync(ct);
                accepted = await carts.AcceptChangesAsync(_cartId!.Value, ct);
            }
            if (accepted.IsSuccess)
            {
                Cart = accepted.Value;
            }
            return accepted;
        }, ct);

    /// <summary>Puts the unit a waitlist offer holds for this shopper into the cart (it is not on sale to anyone else).</summary>
    public Task<Result<CartView>> AddOfferedAsync(Guid waitlistEntryId, CancellationToken ct = default) =>
        RunAsync<CartView>(async () =>
        {
            var result = await carts.AddOfferedAsync(await EnsureCartAsync(ct), waitlistEntryId, ct);
            if (result.Error?.Code == ErrorCodes.CartClosed)
            {
                await FollowAsync(ct);
                result = await carts.AddOfferedAsync(_cartId!.Value, waitlistEntryId, ct);
            }
            if (result.IsSuccess)
            {
                Cart = result.Value;
            }
            return result;
        }, ct);

    /// <summary>
    /// Calls <paramref name="callback"/> after every confirmed change; dispose the result to stop.
    /// </summary>
    public IDisposable NotifyOnChange(EventCallback callback)
    {
        var subscription = new Subscription(this, callback);
        _subscriptions.Add(subscription);
        return subscription;
    }

    private Task<Result<CartView>> ChangeAsync(string sku, Func<int, int> quantity, CancellationToken ct) =>
        RunAsync<CartView>(async () =>
        {
            var result = await carts.SetQuantityAsync(await EnsureCartAsync(ct), sku, quantity(QuantityOf(sku)), ct);
            if (result.Error?.Code == ErrorCodes.CartClosed)
            {
                // The cart became an order in another tab meanwhile: the change goes to the next cart.
                await FollowAsync(ct);
                result = await carts.SetQuantityAsync(_cartId!.Value, sku, quantity(QuantityOf(sku)), ct);
            }
            if (result.IsSuccess)
            {
                Cart = result.Value;
            }
            return result;
        }, ct);

    /// <summary>Moves this circuit to the shopper's current cart (past any checked-out one) and loads it; call under the gate.</summary>
    private async Task FollowAsync(CancellationToken ct)
    {
        _cartId = await carts.CurrentAsync(_cartId!.Value, ct);
        Cart = (await carts.GetAsync(_cartId.Value, ct)).Value;
    }

    /// <summary>The cart's id, creating its row on first use; call under the gate.</summary>
    private async Task<Guid> EnsureCartAsync(CancellationToken ct)
    {
        if (_cartId is not { } cartId)
        {
            // No cookie (a test host, or a client refusing cookies): the cart lives as long as the circuit.
            cartId = await carts.CreateAsync(ct: ct);
            _cartId = cartId;
        }
        else if (Cart is null)
        {
            await carts.EnsureAsync(cartId, ct);
        }
        return cartId;
    }

    /// <summary>Runs one intent under the gate and tells subscribers once it succeeded.</summary>
    private async Task<Result<T>> RunAsync<T>(Func<Task<Result<T>>> intent, CancellationToken ct)
        where T : notnull
    {
        await _gate.WaitAsync(ct);
        Result<T> result;
        try
        {
            result = await intent();
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

/// <summary>The cart as loaded; null while the shopper's cart has no row yet (nothing was ever added).</summary>
public sealed record LoadedCart(CartView? Cart);
