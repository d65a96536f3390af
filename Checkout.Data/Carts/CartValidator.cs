using Checkout.Data.Catalog;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Carts;

public sealed record StockShortage(string Sku, int Requested, int Available);

/// <summary>Prices a cart from the database and lists what is wrong with it. A client's price is never read.</summary>
internal static class CartValidator
{
    private static readonly CompiledQuery<Func<CheckoutDbContext, List<string>, IAsyncEnumerable<StockRow>>> Stock = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, List<string> skus) => db.Products.AsNoTracking()
            .Where(p => skus.Contains(p.Sku) && p.Active)
            .Join(db.Inventory, p => p.Sku, i => i.Sku, (p, i) => new StockRow(p, i.Quantity))));

    public static async Task<CartView> PriceAsync(CheckoutDbContext db, Cart cart, CancellationToken ct) =>
        (await PriceWithProductsAsync(db, cart, ct)).View;

    /// <summary>
    /// As <see cref="PriceAsync"/>, with each priced product as it was read (its category, what promo scopes match, and
    /// its weight, what delivery rates per kilogram charge), from the same read.
    /// </summary>
    public static async Task<(CartView View, IReadOnlyDictionary<string, Product> Products)> PriceWithProductsAsync(
        CheckoutDbContext db, Cart cart, CancellationToken ct)
    {
        var stock = await StockAsync(db, cart.Lines.Select(l => l.Sku), ct);
        return (View(cart, stock), stock.Values.ToDictionary(s => s.Product.Sku, s => s.Product, StringComparer.Ordinal));
    }

    /// <summary>The active products among <paramref name="skus"/> with the units on sale of each, in one read.</summary>
    public static async Task<IReadOnlyDictionary<string, StockRow>> StockAsync(CheckoutDbContext db, IEnumerable<string> skus, CancellationToken ct)
    {
        var stock = new Dictionary<string, StockRow>(StringComparer.Ordinal);
        await foreach (var item in Stock.For(db)(db, [.. skus.Distinct(StringComparer.Ordinal)]).WithCancellation(ct))
        {
            stock[item.Product.Sku] = item;
        }
        return stock;
    }

    /// <summary>The cart priced at the products' current prices in <paramref name="stock"/> (read for at least its lines), with what is wrong with it.</summary>
    public static CartView View(Cart cart, IReadOnlyDictionary<string, StockRow> stock)
    {
        var lines = new List<CartLineView>();
        var problems = new List<CartProblem>();
        var currency = Money.DefaultCurrency;
        foreach (var line in cart.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal))
        {
            if (!stock.TryGetValue(line.Sku, out var item))
            {
                problems.Add(new CartProblem(CartProblemKind.ItemUnavailable, line.Sku, $"{line.Sku} is no longer available."));
                continue;
            }
            var product = item.Product;
            currency = product.Currency;
            lines.Add(new CartLineView(product.Sku, product.Name, line.Quantity, product.PriceMinor, product.PriceMinor * line.Quantity));
            if (product.PriceMinor != line.SeenPriceMinor)
            {
                problems.Add(new CartProblem(
                    CartProblemKind.PriceChanged, product.Sku,
                    $"The price of {product.Name} changed: was {Money.Format(line.SeenPriceMinor, currency)}, now {Money.Format(product.PriceMinor, currency)}.",
                    WasMinor: line.SeenPriceMinor, NowMinor: product.PriceMinor));
            }
            if (item.Quantity < line.Quantity)
            {
                problems.Add(new CartProblem(
                    CartProblemKind.InsufficientStock, product.Sku,
                    item.Quantity == 0 ? $"{product.Name} is sold out." : $"Only {item.Quantity} of {product.Name} left.",
                    Available: item.Quantity));
            }
        }
        return new CartView(cart.Id, lines, lines.Sum(l => l.LineTotalMinor), currency, problems, cart.Status);
    }

    public static Error OutOfStock(IReadOnlyList<StockShortage> shortages) => new(
        ErrorCodes.OutOfStock,
        string.Join(" ", shortages.Select(s => s.Available == 0 ? $"{s.Sku} is sold out." : $"Only {s.Available} of {s.Sku} left.")),
        new Dictionary<string, object?> { ["shortages"] = shortages });

    /// <summary>An active product and how many of it are on sale now.</summary>
    internal sealed record StockRow(Product Product, int Quantity);
}
