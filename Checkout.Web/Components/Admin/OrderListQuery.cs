using System.Globalization;
using Checkout.Data.Common;
using Checkout.Data.Orders;

namespace Checkout.Web.Components.Admin;

/// <summary>
/// The filters and sort of the admin's order list as they travel in a query string, shared by the grid at
/// <c>/admin/orders</c> and the CSV export at <c>/admin/orders.csv</c> so that an export is exactly what the grid shows.
/// Dates are whole UTC days and both ends are included: <c>from=2026-03-01&amp;to=2026-03-01</c> is that one day.
/// </summary>
public sealed record OrderListQuery(
    OrderStatus? Status = null, DateOnly? From = null, DateOnly? To = null, string? Email = null, string? Number = null,
    OrderSort Sort = OrderSort.NewestFirst)
{
    public const string StatusKey = "status";
    public const string FromKey = "from";
    public const string ToKey = "to";
    public const string EmailKey = "email";
    public const string NumberKey = "number";
    public const string SortKey = "sort";

    private const string DateFormat = "yyyy-MM-dd";

    public static readonly OrderListQuery None = new();

    /// <summary>Reads the query string; an unknown status, sort or malformed date is a validation error naming the value.</summary>
    public static Result<OrderListQuery> Parse(Func<string, string?> get)
    {
        OrderStatus? status = null;
        if (get(StatusKey) is { Length: > 0 } statusText)
        {
            status = ParseStatus(statusText);
            if (status is null)
            {
                return Error.Validation($"Unknown status; use one of {string.Join(", ", Enum.GetValues<OrderStatus>().Select(s => s.WireName()))}.");
            }
        }
        if (!TryParseDate(get(FromKey), out var from) || !TryParseDate(get(ToKey), out var to))
        {
            return Error.Validation($"Dates are written {DateFormat}.");
        }
        var sort = OrderSort.NewestFirst;
        if (get(SortKey) is { Length: > 0 } sortText)
        {
            if (ParseSort(sortText) is not { } parsed)
            {
                return Error.Validation($"Unknown sort; use one of {string.Join(", ", Enum.GetValues<OrderSort>().Select(SortName))}.");
            }
            sort = parsed;
        }
        return new OrderListQuery(status, from, to, Blank(get(EmailKey)), Blank(get(NumberKey)), sort);
    }

    /// <summary>The service's filter for one page. <paramref name="notAfter"/> caps the range (an export pins the set it pages through).</summary>
    public OrderFilter ToFilter(int page, int pageSize, DateTimeOffset? notAfter = null)
    {
        DateTimeOffset? to = To is { } day ? StartOfDay(day.AddDays(1)) : null;
        if (notAfter is { } cap && (to is null || cap < to))
        {
            to = cap;
        }
        return new OrderFilter(Status, From is { } from ? StartOfDay(from) : null, to, Email, Number, page, pageSize, Sort);
    }

    /// <summary>The query string (without "?") holding only what is set, in a fixed order; empty when nothing is.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        Add(StatusKey, Status?.WireName());
        Add(FromKey, From?.ToString(DateFormat, CultureInfo.InvariantCulture));
        Add(ToKey, To?.ToString(DateFormat, CultureInfo.InvariantCulture));
        Add(EmailKey, Email);
        Add(NumberKey, Number);
        Add(SortKey, Sort == OrderSort.NewestFirst ? null : SortName(Sort));
        return string.Join('&', parts);

        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                parts.Add($"{key}={Uri.EscapeDataString(value.Trim())}");
            }
        }
    }

    private static OrderStatus? ParseStatus(string? text) =>
        Enum.GetValues<OrderStatus>().Where(s => string.Equals(s.WireName(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            .Select(s => (OrderStatus?)s).FirstOrDefault();

    public static string SortName(OrderSort sort) => sort switch
    {
        OrderSort.OldestFirst => "oldest",
        OrderSort.TotalHighestFirst => "total-desc",
        OrderSort.TotalLowestFirst => "total-asc",
        _ => "newest",
    };

    private static OrderSort? ParseSort(string? text) =>
        Enum.GetValues<OrderSort>().Where(s => string.Equals(SortName(s), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            .Select(s => (OrderSort?)s).FirstOrDefault();

    private static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool TryParseDate(string? text, out DateOnly? day)
    {
        day = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (DateOnly.TryParseExact(text.Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            day = parsed;
            return true;
        }
        return false;
    }
}
