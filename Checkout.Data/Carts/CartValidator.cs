using Checkout.Data.Catalog;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Carts;

public sealed record StockShortage(string Sku, int Requested, int Available);

/// <summary>Prices a cart from the database and lists what is wrong with it. A client's price is never read.</summary>
internal static class CartValidator
{
    public static async Task<CartView> PriceAsync(CheckoutDbContext db, Cart cart, CancellationToken ct)
    {
        var skus = cart.Lines.Select(l => l.Sku).ToList();
        var stock = await db.Products.AsNoTracking()
            .Where(p => skus.Contains(p.Sku) && p.Active)
            .Join(db.Inventory, p => p.Sku, i => i.Sku, (p, i) => new { Product = p, i.Quantity })
            .ToDictionaryAsync(x => x.Product.Sku, ct);

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
}
