using Checkout.Data.Catalog;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Carts;

public sealed class CartService(IDbContextFactory<CheckoutDbContext> dbFactory, WriteUnits units, TimeProvider clock)
{
    /// <summary>Creates an empty cart; with <paramref name="cartId"/> given, idempotent on it (a repeat finds the cart made first).</summary>
    public async Task<Guid> CreateAsync(Guid? cartId = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var cart = new Cart(cartId ?? Guid.CreateVersion7(now), now);
        try
        {
            // A new cart has no lines: its row is all there is to write.
            await units.RunAsync(db, async (w, token) => UnitResult.Keep(await w.InsertAsync(cart, token)), ct);
        }
        catch (Exception e) when (cartId is not null && DbErrors.IsUniqueViolation(e))
        {
            // A repeat of the same request: the cart made first is the answer.
        }
        return cart.Id;
    }

    /// <summary>Makes sure a cart with this id exists: a cart keyed by a shopper's cookie is created on first use. Idempotent.</summary>
    public async Task EnsureAsync(Guid cartId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Carts.AnyAsync(c => c.Id == cartId, ct))
        {
            return;
        }
        db.Carts.Add(new Cart(cartId, clock.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Created by a concurrent request (a second tab): that cart is the one.
        }
    }

    /// <summary>
    /// The shopper's cart now, starting from the id in their cookie: that cart while it is open (or not made yet); once it
    /// was checked out, the cart that follows it, made on first need with what the order left. Two tabs asking at
    /// once get the same next cart.
    /// </summary>
    public async Task<Guid> CurrentAsync(Guid cartId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        while (true)
        {
            var cart = await db.Carts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cartId, ct);
            if (cart is null || cart.IsOpen)
            {
                return cartId;
            }
            if (cart.NextCartId is { } next)
            {
                cartId = next;
                continue;
            }
            var successor = cart.Successor(Guid.CreateVersion7(clock.GetUtcNow()), clock.GetUtcNow());
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (await CartLedger.TryLinkSuccessorAsync(db, cart.Id, successor.Id, ct))
            {
                db.Carts.Add(successor);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return successor.Id;
            }
            // Another tab linked one first: follow its link.
            await tx.RollbackAsync(ct);
        }
    }

    /// <summary>
    /// Sets the quantity of a SKU (0 removes). Refuses unknown SKUs, quantities outside 0–99 and more than is in stock.
    /// Reads the cart and the stock of its lines once, writes only the line that changed, and answers with the cart
    /// priced from that read.
    /// </summary>
    public async Task<Result<CartView>> SetQuantityAsync(Guid cartId, string sku, int quantity, CancellationToken ct = default)
    {
        if (InputRules.Sku(sku) is { } skuError)
        {
            return skuError;
        }
        if (quantity != 0 && InputRules.LineQuantity(quantity) is { } quantityError)
        {
            return quantityError;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for the use case's reads and its transaction.
        await db.Database.OpenConnectionAsync(ct);
        var cart = await CartQueries.ById(db, cartId, ct);
        if (cart is null)
        {
            return Error.NotFound("The cart");
        }
        if (!cart.IsOpen)
        {
            return Cart.Closed();
        }
        var before = CartLedger.LineState.Of(cart);
        var stock = await CartValidator.StockAsync(db, [.. cart.Lines.Select(l => l.Sku), sku], ct);
        var now = clock.GetUtcNow();
        if (quantity > 0)
        {
            if (!stock.TryGetValue(sku, out var product))
            {
                return Error.NotFound($"The product {sku}");
            }
            var current = cart.Lines.FirstOrDefault(l => l.Sku == sku)?.Quantity ?? 0;
            if (quantity > current && quantity > product.Quantity)
            {
                return CartValidator.OutOfStock([new StockShortage(sku, quantity, product.Quantity)]);
            }
            if (cart.SetQuantity(sku, quantity, product.Product.PriceMinor, now) is { } error)
            {
                return error;
            }
        }
        else if (cart.SetQuantity(sku, 0, 0, now) is { } error)
        {
            return error;
        }
        if (await SaveEditAsync(db, cart, before, ct) is { } closed)
        {
            return closed;
        }
        return CartValidator.View(cart, stock);
    }

    /// <summary>
    /// Puts the unit a waitlist offer holds into the cart. The unit is not on sale to anyone else, so the stock check
    /// of <see cref="SetQuantityAsync"/> does not apply; checkout then claims it with the entry id.
    /// </summary>
    public async Task<Result<CartView>> AddOfferedAsync(Guid cartId, Guid waitlistEntryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var offer = await db.WaitlistEntries.AsNoTracking()
            .Where(e => e.Id == waitlistEntryId && e.Status == Waitlist.WaitlistStatus.Offered && e.OfferExpiresAt > now)
            .Join(db.Products.Where(p => p.Active), e => e.Sku, p => p.Sku, (e, p) => new { p.Sku, p.PriceMinor })
            .FirstOrDefaultAsync(ct);
        if (offer is null)
        {
            return new Error(ErrorCodes.Conflict, "This waitlist offer is no longer open; its claim window may have passed.");
        }
        var cart = await CartQueries.ById(db, cartId, ct);
        if (cart is null)
        {
            return Error.NotFound("The cart");
        }
        var before = CartLedger.LineState.Of(cart);
        if (cart.Lines.All(l => l.Sku != offer.Sku) && cart.SetQuantity(offer.Sku, 1, offer.PriceMinor, now) is { } error)
        {
            return error;
        }
        if (await SaveEditAsync(db, cart, before, ct) is { } closed)
        {
            return closed;
        }
        return await CartValidator.PriceAsync(db, cart, ct);
    }

    public async Task<Result<CartView>> GetAsync(Guid cartId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cart = await db.Carts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cartId, ct);
        return cart is null ? Error.NotFound("The cart") : await CartValidator.PriceAsync(db, cart, ct);
    }

    /// <summary>The shopper accepts the current price of one line.</summary>
    public async Task<Result<CartView>> AcceptPriceAsync(Guid cartId, string sku, CancellationToken ct = default)
    {
        if (InputRules.Sku(sku) is { } skuError)
        {
            return skuError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cart = await CartQueries.ById(db, cartId, ct);
        if (cart is null)
        {
            return Error.NotFound("The cart");
        }
        if (!cart.IsOpen)
        {
            return Cart.Closed();
        }
        var before = CartLedger.LineState.Of(cart);
        // One read of the lines' products answers both the price to accept and the cart to show after.
        var stock = await CartValidator.StockAsync(db, cart.Lines.Select(l => l.Sku), ct);
        if (!stock.TryGetValue(sku, out var product) || cart.Lines.All(l => l.Sku != sku))
        {
            return Error.NotFound($"The product {sku} in the cart");
        }
        if (cart.AcceptPrice(sku, product.Product.PriceMinor, clock.GetUtcNow()) is { } error)
        {
            return error;
        }
        if (await SaveEditAsync(db, cart, before, ct) is { } closed)
        {
            return closed;
        }
        return CartValidator.View(cart, stock);
    }

    /// <summary>Applies every fix the validation offers: accept current prices, reduce to what is left, remove what is gone.</summary>
    public async Task<Result<CartView>> AcceptChangesAsync(Guid cartId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var cart = await CartQueries.ById(db, cartId, ct);
        if (cart is null)
        {
            return Error.NotFound("The cart");
        }
        if (!cart.IsOpen)
        {
            return Cart.Closed();
        }
        var before = CartLedger.LineState.Of(cart);
        var stock = await CartValidator.StockAsync(db, cart.Lines.Select(l => l.Sku), ct);
        var now = clock.GetUtcNow();
        foreach (var problem in CartValidator.View(cart, stock).Problems)
        {
            switch (problem.Kind)
            {
                case CartProblemKind.ItemUnavailable:
                    cart.SetQuantity(problem.Sku, 0, 0, now);
                    break;
                case CartProblemKind.PriceChanged:
                    cart.AcceptPrice(problem.Sku, problem.NowMinor!.Value, now);
                    break;
                case CartProblemKind.InsufficientStock:
                    cart.SetQuantity(problem.Sku, problem.Available!.Value, 0, now);
                    break;
            }
        }
        if (await SaveEditAsync(db, cart, before, ct) is { } closed)
        {
            return closed;
        }
        return CartValidator.View(cart, stock);
    }

    /// <summary>
    /// Saves an edit of a cart that was open when read, as one write unit (<see cref="CartLedger.SaveEditAsync"/>):
    /// null when saved; the cart-closed error when an authorization closed it meanwhile, and then nothing changed.
    /// </summary>
    private async Task<Error?> SaveEditAsync(CheckoutDbContext db, Cart cart, IReadOnlyList<CartLedger.LineState> before, CancellationToken ct) =>
        await units.RunAsync(db, async (w, token) => await CartLedger.SaveEditAsync(w, cart, before, token) ? UnitResult.Keep(true) : UnitResult.Undo(false), ct)
            ? null
            : Cart.Closed();
}
