using Checkout.Data.Common;
using Checkout.Data.Pricing;

namespace Checkout.Data.Promotions;

/// <summary>Pure rules of a promo code: whether it applies to a basket and what it takes off.</summary>
public static class PromoRules
{
    /// <summary>Checks window, scope and minimum (not usage: that is taken atomically) and prices the discount.</summary>
    public static Result<PromoEffect> Evaluate(PromoCode promo, IReadOnlyList<QuoteLine> lines, DateTimeOffset now)
    {
        if (!promo.Enabled)
        {
            return new Error(ErrorCodes.PromoInactive, $"The code {promo.Code} is no longer active.");
        }
        if (promo.StartsAt is { } start && now < start)
        {
            return new Error(ErrorCodes.PromoInactive, $"The code {promo.Code} is not active yet.");
        }
        if (promo.EndsAt is { } end && now >= end)
        {
            return new Error(ErrorCodes.PromoExpired, $"The code {promo.Code} has expired.");
        }
        if (promo.UsageLimit is { } limit && promo.Used >= limit)
        {
            return LimitReached(promo.Code);
        }

        var subtotal = lines.Sum(l => l.LineTotalMinor);
        if (subtotal < promo.MinSubtotalMinor)
        {
            return new Error(
                ErrorCodes.PromoMinimumNotMet,
                $"The code {promo.Code} needs a subtotal of at least {Money.Format(promo.MinSubtotalMinor, Money.DefaultCurrency)}.");
        }

        var eligible = lines
            .Where(l => (promo.ScopeSku is null || l.Sku == promo.ScopeSku)
                        && (promo.ScopeCategory is null || string.Equals(l.Category, promo.ScopeCategory, StringComparison.OrdinalIgnoreCase)))
            .Sum(l => l.LineTotalMinor);
        if (eligible == 0)
        {
            return new Error(ErrorCodes.PromoNotApplicable, $"The code {promo.Code} does not apply to the items in your cart.");
        }

        return promo.Kind switch
        {
            PromoKind.Percentage => new PromoEffect(Money.Percentage(eligible, (int)promo.Value), FreeShipping: false),
            PromoKind.FixedAmount => new PromoEffect(Math.Min(promo.Value, eligible), FreeShipping: false),
            PromoKind.FreeShipping => new PromoEffect(0, FreeShipping: true),
            _ => throw new InvalidOperationException($"Unknown promo kind {promo.Kind}."),
        };
    }

    public static Error LimitReached(string code) =>
        new(ErrorCodes.PromoLimitReached, $"The code {code} has reached its usage limit.");

    public static Error CustomerLimitReached(string code) =>
        new(ErrorCodes.PromoCustomerLimitReached, $"You have already used the code {code} as often as it allows.");
}

public sealed record PromoEffect(long DiscountMinor, bool FreeShipping);
