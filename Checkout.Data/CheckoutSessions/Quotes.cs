using Checkout.Data.Carts;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Pricing;
using Checkout.Data.Promotions;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.CheckoutSessions;

/// <summary>
/// Prices a checkout: the cart checked against server prices, the promo code's effect, delivery and tax. Reads only; what
/// a quote reserves is taken by the ledgers in the transaction that starts the checkout.
/// </summary>
internal sealed class Quotes(TimeProvider clock, CheckoutOptions options, DeliveryOptions delivery, TaxRates taxes)
{
    /// <summary>The cart's quote, or why it cannot be checked out (empty, unavailable items, changed prices, a promo refused).</summary>
    public async Task<Result<(Quote Quote, PromoCode? Promo)>> QuoteAsync(CheckoutDbContext db, Cart cart, string? promoCode, Destination? destination, CancellationToken ct)
    {
        var (view, products) = await CartValidator.PriceWithProductsAsync(db, cart, ct);
        if (view.IsEmpty && view.Problems.Count == 0)
        {
            return new Error(ErrorCodes.InvalidCart, "The cart is empty.");
        }
        if (view.Problems.FirstOrDefault(p => p.Kind == CartProblemKind.ItemUnavailable) is not null)
        {
            return new Error(ErrorCodes.InvalidCart, "Some items are no longer available; remove them to continue.",
                new Dictionary<string, object?> { ["problems"] = view.Problems });
        }
        var priceChanges = view.Problems.Where(p => p.Kind == CartProblemKind.PriceChanged).ToList();
        if (priceChanges.Count > 0)
        {
            return new Error(ErrorCodes.PriceChanged, string.Join(" ", priceChanges.Select(p => p.Message)),
                new Dictionary<string, object?> { ["problems"] = priceChanges });
        }

        List<QuoteLine> lines =
            [.. view.Lines.Select(l => new QuoteLine(l.Sku, l.Name, products[l.Sku].Category, l.Quantity, l.UnitPriceMinor, products[l.Sku].WeightGrams))];
        return await PriceAsync(db, lines, view.Currency, promoCode, destination, ct);
    }

    /// <summary>
    /// Quote lines at the prices given, with each product's category (what promo scopes match) and its weight now (what
    /// delivery rates per kilogram charge).
    /// </summary>
    public static async Task<List<QuoteLine>> LinesAsync(
        CheckoutDbContext db, IEnumerable<(string Sku, string Name, int Quantity, long UnitPriceMinor)> lines, CancellationToken ct)
    {
        var list = lines.ToList();
        var skus = list.Select(l => l.Sku).ToList();
        var products = await db.Products.AsNoTracking().Where(p => skus.Contains(p.Sku))
            .Select(p => new { p.Sku, p.Category, p.WeightGrams }).ToDictionaryAsync(p => p.Sku, ct);
        return
        [
            .. list.Select(l => products.TryGetValue(l.Sku, out var product)
                ? new QuoteLine(l.Sku, l.Name, product.Category, l.Quantity, l.UnitPriceMinor, product.WeightGrams)
                : new QuoteLine(l.Sku, l.Name, "", l.Quantity, l.UnitPriceMinor)),
        ];
    }

    /// <summary>
    /// Prices lines (at the prices given) with an optional promo code and, once the shopper said where the order goes,
    /// its delivery and tax.
    /// </summary>
    public async Task<Result<(Quote Quote, PromoCode? Promo)>> PriceAsync(
        CheckoutDbContext db, IReadOnlyList<QuoteLine> lines, string currency, string? promoCode, Destination? destination, CancellationToken ct)
    {
        var subtotal = lines.Sum(l => l.LineTotalMinor);
        PromoEffect effect = new(0, FreeShipping: false);
        PromoCode? promo = null;
        if (promoCode is not null)
        {
            promo = await db.PromoCodes.AsNoTracking().FirstOrDefaultAsync(p => p.Code == promoCode, ct);
            if (promo is null)
            {
                return new Error(ErrorCodes.PromoNotFound, $"The code {promoCode} does not exist.");
            }
            var evaluated = PromoRules.Evaluate(promo, lines, clock.GetUtcNow());
            if (!evaluated.IsSuccess)
            {
                return evaluated.Error;
            }
            effect = evaluated.Value;
        }
        var quote = await DeliverAsync(db, new Quote(lines, subtotal, effect.DiscountMinor, 0, currency), effect.FreeShipping, destination, ct);
        return quote.IsSuccess ? (quote.Value, promo) : quote.Error;
    }

    /// <summary>
    /// The quote (its lines and discount as they are) sent to <paramref name="destination"/>: the delivery method's price
    /// for the amount after discount and the lines' weight (free with a free-shipping code), and the destination's tax
    /// on the lines and the shipping. Without a destination: no shipping, no tax. Refused when no method, or not the one
    /// asked for, reaches it.
    /// </summary>
    public async Task<Result<Quote>> DeliverAsync(CheckoutDbContext db, Quote quote, bool freeShipping, Destination? destination, CancellationToken ct)
    {
        if (destination is null)
        {
            return quote with { ShippingMinor = 0, Delivery = null, Tax = null };
        }
        var address = destination.Address;
        var offered = await delivery.ForAsync(db, address.Country, quote.SubtotalMinor - quote.DiscountMinor, quote.WeightGrams, freeShipping, ct);
        var country = Countries.Find(address.Country)?.Name ?? address.Country;
        if (offered.Count == 0)
        {
            return new Error(ErrorCodes.NoDeliveryMethod, $"We don't deliver to {country} yet; choose another address.");
        }
        var chosen = destination.MethodId is { } asked ? offered.FirstOrDefault(o => o.MethodId == asked) : offered[0];
        if (chosen is null)
        {
            return new Error(ErrorCodes.DeliveryMethodUnavailable, $"That delivery method does not deliver to {country}; choose one of the methods offered.",
                new Dictionary<string, object?> { ["deliveryMethods"] = offered });
        }
        var tax = await taxes.ForAsync(db, address.Country, address.Region, ct);
        var included = options.TaxMode == TaxMode.Inclusive;
        var computed = TaxCalculator.Compute([.. quote.Lines.Select(l => l.LineTotalMinor)], quote.DiscountMinor, chosen.PriceMinor, tax.RatePercent, included);
        return quote with
        {
            ShippingMinor = chosen.PriceMinor,
            Delivery = new QuoteDelivery(address, chosen.MethodId, chosen.Name),
            Tax = new QuoteTax(computed.TaxMinor, tax.RatePercent, tax.Name, included),
        };
    }
}

/// <summary>Where a quote is to go: an accepted address and, optionally, the delivery method asked for (else the cheapest).</summary>
public sealed record Destination(ShippingAddress Address, Guid? MethodId);
