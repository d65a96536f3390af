using System.Globalization;
using Checkout.Data.Common;
using Checkout.Data.Promotions;
using Checkout.Web.Components.Shared;

namespace Checkout.Web.Components.Admin;

public enum PromoState
{
    Active,
    Scheduled,
    Expired,
    UsedUp,
    Disabled,
}

/// <summary>
/// How the back office describes a promo code: its state now, its discount, its window and its usage. How a state looks
/// (its word and colour) is in <see cref="StatusDisplay"/> with every other status.
/// </summary>
public static class PromoDisplay
{
    /// <summary>The same order of checks the checkout applies (<see cref="PromoRules.Evaluate"/>): disabled, not started, ended, used up.</summary>
    public static PromoState StateOf(PromoView promo, DateTimeOffset now) =>
        !promo.Enabled ? PromoState.Disabled
        : promo.StartsAt is { } start && now < start ? PromoState.Scheduled
        : promo.EndsAt is { } end && now >= end ? PromoState.Expired
        : promo.UsageLimit is { } limit && promo.Used >= limit ? PromoState.UsedUp
        : PromoState.Active;

    public static string Discount(PromoView promo)
    {
        var what = promo.Kind switch
        {
            PromoKind.Percentage => $"{promo.Value.ToString(CultureInfo.InvariantCulture)} % off",
            PromoKind.FixedAmount => $"{Money.Format(promo.Value, Money.DefaultCurrency)} off",
            _ => "Free shipping",
        };
        var scope = (promo.ScopeSku, promo.ScopeCategory) switch
        {
            ({ } sku, _) => $" on {sku}",
            (null, { } category) => $" in {category}",
            _ => "",
        };
        var minimum = promo.MinSubtotalMinor > 0 ? $", from {Money.Format(promo.MinSubtotalMinor, Money.DefaultCurrency)}" : "";
        return what + scope + minimum;
    }

    public static string Window(PromoView promo) => (promo.StartsAt, promo.EndsAt) switch
    {
        ({ } start, { } end) => $"{TimeFormat.Minute(start)} – {TimeFormat.Minute(end)}",
        ({ } start, null) => $"from {TimeFormat.Minute(start)}",
        (null, { } end) => $"until {TimeFormat.Minute(end)}",
        _ => "always",
    };

    public static string Usage(PromoView promo) =>
        promo.UsageLimit is { } limit ? $"{promo.Used} / {limit}" : $"{promo.Used} / no limit";

    public static string PerCustomer(PromoView promo) =>
        promo.PerCustomerLimit is { } limit ? $"{limit} per customer" : "no limit per customer";
}
