namespace Checkout.Data.Migrations;

/// <summary>
/// SQL, the same on every provider, that ends the extra open checkouts a cart could have before one open checkout
/// per cart became a unique index: the newest stays open, the others expire and give back their promo uses.
/// </summary>
internal static class DuplicateOpenCheckouts
{
    private const string Older =
        "SELECT s.\"Id\" FROM checkout_sessions s WHERE s.\"Status\" = 'Open' AND EXISTS (" +
        "SELECT 1 FROM checkout_sessions n WHERE n.\"CartId\" = s.\"CartId\" AND n.\"Status\" = 'Open' AND n.\"Id\" > s.\"Id\")";

    public const string ReleasePromoUses =
        "UPDATE promo_codes SET \"Used\" = \"Used\" - (SELECT COUNT(*) FROM promo_redemptions r " +
        "WHERE r.\"Code\" = promo_codes.\"Code\" AND r.\"Status\" = 'Reserved' AND r.\"CheckoutSessionId\" IN (" + Older + ")) " +
        "WHERE \"Code\" IN (SELECT r.\"Code\" FROM promo_redemptions r WHERE r.\"Status\" = 'Reserved' AND r.\"CheckoutSessionId\" IN (" + Older + "))";

    public const string ReleaseRedemptions =
        "UPDATE promo_redemptions SET \"Status\" = 'Released' WHERE \"Status\" = 'Reserved' AND \"CheckoutSessionId\" IN (" + Older + ")";

    public const string Expire =
        "UPDATE checkout_sessions SET \"Status\" = 'Expired' WHERE \"Id\" IN (" + Older + ")";
}
