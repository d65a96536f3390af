using System.Globalization;
using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Catalog;

/// <summary>What an admin sets of a product, the same whether it is new or changed; amounts in minor units.</summary>
public interface IProductTerms
{
    string? Name { get; }
    string? Description { get; }
    string? Category { get; }
    long? PriceMinor { get; }
    int? WeightGrams { get; }
    bool Hot { get; }
    string? Currency { get; }
}

/// <summary>A product's terms as an admin changes them: each replaces what the product had.</summary>
/// <param name="Description">Plain text, shown as written with its line breaks; empty for none.</param>
/// <param name="PriceMinor">Required, in minor units of the store's currency.</param>
/// <param name="WeightGrams">Required: 0 is a product that ships by no weight, and a missing weight must not pass for one.</param>
/// <param name="Hot">Sold as a hot item (its stock is counted in Redis where Redis is configured, from the counters' next pass).</param>
/// <param name="Currency">The store's currency, or none; a price in any other is refused (a store has one currency).</param>
public sealed record ProductInput(
    string? Name, string? Description, string? Category, long? PriceMinor, int? WeightGrams, bool Hot = false, string? Currency = null)
    : IProductTerms;

/// <summary>A new product: its SKU (saved in capitals), its terms and the units it opens with.</summary>
/// <param name="Stock">Units on sale from the start (0 when not given), audited as the opening adjustment of its stock.</param>
public sealed record NewProductInput(
    string? Sku, string? Name, string? Description, string? Category, long? PriceMinor, int? WeightGrams, bool Hot = false, int Stock = 0,
    string? Currency = null)
    : IProductTerms;

/// <summary>A product as the back office shows it, with its stock.</summary>
/// <param name="Archived">No longer sold: not listed, refused in carts and checkouts; its orders keep it.</param>
/// <param name="ImageVersion">The current picture's version; null when it has none.</param>
/// <param name="Available">Units on sale now.</param>
/// <param name="Reserved">Units held by open checkouts and waitlist offers.</param>
/// <param name="Sold">Units orders took.</param>
public sealed record ProductAdminView(
    string Sku, string Name, string Description, string Category, long PriceMinor, string Currency, int WeightGrams, bool Hot,
    bool Archived, string? ImageVersion, string? ImageAlt, int Available, int Reserved, int Sold);

/// <summary>Which products the admin's list shows, and which page of them.</summary>
/// <param name="Search">A part of the SKU or of the name, case aside.</param>
/// <param name="Category">One category, exactly as it is written.</param>
/// <param name="IncludeArchived">Archived products too; without it only those on sale.</param>
/// <param name="Page">From 1.</param>
public sealed record ProductFilter(string? Search = null, string? Category = null, bool IncludeArchived = false, int Page = 1, int PageSize = 20);

/// <summary>A page of the admin's product list, by name, and how many products match in all.</summary>
public sealed record ProductPage(IReadOnlyList<ProductAdminView> Items, int Page, int PageSize, int Total);

/// <summary>
/// Store admins run the catalog: products are listed, created, changed and archived, never deleted (orders and carts
/// name them). Each write is one transaction, and once it is committed every instance's catalog snapshot reads the
/// catalog again (<see cref="ProductChanged"/>): the storefront lists the change, and a cart prices its lines from the
/// database at once (a line added at the old price shows "was, now" until the shopper accepts it). Refusals carry each
/// field's messages in <see cref="Error.Details"/> under <c>errors</c>, by the field's JSON name.
/// </summary>
public sealed class ProductAdminService(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CheckoutEvents events)
{
    public const int MaxPageSize = 200;
    public const int MaxSearchLength = 100;

    private static readonly TermsRules<ProductInput> ChangeChecks = new();
    private static readonly NewProductRules NewChecks = new();

    /// <summary>One page of the products that match, by name (then SKU), with the number that match in all.</summary>
    public async Task<Result<ProductPage>> ListAsync(ProductFilter filter, CancellationToken ct = default)
    {
        if (filter.Page < 1 || filter.PageSize is < 1 or > MaxPageSize)
        {
            return Error.Validation($"Pages start at 1 and hold 1–{MaxPageSize} products.");
        }
        if ((long)filter.Page * filter.PageSize > int.MaxValue)
        {
            // The offset of such a page does not fit the query's int and would wrap round to the first page.
            return Error.Validation("That page is beyond the end of any product list.");
        }
        if (!InputRules.IsText(filter.Search, MaxSearchLength, required: false) || !InputRules.IsText(filter.Category, Product.MaxCategoryLength, required: false))
        {
            return Error.Validation($"A search is at most {MaxSearchLength} printable characters, a category at most {Product.MaxCategoryLength}.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var products = db.Products.AsNoTracking();
        if (!filter.IncludeArchived)
        {
            products = products.Where(p => p.Active);
        }
        if (!string.IsNullOrWhiteSpace(filter.Category))
        {
            var category = filter.Category.Trim();
            products = products.Where(p => p.Category == category);
        }
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim().ToLowerInvariant();
            products = products.Where(p => p.Sku.ToLower().Contains(term) || p.Name.ToLower().Contains(term));
        }
        var total = await products.CountAsync(ct);
        var items = await Views(db, products).Skip((filter.Page - 1) * filter.PageSize).Take(filter.PageSize).ToListAsync(ct);
        return new ProductPage(items, filter.Page, filter.PageSize, total);
    }

    /// <summary>Every category a product has, archived ones included, in order: what the list filters by.</summary>
    public async Task<IReadOnlyList<string>> CategoriesAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var categories = await db.Products.AsNoTracking().Select(p => p.Category).Distinct().ToListAsync(ct);
        return [.. categories.Order(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The product with its stock, archived or not.</summary>
    public async Task<Result<ProductAdminView>> GetAsync(string sku, CancellationToken ct = default)
    {
        if (InputRules.Sku(sku?.Trim()) is { } skuError)
        {
            return skuError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ViewAsync(db, Normalized(sku!), ct);
    }

    /// <summary>
    /// Adds a product on sale with its opening stock, in one transaction: the product, its stock and the audit row of
    /// that stock (<paramref name="actor"/> is who is named there). A SKU that exists already, archived or not, is
    /// refused (<c>conflict</c>); of two admins adding the same SKU at once, the database's key lets one through.
    /// </summary>
    /// <param name="requestId">
    /// Names the request: the same request run again (resumed after a crash) answers with the product it added; any
    /// other request for that SKU is refused.
    /// </param>
    public async Task<Result<ProductAdminView>> CreateAsync(NewProductInput input, string actor, Guid? requestId = null, CancellationToken ct = default)
    {
        if ((FieldErrors.Check(NewChecks, input, "the product") ?? AuditLog.CheckActor(actor)) is { } invalid)
        {
            return invalid;
        }
        var sku = Normalized(input.Sku!);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Products.AnyAsync(p => p.Sku == sku, ct))
        {
            return await ExistingAsync(db, sku, requestId, ct);
        }
        // No icon: a product is shown by its picture, or a placeholder until it has one.
        var product = new Product(
            sku, input.Name!.Trim(), input.Category!.Trim(), icon: "", input.PriceMinor!.Value, Money.DefaultCurrency, input.Hot,
            input.Description ?? "", input.WeightGrams!.Value);
        db.Products.Add(product);
        var now = clock.GetUtcNow();
        InventoryAdminService.OpenStock(db, sku, input.Stock, actor.Trim(), now, requestId);
        AuditLog.Record(db, actor, "product.created", AuditSubject.Product(sku), before: null, ProductState.Of(product) with { Stock = input.Stock }, now, requestId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Added by another request between the check and the insert: the primary key decided.
            db.ChangeTracker.Clear();
            return await ExistingAsync(db, sku, requestId, ct);
        }
        await events.PublishAsync(new ProductChanged(sku));
        await events.PublishStockAsync([sku], ct);
        return await ViewAsync(db, sku, ct);
    }

    /// <summary>
    /// Replaces the product's terms, archived or not. A new price applies to every cart's next read at once (a line
    /// added at the old price shows "was, now" until the shopper accepts it); open checkouts keep the price they locked.
    /// Recorded as <c>product.updated</c> by <paramref name="actor"/>, with the terms before and after.
    /// </summary>
    public async Task<Result<ProductAdminView>> ChangeAsync(string sku, ProductInput input, string actor, CancellationToken ct = default)
    {
        if ((InputRules.Sku(sku?.Trim()) ?? AuditLog.CheckActor(actor)) is { } inputError)
        {
            return inputError;
        }
        if (FieldErrors.Check(ChangeChecks, input, "the product") is { } invalid)
        {
            return invalid;
        }
        return await ChangeAsync(Normalized(sku!), actor, "product.updated", product =>
        {
            product.Change(input.Name!, input.Description, input.Category!, input.WeightGrams!.Value, input.Hot);
            product.ChangePrice(input.PriceMinor!.Value);
        }, ct);
    }

    /// <summary>
    /// Stops selling the product: it is no longer listed, and carts and checkouts refuse it as they refuse any product
    /// the shop no longer sells. Its orders, stock and history stay as they are. Archiving an archived product changes
    /// nothing, and leaves no entry in the audit log (<c>product.archived</c>).
    /// </summary>
    public Task<Result<ProductAdminView>> ArchiveAsync(string sku, string actor, CancellationToken ct = default) => SetArchivedAsync(sku, archived: true, actor, ct);

    /// <summary>Sells an archived product again, with the terms and stock it has (<c>product.unarchived</c> in the audit log).</summary>
    public Task<Result<ProductAdminView>> UnarchiveAsync(string sku, string actor, CancellationToken ct = default) => SetArchivedAsync(sku, archived: false, actor, ct);

    private async Task<Result<ProductAdminView>> SetArchivedAsync(string sku, bool archived, string actor, CancellationToken ct)
    {
        if ((InputRules.Sku(sku?.Trim()) ?? AuditLog.CheckActor(actor)) is { } inputError)
        {
            return inputError;
        }
        return await ChangeAsync(Normalized(sku!), actor, archived ? "product.archived" : "product.unarchived", product =>
        {
            if (archived)
            {
                product.Deactivate();
            }
            else
            {
                product.Reactivate();
            }
        }, ct);
    }

    /// <summary>
    /// Loads the product, applies <paramref name="change"/>, saves it in one transaction with its audit entry (none when
    /// the change left the product as it was) and announces it.
    /// </summary>
    private async Task<Result<ProductAdminView>> ChangeAsync(string sku, string actor, string action, Action<Product> change, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.Products.FirstOrDefaultAsync(p => p.Sku == sku, ct) is not { } product)
        {
            return NotFound(sku);
        }
        var before = ProductState.Of(product);
        change(product);
        if (ProductState.Of(product) is var after && after != before)
        {
            AuditLog.Record(db, actor, action, AuditSubject.Product(sku), before, after, clock.GetUtcNow());
        }
        await db.SaveChangesAsync(ct);
        await events.PublishAsync(new ProductChanged(sku));
        return await ViewAsync(db, sku, ct);
    }

    /// <summary>The product a request found existing: the one it added itself when it is that request run again, else a refusal.</summary>
    private static async Task<Result<ProductAdminView>> ExistingAsync(CheckoutDbContext db, string sku, Guid? requestId, CancellationToken ct)
    {
        if (requestId is { } id && await InventoryAdminService.OpenedByAsync(db, sku, id, ct))
        {
            return await ViewAsync(db, sku, ct);
        }
        var message = $"A product with the SKU {sku} exists already (SKUs are never reused, archived products keep theirs): choose another SKU.";
        return FieldErrors.Refusal(ErrorCodes.Conflict, message, [(nameof(NewProductInput.Sku), [message])]);
    }

    private static async Task<Result<ProductAdminView>> ViewAsync(CheckoutDbContext db, string sku, CancellationToken ct) =>
        await Views(db, db.Products.AsNoTracking().Where(p => p.Sku == sku)).FirstOrDefaultAsync(ct) is { } view ? view : NotFound(sku);

    /// <summary>The products with their stock (none for a product without a stock row), by name then SKU.</summary>
    private static IQueryable<ProductAdminView> Views(CheckoutDbContext db, IQueryable<Product> products) =>
        from p in products
        join i in db.Inventory.AsNoTracking() on p.Sku equals i.Sku into stock
        from i in stock.DefaultIfEmpty()
        orderby p.Name, p.Sku
        select new ProductAdminView(
            p.Sku, p.Name, p.Description, p.Category, p.PriceMinor, p.Currency, p.WeightGrams, p.IsHot, !p.Active,
            p.ImageVersion, p.ImageAlt, i == null ? 0 : i.Quantity, i == null ? 0 : i.Reserved, i == null ? 0 : i.Sold);

    private static Error NotFound(string sku) => Error.NotFound($"The product {sku}");

    /// <summary>SKUs are kept in capitals, as promo codes are: "cof-mug" and "COF-MUG" are one product.</summary>
    private static string Normalized(string sku) => InputRules.NormalizeCode(sku);

    /// <summary>A product's terms as the audit log records them; <see cref="Stock"/> only for the units a new product opens with.</summary>
    private sealed record ProductState(
        string Name, string Description, string Category, long PriceMinor, string Currency, int WeightGrams, bool Hot, bool Archived, int? Stock = null)
    {
        public static ProductState Of(Product p) => new(p.Name, p.Description, p.Category, p.PriceMinor, p.Currency, p.WeightGrams, p.IsHot, !p.Active);
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The rules of a product's terms, one message per field, in the store's own words.</summary>
    private sealed class TermsRules<T> : AbstractValidator<T>
        where T : IProductTerms
    {
        public TermsRules()
        {
            RuleLevelCascadeMode = CascadeMode.Stop;
            RuleFor(x => x.Name)
                .Must(name => InputRules.IsText(name, Product.MaxNameLength, required: true))
                .WithMessage($"Name the product in 1–{Product.MaxNameLength} printable characters.");
            RuleFor(x => x.Description)
                .Must(text => (text?.Trim().Length ?? 0) <= Product.MaxDescriptionLength)
                .WithMessage($"A description is at most {Count(Product.MaxDescriptionLength)} characters.")
                .Must(Product.IsPlainText)
                .WithMessage("A description is plain text: line breaks are kept, but no other control characters and no markup such as <b>.");
            RuleFor(x => x.Category)
                .Must(category => InputRules.IsText(category, Product.MaxCategoryLength, required: true))
                .WithMessage($"Name the category in 1–{Product.MaxCategoryLength} printable characters.");
            RuleFor(x => x.PriceMinor)
                .NotNull().WithMessage("Enter the price.")
                .InclusiveBetween(1, Product.MaxPriceMinor)
                .WithMessage($"The price is more than 0 and at most {Money.Format(Product.MaxPriceMinor, Money.DefaultCurrency)}.");
            RuleFor(x => x.Currency)
                .Must(currency => string.IsNullOrWhiteSpace(currency) || string.Equals(currency.Trim(), Money.DefaultCurrency, StringComparison.OrdinalIgnoreCase))
                .WithMessage($"Prices are in {Money.DefaultCurrency}, the store's currency: a price in another currency cannot be set.");
            RuleFor(x => x.WeightGrams)
                .NotNull().WithMessage("Enter the shipping weight in grams (0 for a product that ships by no weight).")
                .InclusiveBetween(0, Product.MaxWeightGrams)
                .WithMessage($"The weight is 0 to {Count(Product.MaxWeightGrams)} g.");
        }
    }

    private sealed class NewProductRules : AbstractValidator<NewProductInput>
    {
        public NewProductRules()
        {
            RuleLevelCascadeMode = CascadeMode.Stop;
            RuleFor(x => x.Sku)
                .Must(sku => InputRules.Sku(sku?.Trim()) is null)
                .WithMessage("A SKU is 1–32 letters, digits or dashes.");
            Include(new TermsRules<NewProductInput>());
            RuleFor(x => x.Stock)
                .InclusiveBetween(0, InventoryAdminService.MaxAdjustment)
                .WithMessage($"A new product opens with 0 to {Count(InventoryAdminService.MaxAdjustment)} units; restock it later on the inventory page.");
        }
    }
}
