using Checkout.Data.Audit;
using Checkout.Data.Carts;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Pricing;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Data.Telemetry;
using Checkout.Data.Waitlist;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.CheckoutSessions;

/// <param name="CheckoutSessionId">Minted by the client when the checkout form is created; a repeat reuses the session.</param>
/// <param name="WaitlistEntryId">An offered waitlist entry whose unit this checkout claims.</param>
/// <param name="ShippingAddress">Where the order goes, when known at the start; else given later (<see cref="CheckoutService.SetShippingAsync"/>).</param>
/// <param name="DeliveryMethodId">The delivery method asked for; without one the cheapest that reaches the address.</param>
public sealed record StartCheckout(
    Guid CartId, string Email, string CustomerName, string? PromoCode = null, Guid? CheckoutSessionId = null, Guid? WaitlistEntryId = null,
    ShippingAddressInput? ShippingAddress = null, Guid? DeliveryMethodId = null);

public sealed record CheckoutView(
    Guid CheckoutSessionId, CheckoutSessionStatus Status, IReadOnlyList<CheckoutLineView> Lines, long SubtotalMinor,
    long DiscountMinor, long ShippingMinor, long TotalMinor, string Currency, string? PromoCode, string Email,
    DateTimeOffset HoldExpiresAt, bool HoldExtended, string CustomerName = "", Guid CartId = default,
    QuoteDelivery? Delivery = null, QuoteTax? Tax = null)
{
    public long TaxMinor => Tax?.AmountMinor ?? 0;
}

/// <param name="Created">True for the start that made the checkout; false when an existing one answered.</param>
public sealed record StartedCheckout(CheckoutView Checkout, bool Created);

public sealed record CheckoutLineView(string Sku, string Name, int Quantity, long UnitPriceMinor, long LineTotalMinor);

public sealed class CheckoutService(
    IDbContextFactory<CheckoutDbContext> dbFactory, WriteUnits units, TimeProvider clock, IOptions<CheckoutOptions> options, CheckoutEvents events,
    CheckoutMetrics metrics, IWaitingDemand waiting, DeliveryOptions delivery, TaxRates taxes)
{
    private readonly CheckoutOptions _options = options.Value;
    private readonly Quotes _quotes = new(clock, options.Value, delivery, taxes);

    /// <summary>Starts checkout, or finds the cart's open checkout; see <see cref="StartOrFindAsync"/>.</summary>
    public async Task<Result<CheckoutView>> StartAsync(StartCheckout request, CancellationToken ct = default)
    {
        var started = await StartOrFindAsync(request, ct);
        return started.IsSuccess ? started.Value.Checkout : started.Error;
    }

    /// <summary>
    /// Starts checkout: validates the cart against server prices, prices the quote, and in one transaction holds
    /// every line (all or nothing) and takes the promo use. A cart has at most one open checkout — a unique index
    /// decides, not a read — so starting again, with or without a session id, at once or later, returns that checkout
    /// and never holds twice (<see cref="StartedCheckout.Created"/> false). Only a changed request (other items,
    /// contact or promo code) before payment replaces it, releasing its holds in the transaction that takes the new ones.
    /// A cart whose order was authorized is closed and starts nothing.
    /// </summary>
    public async Task<Result<StartedCheckout>> StartOrFindAsync(StartCheckout request, CancellationToken ct = default)
    {
        if ((InputRules.Email(request.Email) ?? InputRules.PersonName(request.CustomerName)) is { } inputError)
        {
            return inputError;
        }
        var promoCode = string.IsNullOrWhiteSpace(request.PromoCode) ? null : request.PromoCode;
        if (promoCode is not null && InputRules.PromoCode(promoCode) is { } promoError)
        {
            return promoError;
        }
        promoCode = promoCode is null ? null : InputRules.NormalizeCode(promoCode);
        if (DestinationOf(request.ShippingAddress, request.DeliveryMethodId, out var destination) is { } destinationError)
        {
            return destinationError;
        }
        var email = InputRules.NormalizeEmail(request.Email);
        var name = request.CustomerName.Trim();
        var sessionId = request.CheckoutSessionId ?? Guid.CreateVersion7(clock.GetUtcNow());
        using var span = CheckoutTracing.Span("checkout.start");
        span?.SetTag("checkout.session_id", sessionId);
        using var steps = CheckoutTracing.StepsOf();
        steps.Next("checkout.validate");

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // One connection for the whole use case, its reads and its transaction.
        await db.Database.OpenConnectionAsync(ct);
        // Only a client-minted id can name a session that exists already; one minted just now cannot.
        if (request.CheckoutSessionId is not null && await ExistingAsync(db, sessionId, request.CartId, ct) is { } existing)
        {
            return Found(existing);
        }

        if (await SessionQueries.CartWithOpen(db, request.CartId, ct) is not { } found)
        {
            return Error.NotFound("The cart");
        }
        var (cart, open) = found;
        if (!cart.IsOpen)
        {
            return Cart.Closed();
        }
        if (open is not null && open.HoldExpiresAt > clock.GetUtcNow() && (open.HoldExtended || IsSameRequest(open, cart, email, name, promoCode, destination)))
        {
            return new StartedCheckout(ToView(open), Created: false);
        }
        // Redis first, before pricing and any transaction: a hot SKU sold out there costs nothing past the cart's read. A
        // claim's unit comes from its offer's hold, which Redis counted out when the offer was made: a claiming start asks
        // the database alone. What is taken here is given back unless the start's transaction moves it.
        if (request.WaitlistEntryId is null
            && await HoldLedger.TakeHotAsync(db, cart.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => (l.Sku, l.Quantity))) is { Count: > 0 } soldOut)
        {
            await HoldLedger.GiveBackHotAsync(db);
            metrics.OversellRejected();
            return CartValidator.OutOfStock([.. soldOut.Select(s => new StockShortage(s.Sku, s.Quantity, s.Left))]);
        }
        var quoteResult = await _quotes.QuoteAsync(db, cart, promoCode, destination, ct);
        if (!quoteResult.IsSuccess)
        {
            await HoldLedger.GiveBackHotAsync(db);
            return quoteResult.Error;
        }
        var (quote, promo) = quoteResult.Value;

        steps.Next("checkout.hold");
        // In SKU order, as every hold takes its rows, so that two starts never wait on each other's rows.
        var lines = quote.Lines.Select(l => (l.Sku, l.Quantity)).ToList();
        if (promo is not null && await PromoLedger.TakeHotAsync(db, promo) is { } usedUp)
        {
            // A concurrent start of this cart may have taken the last use: then its checkout is the answer.
            await HoldLedger.GiveBackHotAsync(db);
            return await OpenOrExistingAsync(db, cart.Id, sessionId, ct) is { } started ? Found(started) : usedUp;
        }

        var now = clock.GetUtcNow();
        var expiresAt = now + _options.HoldTtl;
        var session = new CheckoutSession(sessionId, cart.Id, email, name, promo?.Code, quote, now, expiresAt, span?.Id);
        StartWrite written;
        try
        {
            written = await units.RunAsync(db, async (w, token) =>
            {
                // The cart's row first: a checkout start and the authorization that closes the cart take turns on it.
                if (!await CartLedger.LockOpenAsync(w, cart.Id, token))
                {
                    return UnitResult.Undo(new StartWrite(Stop: Cart.Closed()));
                }
                var replaced = open is null ? null : await ReplaceAsync(w, open, now, token);
                if (request.WaitlistEntryId is { } entryId && !await WaitlistLedger.ClaimAsync(w, entryId, email, now, token))
                {
                    return UnitResult.Undo(new StartWrite(Stop: new Error(ErrorCodes.Conflict, "This waitlist offer is no longer open; its claim window may have passed.")));
                }
                var shortSkus = await HoldLedger.PlaceAsync(w, sessionId, lines, now, expiresAt, token);
                if (shortSkus.Count > 0)
                {
                    return UnitResult.Undo(new StartWrite(ShortSkus: shortSkus));
                }
                if (promo is not null && await PromoLedger.TryRedeemAsync(w, promo, sessionId, email, now, token) is { } refused)
                {
                    return UnitResult.Undo(new StartWrite(Stop: refused, Contested: true));
                }
                await SessionLedger.StartAsync(w, session, token);
                return UnitResult.Keep(new StartWrite(Replaced: replaced));
            }, ct);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another start of this cart (or of this very session) won: its holds stand and ours rolled back. Which
            // unique index says so (the session's holds, its promo use or the cart's one open checkout) depends on
            // which statement met the winner's rows first.
            return await OpenOrExistingAsync(db, cart.Id, sessionId, ct) is { } winner
                ? Found(winner)
                : throw new InvalidOperationException("The checkout that won a duplicate start vanished.", e);
        }
        if (written.ShortSkus is { } shortOf)
        {
            // A concurrent start of this cart may have taken the stock: then its checkout is the answer.
            if (await OpenOrExistingAsync(db, cart.Id, sessionId, ct) is { } started)
            {
                return Found(started);
            }
            metrics.OversellRejected();
            var shortages = quote.Lines.Where(l => shortOf.Contains(l.Sku)).Select(l => new StockShortage(l.Sku, l.Quantity, 0)).ToList();
            return CartValidator.OutOfStock(await WithAvailableAsync(db, shortages, ct));
        }
        if (written.Stop is { } stop)
        {
            return written.Contested && await OpenOrExistingAsync(db, cart.Id, sessionId, ct) is { } started ? Found(started) : stop;
        }
        var replaced = written.Replaced;
        metrics.CheckoutStarted();
        if (replaced is { } ended)
        {
            await events.PublishRaisedAsync(db);
            await events.PublishReleasedAsync(open!.Id, ended, ct);
        }
        await events.PublishStockAsync(quote.Lines.Select(l => l.Sku), ct);
        return new StartedCheckout(ToView(session), Created: true);
    }

    /// <summary>How a start's write unit ended: what it replaced, or why it stopped (then nothing was written).</summary>
    /// <param name="Contested">The stop may be a concurrent start of the cart winning: its checkout answers, if there is one.</param>
    private sealed record StartWrite(CheckoutSessionStatus? Replaced = null, Error? Stop = null, IReadOnlyList<string>? ShortSkus = null, bool Contested = false);

    /// <summary>
    /// Ends the cart's earlier open checkout inside the transaction that starts its replacement. A live one is
    /// cancelled and its units go straight back on sale for the new hold to take; one whose hold ran out expires as
    /// the sweeper would expire it (its units offered to the waitlist first). Returns how it ended, or null when
    /// something else ended it meanwhile or its payment started.
    /// </summary>
    private async Task<CheckoutSessionStatus?> ReplaceAsync(CheckoutDbContext db, CheckoutSession open, DateTimeOffset now, CancellationToken ct)
    {
        // Payment may have started on it since it was read: then it stays, and the unique index makes this start
        // answer with it.
        if (open.HoldExpiresAt <= now)
        {
            return await SessionLedger.ExpireAsync(db, open.Id, now, waiting, ct, unlessPaying: true) ? CheckoutSessionStatus.Expired : null;
        }
        return await SessionLedger.CancelAsync(db, open.Id, now, waiting: null, ct, unlessPaying: true) ? CheckoutSessionStatus.Cancelled : null;
    }

    /// <summary>
    /// The open checkout answers a start when it was made from the same items, contact and promo code, and, when the
    /// start names a destination, the same address (and method, if it names one).
    /// </summary>
    private static bool IsSameRequest(CheckoutSession open, Cart cart, string email, string name, string? promoCode, Destination? destination) =>
        open.Email == email && open.CustomerName == name && open.PromoCode == promoCode
        && (destination is null || (open.Delivery is { } delivery && delivery.Address == destination.Address
            && (destination.MethodId is null || destination.MethodId == delivery.MethodId)))
        && open.Lines.Count == cart.Lines.Count
        && cart.Lines.All(c => open.Lines.Any(l => l.Sku == c.Sku && l.Quantity == c.Quantity));

    private static Result<StartedCheckout> Found(Result<CheckoutView> found) =>
        found.IsSuccess ? new StartedCheckout(found.Value, Created: false) : found.Error;

    /// <summary>The cart's open checkout, else the one named by <paramref name="sessionId"/> (a replay of a start).</summary>
    private async Task<Result<CheckoutView>?> OpenOrExistingAsync(CheckoutDbContext db, Guid cartId, Guid sessionId, CancellationToken ct)
    {
        var open = await SessionQueries.OpenOfCart(db, cartId, ct);
        return open is not null ? ToView(open) : await ExistingAsync(db, sessionId, cartId, ct);
    }

    /// <summary>
    /// Applies, replaces or (with null) removes the promo code of an open checkout before payment starts. The new use
    /// is taken and the old one given back in one transaction with the re-priced quote; on any refusal nothing changes.
    /// </summary>
    public async Task<Result<CheckoutView>> ApplyPromoAsync(Guid checkoutSessionId, string? promoCode, CancellationToken ct = default)
    {
        promoCode = string.IsNullOrWhiteSpace(promoCode) ? null : promoCode;
        if (promoCode is not null && InputRules.PromoCode(promoCode) is { } promoError)
        {
            return promoError;
        }
        promoCode = promoCode is null ? null : InputRules.NormalizeCode(promoCode);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.CheckoutSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == checkoutSessionId, ct);
        if (session is null)
        {
            return Error.NotFound("The checkout");
        }
        if (OpenForChanges(session) is { } closed)
        {
            return closed;
        }
        if (session.PromoCode == promoCode)
        {
            return ToView(session);
        }
        var lines = await Quotes.LinesAsync(db, session.Lines.Select(l => (l.Sku, l.Name, l.Quantity, l.UnitPriceMinor)), ct);
        var priced = await _quotes.PriceAsync(db, lines, session.Currency, promoCode, DestinationOf(session), ct);
        if (!priced.IsSuccess)
        {
            return priced.Error;
        }
        var (quote, promo) = priced.Value;

        if (promo is not null && await PromoLedger.TakeHotAsync(db, promo) is { } usedUp)
        {
            return usedUp;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await PromoLedger.ReleaseAsync(db, session.Id, ct);
        if (promo is not null)
        {
            if (await PromoLedger.TryRedeemAsync(db, promo, session.Id, session.Email, clock.GetUtcNow(), ct) is { } refused)
            {
                await tx.RollbackAsync(ct);
                return refused;
            }
        }
        if (!await SessionLedger.RepriceAsync(db, session.Id, promo?.Code, quote, clock.GetUtcNow(), ct))
        {
            // Payment started or the hold lapsed while we priced: the quote stands as it was.
            await tx.RollbackAsync(ct);
            return new Error(ErrorCodes.CheckoutClosed, "This checkout can no longer change; its payment has started or its hold expired.");
        }
        await tx.CommitAsync(ct);
        return await GetAsync(session.Id, ct);
    }

    /// <summary>
    /// Sets or changes where an open checkout goes, before payment starts: the address, and the delivery method (else
    /// the cheapest that reaches it). Its lines and discount stay as quoted; shipping and tax are priced for the new
    /// destination. A refused address or method changes nothing.
    /// </summary>
    public async Task<Result<CheckoutView>> SetShippingAsync(
        Guid checkoutSessionId, ShippingAddressInput? address, Guid? deliveryMethodId, CancellationToken ct = default)
    {
        var accepted = AddressRules.Validate(address);
        if (!accepted.IsSuccess)
        {
            return accepted.Error;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await SessionQueries.ById(db, checkoutSessionId, ct);
        if (session is null)
        {
            return Error.NotFound("The checkout");
        }
        if (OpenForChanges(session) is { } closed)
        {
            return closed;
        }
        var destination = new Destination(accepted.Value, deliveryMethodId);
        var freeShipping = await HasFreeShippingAsync(db, session.PromoCode, ct);
        var lines = await Quotes.LinesAsync(db, session.Lines.Select(l => (l.Sku, l.Name, l.Quantity, l.UnitPriceMinor)), ct);
        var quote = new Quote(lines, session.SubtotalMinor, session.DiscountMinor, session.ShippingMinor, session.Currency);
        var delivered = await _quotes.DeliverAsync(db, quote, freeShipping, destination, ct);
        if (!delivered.IsSuccess)
        {
            return delivered.Error;
        }
        if (!await SessionLedger.RepriceAsync(db, session.Id, session.PromoCode, delivered.Value, clock.GetUtcNow(), ct))
        {
            return new Error(ErrorCodes.CheckoutClosed, "This checkout can no longer change; its payment has started or its hold expired.");
        }
        return await GetAsync(session.Id, ct);
    }

    /// <summary>The delivery methods that reach <paramref name="country"/>, priced for the open checkout's amount, weight and promo.</summary>
    public async Task<Result<IReadOnlyList<DeliveryOption>>> DeliveryOptionsAsync(Guid checkoutSessionId, string country, CancellationToken ct = default)
    {
        country = country.Trim().ToUpperInvariant();
        if (Countries.Find(country) is null)
        {
            return Error.Validation("Choose a country we ship to.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await db.CheckoutSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == checkoutSessionId, ct);
        if (session is null)
        {
            return Error.NotFound("The checkout");
        }
        var freeShipping = await HasFreeShippingAsync(db, session.PromoCode, ct);
        var lines = await Quotes.LinesAsync(db, session.Lines.Select(l => (l.Sku, l.Name, l.Quantity, l.UnitPriceMinor)), ct);
        return Result<IReadOnlyList<DeliveryOption>>.Success(
            await delivery.ForAsync(db, country, session.SubtotalMinor - session.DiscountMinor, lines.Sum(l => l.LineWeightGrams), freeShipping, ct));
    }

    /// <summary>Whether the checkout's promo code makes delivery free (its use was taken when it was applied).</summary>
    private static async Task<bool> HasFreeShippingAsync(CheckoutDbContext db, string? promoCode, CancellationToken ct) =>
        promoCode is not null && await db.PromoCodes.AsNoTracking().AnyAsync(p => p.Code == promoCode && p.Kind == PromoKind.FreeShipping, ct);

    /// <summary>A start's destination, when it names an address; a method without an address is refused.</summary>
    private static Error? DestinationOf(ShippingAddressInput? address, Guid? methodId, out Destination? destination)
    {
        destination = null;
        if (address is null)
        {
            return methodId is null ? null : Error.Validation("A delivery method needs a shipping address.");
        }
        var accepted = AddressRules.Validate(address);
        if (!accepted.IsSuccess)
        {
            return accepted.Error;
        }
        destination = new Destination(accepted.Value, methodId);
        return null;
    }

    private static Destination? DestinationOf(CheckoutSession session) =>
        session.Delivery is { } delivery ? new Destination(delivery.Address, delivery.MethodId) : null;

    /// <summary>The cart's open checkout whose hold is still running, if it has one.</summary>
    public async Task<CheckoutView?> OpenOfCartAsync(Guid cartId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var open = await db.CheckoutSessions.AsNoTracking()
            .FirstOrDefaultAsync(s => s.CartId == cartId && s.Status == CheckoutSessionStatus.Open && s.HoldExpiresAt > now, ct);
        return open is null ? null : ToView(open);
    }

    public async Task<Result<CheckoutView>> GetAsync(Guid checkoutSessionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var session = await SessionQueries.ById(db, checkoutSessionId, ct);
        return session is null ? Error.NotFound("The checkout") : ToView(session);
    }

    /// <summary>The shopper gives up: holds and the promo use go back at once. Idempotent.</summary>
    public Task<Result<CheckoutView>> CancelAsync(Guid checkoutSessionId, CancellationToken ct = default) =>
        CloseAsync(checkoutSessionId, releasedBy: null, ct);

    /// <summary>
    /// An admin releases the checkout's holds: it is cancelled as if its shopper gave up, and the release is recorded in
    /// the audit log (<c>hold.released</c>) in the same transaction; a checkout no longer open is left as it is, with no entry.
    /// </summary>
    public async Task<Result<CheckoutView>> ReleaseHoldsAsync(Guid checkoutSessionId, string actor, CancellationToken ct = default) =>
        AuditLog.CheckActor(actor) is { } invalid ? invalid : await CloseAsync(checkoutSessionId, actor, ct);

    private async Task<Result<CheckoutView>> CloseAsync(Guid checkoutSessionId, string? releasedBy, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        bool closed;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var now = clock.GetUtcNow();
            closed = await SessionLedger.CancelAsync(db, checkoutSessionId, now, waiting, ct);
            if (closed && releasedBy is not null)
            {
                AuditLog.Record(
                    db, releasedBy, "hold.released", AuditSubject.Checkout(checkoutSessionId),
                    new { Status = CheckoutSessionStatus.Open }, new { Status = CheckoutSessionStatus.Cancelled }, now);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        if (closed)
        {
            await events.PublishRaisedAsync(db);
            await events.PublishReleasedAsync(checkoutSessionId, CheckoutSessionStatus.Cancelled, ct);
        }
        return await GetAsync(checkoutSessionId, ct);
    }

    private Error? OpenForChanges(CheckoutSession session)
    {
        if (session.Status == CheckoutSessionStatus.Expired || (session.Status == CheckoutSessionStatus.Open && session.HoldExpiresAt <= clock.GetUtcNow()))
        {
            return new Error(ErrorCodes.HoldExpired, "The items in this checkout were released; start again.");
        }
        return session.Status != CheckoutSessionStatus.Open || session.HoldExtended
            ? new Error(ErrorCodes.CheckoutClosed, "This checkout can no longer change; its payment has started or it was closed.")
            : null;
    }

    internal static CheckoutView ToView(CheckoutSession s) => new(
        s.Id, s.Status,
        [.. s.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new CheckoutLineView(l.Sku, l.Name, l.Quantity, l.UnitPriceMinor, l.LineTotalMinor))],
        s.SubtotalMinor, s.DiscountMinor, s.ShippingMinor, s.TotalMinor, s.Currency, s.PromoCode, s.Email, s.HoldExpiresAt, s.HoldExtended,
        s.CustomerName, s.CartId, s.Delivery, s.Tax);

    private async Task<Result<CheckoutView>?> ExistingAsync(CheckoutDbContext db, Guid sessionId, Guid cartId, CancellationToken ct)
    {
        var session = await SessionQueries.ById(db, sessionId, ct);
        if (session is null)
        {
            return null;
        }
        if (session.CartId != cartId)
        {
            return new Error(ErrorCodes.Conflict, "This checkout belongs to another cart.");
        }
        return session.Status == CheckoutSessionStatus.Open && session.HoldExpiresAt <= clock.GetUtcNow()
            ? new Error(ErrorCodes.HoldExpired, "The items in this checkout were released; start again.")
            : ToView(session);
    }

    private static async Task<IReadOnlyList<StockShortage>> WithAvailableAsync(CheckoutDbContext db, List<StockShortage> shortages, CancellationToken ct)
    {
        var skus = shortages.Select(s => s.Sku).ToList();
        var available = await db.Inventory.AsNoTracking().Where(i => skus.Contains(i.Sku)).ToDictionaryAsync(i => i.Sku, i => i.Quantity, ct);
        return [.. shortages.Select(s => s with { Available = available.GetValueOrDefault(s.Sku) })];
    }
}
