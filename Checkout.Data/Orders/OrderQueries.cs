using Checkout.Data.Common;
using Checkout.Data.Payments;
using Checkout.Data.Pricing;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Orders;

public enum OrderSort
{
    NewestFirst,
    OldestFirst,
    TotalHighestFirst,
    TotalLowestFirst,
}

/// <summary>Filters for the admin's order list; every field is optional.</summary>
public sealed record OrderFilter(
    OrderStatus? Status = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? Email = null,
    string? OrderNumber = null, int Page = 1, int PageSize = 20, OrderSort Sort = OrderSort.NewestFirst);

/// <param name="Delivery">Where the order ships and how (null only on orders placed before checkouts took an address).</param>
public sealed record OrderSummary(
    Guid OrderId, string OrderNumber, DateTimeOffset CreatedAt, string Email, long TotalMinor, string Currency,
    OrderStatus Status, PaymentStatus? PaymentStatus, QuoteDelivery? Delivery = null, QuoteTax? Tax = null);

/// <summary>An order as its shopper's list shows it.</summary>
public sealed record ShopperOrderSummary(Guid OrderId, string OrderNumber, DateTimeOffset CreatedAt, OrderStatus Status, long TotalMinor, string Currency);

public sealed record Page<T>(IReadOnlyList<T> Items, int PageNumber, int PageSize, int Total);

public sealed class OrderQueries(IDbContextFactory<CheckoutDbContext> dbFactory)
{
    public const int MaxPageSize = 200;

    /// <summary>The most orders a shopper's list holds: the newest.</summary>
    public const int MaxShopperOrders = 50;

    /// <summary>
    /// The orders placed with <paramref name="email"/> (compared normalized, as checkout stores it), newest first, at
    /// most <see cref="MaxShopperOrders"/>. For a caller that has proved it holds the address (a find-my-order link).
    /// </summary>
    public async Task<IReadOnlyList<ShopperOrderSummary>> ForEmailAsync(string email, CancellationToken ct = default)
    {
        var normalized = InputRules.NormalizeEmail(email);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders.AsNoTracking()
            .Where(o => o.Email == normalized)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Take(MaxShopperOrders)
            .Select(o => new ShopperOrderSummary(o.Id, o.Number, o.CreatedAt, o.Status, o.TotalMinor, o.Currency))
            .ToListAsync(ct);
    }

    public async Task<Result<Page<OrderSummary>>> ListAsync(OrderFilter filter, CancellationToken ct = default)
    {
        if (filter.Page < 1 || filter.PageSize is < 1 or > MaxPageSize)
        {
            return Error.Validation($"Pages start at 1 and hold 1–{MaxPageSize} orders.");
        }
        if ((long)filter.Page * filter.PageSize > int.MaxValue)
        {
            // The offset of such a page does not fit the query's int and would wrap round to the first page.
            return Error.Validation("That page is beyond the end of any order list.");
        }
        if (!InputRules.IsText(filter.Email, 254, required: false) || !InputRules.IsText(filter.OrderNumber, 16, required: false))
        {
            return Error.Validation("The email or order number filter is too long.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Orders.AsNoTracking();
        if (filter.Status is { } status)
        {
            query = query.Where(o => o.Status == status);
        }
        if (filter.From is { } from)
        {
            query = query.Where(o => o.CreatedAt >= from);
        }
        if (filter.To is { } to)
        {
            query = query.Where(o => o.CreatedAt < to);
        }
        if (!string.IsNullOrWhiteSpace(filter.Email))
        {
            var email = InputRules.NormalizeEmail(filter.Email);
            query = query.Where(o => o.Email.Contains(email));
        }
        if (!string.IsNullOrWhiteSpace(filter.OrderNumber))
        {
            var number = filter.OrderNumber.Trim().ToUpperInvariant();
            query = query.Where(o => o.Number.Contains(number));
        }
        var total = await query.CountAsync(ct);
        query = filter.Sort switch
        {
            OrderSort.OldestFirst => query.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id),
            OrderSort.TotalHighestFirst => query.OrderByDescending(o => o.TotalMinor).ThenByDescending(o => o.Id),
            OrderSort.TotalLowestFirst => query.OrderBy(o => o.TotalMinor).ThenBy(o => o.Id),
            _ => query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id),
        };
        var items = await query
            .Skip((filter.Page - 1) * filter.PageSize)
            .Take(filter.PageSize)
            .Select(o => new OrderSummary(
                o.Id, o.Number, o.CreatedAt, o.Email, o.TotalMinor, o.Currency, o.Status,
                db.Payments.Where(p => p.OrderId == o.Id).Select(p => (PaymentStatus?)p.Status).FirstOrDefault(), o.Delivery, o.Tax))
            .ToListAsync(ct);
        return new Page<OrderSummary>(items, filter.Page, filter.PageSize, total);
    }
}
