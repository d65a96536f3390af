using Checkout.Data.Catalog.Images;
using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Checkout.Data.Catalog;

/// <summary>A product's picture as the back office shows it.</summary>
/// <param name="ProductName">What the text alternative is when none is given.</param>
/// <param name="Version">What every address of the picture carries; null when the product has no picture.</param>
/// <param name="Alt">The picture's text alternative; null when the product has no picture.</param>
/// <param name="Sizes">The renditions stored, narrowest first; empty when the product has no picture.</param>
public sealed record ProductImageView(string Sku, string ProductName, string? Version, string? Alt, IReadOnlyList<ProductImageSize> Sizes)
{
    public bool HasImage => Version is not null;
}

/// <summary>A product's current picture as its addresses name it: the version they carry, and its text alternative.</summary>
/// <param name="ProductName">What the text alternative is when none is given.</param>
public sealed record CurrentProductImage(string Sku, string ProductName, string Version, string? Alt);

/// <summary>One stored rendition's size, in pixels and in bytes.</summary>
public sealed record ProductImageSize(int Width, int Height, int Bytes);

/// <summary>One rendition as it is served: its bytes with their type and strong ETag, and the product's current picture version.</summary>
/// <param name="ETag">Quoted, as the header writes it.</param>
/// <param name="Version">The version of the product's picture now: an address carrying another one is out of date.</param>
public sealed record StoredProductImage(string Sku, int Width, int Height, string ContentType, byte[] Bytes, string ETag, string Version);

/// <summary>
/// The products' pictures, kept in the database (table <c>product_images</c>), which every instance of the shop reads:
/// a picture uploaded through one instance is served by all of them, with nothing to copy between machines. An upload
/// is processed (<see cref="ProductImageProcessor"/>) before anything is written, so a refused file stores nothing and
/// leaves the picture there was; an accepted one replaces the product's renditions and its <see cref="Product.ImageVersion"/>
/// in one transaction, so a reader sees the old picture or the new one, never a mix. Each change is announced as a
/// <see cref="ProductChanged"/>, so the storefront's catalog snapshot of every instance shows the new picture at once.
/// </summary>
public sealed partial class ProductImageStore(
    IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CheckoutEvents events, ProductImageRules rules, ILogger<ProductImageStore> logger)
{
    /// <summary>The rendition closest to the width asked for: that width, the narrowest one wider, or else the widest.</summary>
    private static readonly CompiledQuery<Func<CheckoutDbContext, string, int, CancellationToken, Task<StoredProductImage?>>> Rendition = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, string sku, int width, CancellationToken ct) => (
            from i in db.ProductImages.AsNoTracking()
            join p in db.Products.AsNoTracking() on i.Sku equals p.Sku
            where i.Sku == sku && p.ImageVersion != null
            orderby (i.Width >= width ? 0 : 1), (i.Width >= width ? i.Width : -i.Width)
            select new StoredProductImage(i.Sku, i.Width, i.Height, i.ContentType, i.Bytes, i.ETag, p.ImageVersion!))
            .FirstOrDefault()));

    /// <summary>The limits uploads are held to, for a form or a request size limit to follow.</summary>
    public ProductImageRules Rules => rules;

    /// <summary>The product's picture (none is a picture-less view, not a failure); not found for an unknown SKU.</summary>
    public async Task<Result<ProductImageView>> FindAsync(string sku, CancellationToken ct = default)
    {
        if (InputRules.Sku(sku) is { } skuError)
        {
            return skuError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Sku == sku, ct);
        return product is null ? Error.NotFound($"The product {sku}") : await ViewAsync(db, product, ct);
    }

    /// <summary>
    /// The current pictures of those of <paramref name="skus"/> that have one, archived products' included (an order
    /// goes on showing what was bought): for the lines of a cart, a checkout or an order. One query.
    /// </summary>
    public async Task<IReadOnlyList<CurrentProductImage>> CurrentAsync(IEnumerable<string> skus, CancellationToken ct = default)
    {
        string[] wanted = [.. skus.Distinct(StringComparer.Ordinal)];
        if (wanted.Length == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Products.AsNoTracking()
            .Where(p => wanted.Contains(p.Sku) && p.ImageVersion != null)
            .Select(p => new CurrentProductImage(p.Sku, p.Name, p.ImageVersion!, p.ImageAlt))
            .ToListAsync(ct);
    }

    /// <summary>
    /// Makes <paramref name="upload"/> the product's picture, described by <paramref name="alt"/> (the product's name
    /// when blank). The upload is read and processed first: a refusal (<c>image-*</c>, see
    /// <see cref="ProductImageProcessor.Process"/>), an unknown SKU or an alt text that is not plain text stores
    /// nothing and keeps the picture the product had. The last of two uploads at once wins whole.
    /// </summary>
    /// <param name="actor">Who uploaded it, for the log and the audit log (<c>product.image.set</c>, in the upload's transaction).</param>
    public async Task<Result<ProductImageView>> SetAsync(string sku, Stream upload, string? alt, string actor, CancellationToken ct = default)
    {
        if (Check(sku, alt, actor) is { } invalid)
        {
            return invalid;
        }
        var processed = await ProductImageProcessor.ProcessAsync(upload, rules, ct);
        return processed.IsSuccess ? await SetAsync(sku, processed.Value, alt, actor, ct) : processed.Error;
    }

    /// <summary>
    /// As <see cref="SetAsync(string, Stream, string?, string, CancellationToken)"/>, with a picture already processed
    /// (the demo catalog's, drawn once per process).
    /// </summary>
    public async Task<Result<ProductImageView>> SetAsync(string sku, ProcessedImage image, string? alt, string actor, CancellationToken ct = default)
    {
        if (Check(sku, alt, actor) is { } invalid)
        {
            return invalid;
        }
        var version = VersionOf(image.Largest.ETag);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Products.FirstOrDefaultAsync(p => p.Sku == sku, ct) is not { } product)
        {
            return Error.NotFound($"The product {sku}");
        }
        // The product's row first: its lock queues a second upload of the same product behind this one, which then
        // deletes this one's renditions instead of colliding with them.
        var before = Picture(product);
        product.ShowImage(version, TextAlternative(alt, product));
        await db.SaveChangesAsync(ct);
        await db.ProductImages.Where(i => i.Sku == sku).ExecuteDeleteAsync(ct);
        var now = clock.GetUtcNow();
        AuditLog.Record(db, actor, "product.image.set", AuditSubject.Product(sku), before, Picture(product), now);
        db.ProductImages.AddRange(image.Renditions.Select(r => new ProductImage(sku, r.Width, r.Height, r.ContentType, r.Bytes, r.ETag, now)));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogSet(sku, version, image.Renditions.Count, actor);
        await events.PublishAsync(new ProductChanged(sku));
        return View(product, image.Renditions.Select(r => new ProductImageSize(r.Width, r.Height, r.Bytes.Length)));
    }

    /// <summary>
    /// Describes the product's picture anew (<paramref name="alt"/>; the product's name when blank), keeping the
    /// picture: no new version, so the addresses and caches stay. A product without a picture is refused.
    /// </summary>
    public async Task<Result<ProductImageView>> ChangeAltAsync(string sku, string? alt, string actor, CancellationToken ct = default)
    {
        if (Check(sku, alt, actor) is { } invalid)
        {
            return invalid;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Products.FirstOrDefaultAsync(p => p.Sku == sku, ct) is not { } product)
        {
            return Error.NotFound($"The product {sku}");
        }
        if (product.ImageVersion is not { } version)
        {
            return Error.Validation($"The product {sku} has no picture to describe: upload one first.");
        }
        var before = Picture(product);
        product.ShowImage(version, TextAlternative(alt, product));
        AuditLog.Record(db, actor, "product.image.described", AuditSubject.Product(sku), before, Picture(product), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        LogDescribed(sku, actor);
        await events.PublishAsync(new ProductChanged(sku));
        return await ViewAsync(db, product, ct);
    }

    /// <summary>Takes the product's picture away (the storefront shows a placeholder); a product without one is left as it is.</summary>
    public async Task<Result<ProductImageView>> RemoveAsync(string sku, string actor, CancellationToken ct = default)
    {
        if ((InputRules.Sku(sku) ?? AuditLog.CheckActor(actor)) is { } inputError)
        {
            return inputError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (await db.Products.FirstOrDefaultAsync(p => p.Sku == sku, ct) is not { } product)
        {
            return Error.NotFound($"The product {sku}");
        }
        var had = product.ImageVersion is not null;
        if (had)
        {
            AuditLog.Record(db, actor, "product.image.removed", AuditSubject.Product(sku), Picture(product), after: null, clock.GetUtcNow());
        }
        product.RemoveImage();
        await db.SaveChangesAsync(ct);
        await db.ProductImages.Where(i => i.Sku == sku).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        if (had)
        {
            LogRemoved(sku, actor);
            await events.PublishAsync(new ProductChanged(sku));
        }
        return View(product, []);
    }

    /// <summary>
    /// The rendition to send for a picture shown <paramref name="width"/> pixels wide: that width, else the narrowest
    /// wider one, else the widest there is (a picture is never enlarged, so a small one has no wide renditions). Null
    /// when the product is unknown or has no picture. One query.
    /// </summary>
    public async Task<StoredProductImage?> GetAsync(string sku, int width, CancellationToken ct = default)
    {
        if (InputRules.Sku(sku) is not null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Rendition.For(db)(db, sku, width, ct);
    }

    /// <summary>The version a picture is addressed by: its largest rendition's ETag without the quotes, base64url already.</summary>
    public static string VersionOf(string etag) => etag.Trim('"');

    /// <summary>The refusal of a SKU or an alt text before anything is read: a bad request stores nothing.</summary>
    private static Error? Check(string sku, string? alt, string actor) =>
        InputRules.Sku(sku) ?? (string.IsNullOrWhiteSpace(alt) || Product.IsImageAlt(Normalize(alt)) ? null
            : Error.Validation($"The text alternative is plain text of at most {Product.MaxImageAltLength} characters, without markup."))
        ?? AuditLog.CheckActor(actor);

    /// <summary>The product's picture as the audit log records it: its version and its text alternative.</summary>
    private static object Picture(Product product) => new { product.ImageVersion, product.ImageAlt };

    /// <summary>The alt text given, on one line with single spaces, or the product's name when none is given.</summary>
    private static string TextAlternative(string? alt, Product product)
    {
        if (!string.IsNullOrWhiteSpace(alt))
        {
            return Normalize(alt);
        }
        // A name is at most half as long as an alt text may be; one that would not pass as one (markup) gives way to the SKU.
        var name = Normalize(product.Name);
        return Product.IsImageAlt(name) ? name : product.Sku;
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static async Task<ProductImageView> ViewAsync(CheckoutDbContext db, Product product, CancellationToken ct)
    {
        var sizes = await db.ProductImages.AsNoTracking().Where(i => i.Sku == product.Sku).OrderBy(i => i.Width)
            .Select(i => new ProductImageSize(i.Width, i.Height, i.Bytes.Length)).ToListAsync(ct);
        return View(product, sizes);
    }

    private static ProductImageView View(Product product, IEnumerable<ProductImageSize> sizes) =>
        new(product.Sku, product.Name, product.ImageVersion, product.ImageAlt, product.ImageVersion is null ? [] : [.. sizes.OrderBy(s => s.Width)]);

    [LoggerMessage(LogLevel.Information, "The picture of {Sku} is now {Version} ({Renditions} renditions), set by {Actor}")]
    private partial void LogSet(string sku, string version, int renditions, string actor);

    [LoggerMessage(LogLevel.Information, "The text alternative of the picture of {Sku} was changed by {Actor}")]
    private partial void LogDescribed(string sku, string actor);

    [LoggerMessage(LogLevel.Information, "The picture of {Sku} was removed by {Actor}")]
    private partial void LogRemoved(string sku, string actor);
}
