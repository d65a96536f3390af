using Checkout.Data.Carts;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Pricing;
using Checkout.Data.Promotions;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.CheckoutSessions;

/// <summary>
/// Prices a checkout: the cart checked against server prices, the promo code's effect and shipping. Reads only; what
/// a quote reserves is taken by the ledgers in the transaction that starts the checkout.
/// </summary>
internal sealed class Quotes(TimeProvider clock, CheckoutOptions options)
{
    /// <summary>The cart's quote, or why it cannot be checked out (empty, unavailable items, changed prices, a promo refused).</summary>
    public async Task<Result<(Quote Quote, PromoCode? Promo)>> QuoteAsync(CheckoutDbContext db, Cart cart, string? promoCode, CancellationToken ct)
    {
        var (view, categories) = await CartValidator.PriceWithCategoriesAsync(db, cart, ct);
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

        List<QuoteLine> lines = [.. view.Lines.Select(l => new QuoteLine(l.Sku, l.Name, categories[l.Sku], l.Quantity, l.UnitPriceMinor))];
        return await PriceAsync(db, lines, view.Currency, promoCode, ct);
    }

    /// <summary>Quote lines at the prices given, with each product's category (what promo scopes match).</summary>
    public static async Task<List<QuoteLine>> LinesAsync(
        CheckoutDbContext db, IEnumerable<(string Sku, string Name, int Quantity, long UnitPriceMinor)> lines, CancellationToken ct)
    {
        var list = lines.ToList();
        var skus = list.Select(l => l.Sku).ToList();
        var categories = await db.Products.AsNoTracking().Where(p => skus.Contains(p.Sku)).ToDictionaryAsync(p => p.Sku, p => p.Category, ct);
        return [.. list.Select(l => new QuoteLine(l.Sku, l.Name, categories.GetValueOrDefault(l.Sku, ""), l.Quantity, l.UnitPriceMinor))];
    }

    /// <summary>Prices lines (at the prices given) with an optional promo code and the shipping rule.</summary>
    public async Task<Result<(Quote Quote, PromoCode? Promo)>> PriceAsync(
        CheckoutDbContext db, IReadOnlyList<QuoteLine> lines, string currency, string? promoCode, CancellationToken ct)
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
        var shipping = Shipping.PriceMinor(subtotal - effect.DiscountMinor, effect.FreeShipping, options);
        return (new Quote(lines, subtotal, effect.DiscountMinor, shipping, currency), promo);
    }
}
