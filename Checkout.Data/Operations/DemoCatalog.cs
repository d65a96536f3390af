using System.Collections.Concurrent;
using Checkout.Data.Catalog;
using Checkout.Data.Catalog.Images;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Operations;

/// <summary>
/// The demo shop: products in three categories (a few nearly sold out, one hot item), each with a description and a
/// shipping weight, and promo codes of every kind.
/// </summary>
public static class DemoCatalog
{
    public const string HotSku = "HOT-ESPRESSO";

    /// <summary>
    /// The side of a drawn demo picture: two renditions (160 and 320 pixels), drawn and encoded for the whole catalog in
    /// about a tenth of a second. A card's wider choices are served the 320 one, which flat shapes and two letters bear.
    /// </summary>
    private const int PictureSize = 320;

    /// <summary>Drawn once per process however many shops start in it (the tests start hundreds), by name and category.</summary>
    private static readonly ConcurrentDictionary<(string Name, string Category), Lazy<ProcessedImage>> Pictures = new();

    public static async Task SeedAsync(CheckoutDbContext db, TimeProvider clock, CancellationToken ct = default)
    {
        if (await db.Products.AnyAsync(ct))
        {
            return;
        }
        var items = Items();
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

    /// <summary>
    /// Gives each demo product that has no picture its drawn one (<see cref="DemoImages"/>: the category's colour and
    /// shape with the name's initials), through the store like an upload, so a new shop shows pictures without a file
    /// shipped. A demo product whose picture was removed gets it back at the next start; one given another keeps it.
    /// </summary>
    public static async Task SeedPicturesAsync(CheckoutDbContext db, ProductImageStore store, CancellationToken ct = default)
    {
        List<string> skus = [.. Items().Select(i => i.Product.Sku)];
        var bare = await db.Products.AsNoTracking().Where(p => skus.Contains(p.Sku) && p.ImageVersion == null)
            .Select(p => new { p.Sku, p.Name, p.Category }).ToListAsync(ct);
        // Drawn on every core first; then stored one by one.
        var pictures = bare.AsParallel().AsOrdered().Select(p => Picture(p.Name, p.Category)).ToList();
        foreach (var (product, picture) in bare.Zip(pictures))
        {
            var set = await store.SetAsync(product.Sku, picture, alt: null, actor: "the demo catalog", ct);
            if (!set.IsSuccess && set.Error.Code != ErrorCodes.NotFound)
            {
                throw new InvalidOperationException($"The demo picture of {product.Sku} was refused: {set.Error.Message}");
            }
        }
    }

    private static ProcessedImage Picture(string name, string category) =>
        Pictures.GetOrAdd((name, category), key => new Lazy<ProcessedImage>(() =>
            ProductImageProcessor.Process(DemoImages.Render(key.Name, key.Category, PictureSize)).Value
                ?? throw new InvalidOperationException($"The demo picture of {key.Name} was refused."))).Value;

    /// <summary>The demo products with their opening stock, made anew for each call.</summary>
    private static (Product Product, int Stock)[] Items() =>
    [
        (new Product("COF-ESPRESSO", "Espresso Beans 1 kg", "Coffee", "☕", 2490,
            description: "Dark-roasted beans from Brazil and Ethiopia for espresso: chocolate, caramel and a long finish. Whole beans, roasted weekly.",
            weightGrams: 1_050), 40),
        (new Product("COF-FILTER", "Filter Roast 500 g", "Coffee", "🫘", 1290,
            description: "A light Kenyan roast for pour-over and drip, bright with blackcurrant and citrus. Whole beans.",
            weightGrams: 530), 60),
        (new Product("COF-GRINDER", "Burr Grinder", "Coffee", "⚙️", 8900,
            description: "Conical steel burrs with 40 settings, from espresso-fine to French-press coarse, and a 250 g hopper.",
            weightGrams: 2_800), 3),
        (new Product("COF-KETTLE", "Gooseneck Kettle", "Coffee", "🫖", 5400,
            description: "A 1-litre stainless-steel kettle with a slim spout for a slow, steady pour. For gas, electric and induction hobs.",
            weightGrams: 1_100), 12),
        (new Product("TEA-SENCHA", "Sencha Green Tea", "Tea", "🍵", 1590,
            description: "Steamed Japanese green tea, 100 g of loose leaves: grassy and sweet. Brew at 70–80 °C for a minute.",
            weightGrams: 120), 35),
        (new Product("TEA-EARLGREY", "Earl Grey Tin", "Tea", "🫙", 990,
            description: "Black tea scented with bergamot, 125 g of loose leaves in a resealable tin.",
            weightGrams: 180), 50),
        (new Product("TEA-MATCHA", "Ceremonial Matcha", "Tea", "🌿", 3290,
            description: "Stone-ground first-harvest matcha, 30 g. Whisk it with water at 80 °C.",
            weightGrams: 80), 2),
        (new Product("TEA-INFUSER", "Steel Infuser", "Tea", "🧂", 790,
            description: "A fine-mesh steel basket for most mugs and teapots; its lid doubles as a drip tray.",
            weightGrams: 60), 80),
        (new Product("GEAR-MUG", "Stoneware Mug", "Gear", "🍶", 1490,
            description: "A hand-glazed 350 ml stoneware mug, safe in the dishwasher and the microwave.",
            weightGrams: 400), 45),
        (new Product("GEAR-FLASK", "Insulated Flask", "Gear", "🧴", 2990,
            description: "A double-walled 500 ml steel flask that keeps drinks hot for 12 hours and cold for 24.",
            weightGrams: 450), 1),
        (new Product("GEAR-SCALE", "Brewing Scale", "Gear", "⚖️", 3990,
            description: "Weighs to 0.1 g up to 2 kg, with a built-in timer for brews that come out the same every time.",
            weightGrams: 500), 20),
        (new Product("GEAR-TOTE", "Canvas Tote", "Gear", "👜", 1900,
            description: "A heavy cotton canvas tote with an inside pocket, big enough for a week's beans and a flask.",
            weightGrams: 250), 30),
        (new Product(HotSku, "Limited Espresso Machine", "Gear", "🔥", 49900, isHot: true,
            description: "A dual-boiler espresso machine with a temperature-controlled group head and a steam wand, made in a limited run.",
            weightGrams: 9_500), 100),
    ];
}
