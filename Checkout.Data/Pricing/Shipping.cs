namespace Checkout.Data.Pricing;

/// <summary>The shipping rule: a flat rate below the free-shipping threshold (after discounts), free above it or with a free-shipping code.</summary>
public static class Shipping
{
    public static long PriceMinor(long afterDiscountMinor, bool freeShipping, CheckoutOptions options) =>
        freeShipping || afterDiscountMinor >= options.FreeShippingFromMinor ? 0 : options.ShippingMinor;
}
