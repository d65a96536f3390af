using Checkout.Data.Catalog;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Operations;

/// <summary>The demo shop: products in three categories (a few nearly sold out, one hot item) and promo codes of every kind.</summary>
public static class DemoCatalog
{
    public const string HotSku = "HOT-ESPRESSO";

    public static async Task SeedAsync(CheckoutDbContext db, TimeProvider clock, CancellationToken ct = default)
    {
        if (await db.Products.AnyAsync(ct))
        {
            return;
        }
        (Product Product, int Stock)[] items =
        [
            (new Product("COF-ESPRESSO", "Espresso Beans 1 kg", "Coffee", "☕", 2490), 40),
            (new Product("COF-FILTER", "Filter Roast 500 g", "Coffee", "🫘", 1290), 60),
            (new Product("COF-GRINDER", "Burr Grinder", "Coffee", "⚙️", 8900), 3),
            (new Product("COF-KETTLE", "Gooseneck Kettle", "Coffee", "🫖", 5400), 12),
            (new Product("TEA-SENCHA", "Sencha Green Tea", "Tea", "🍵", 1590), 35),
            (new Product("TEA-EARLGREY", "Earl Grey Tin", "Tea", "🫙", 990), 50),
            (new Product("TEA-MATCHA", "Ceremonial Matcha", "Tea", "🌿", 3290), 2),
            (new Product("TEA-INFUSER", "Steel Infuser", "Tea", "🧂", 790), 80),
            (new Product("GEAR-MUG", "Stoneware Mug", "Gear", "🍶", 1490), 45),
            (new Product("GEAR-FLASK", "Insulated Flask", "Gear", "🧴", 2990), 1),
            (new Product("GEAR-SCALE", "Brewing Scale", "Gear", "⚖️", 3990), 20),
            (new Product("GEAR-TOTE", "Canvas Tote", "Gear", "👜", 1900), 30),
            (new Product(HotSku, "Limited Espresso Machine", "Gear", "🔥", 49900, isHot: true), 100),
        ];
        db.Products.AddRange(items.Select(i => i.Product));
        db.Inventory.AddRange(items.Select(i => new InventoryItem(i.Product.Sku, i.Stock)));

        var now = clock.GetUtcNow();
        db.PromoCodes.AddRange(
            new PromoCode("WELCOME10", PromoKind.Percentage, 10),
            new PromoCode("FIVEOFF", PromoKind.FixedAmount, 500, minSubtotalMinor: 2000),
            new PromoCode("FREESHIP", PromoKind.FreeShipping, 0),
            new PromoCode("TEA20", PromoKind.Percentage, 20, scopeCategory: "Tea"),
            new PromoCode("ONCE", PromoKind.Percentage, 25, usageLimit: 1),
            new PromoCode("SUMMER", PromoKind.Percentage, 15, startsAt: now.AddYears(-1), endsAt: now.AddMonths(-6)));
        await db.SaveChangesAsync(ct);
    }
}
