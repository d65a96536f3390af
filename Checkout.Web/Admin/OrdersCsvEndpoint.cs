using System.Globalization;
using System.Text;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Pricing;
using Checkout.Web.Api;
using Checkout.Web.Components.Admin;
using Checkout.Web.Components.Shared;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Admin;

/// <summary>
/// <c>GET /admin/orders.csv</c>: every order the admin's grid would list for the same query string, as one CSV file
/// (RFC 4180), read from the database in pages and written as it is read, so a large export never sits in memory.
/// </summary>
public static class OrdersCsvEndpoint
{
    public const string Path = "/admin/orders.csv";
    public const int PageSize = 200;

    public static readonly string[] Header =
    [
        "number", "created_at_utc", "email", "total", "currency", "status", "payment", "tax",
        "ship_to_name", "ship_to_address", "ship_to_city", "ship_to_region", "ship_to_postal_code", "ship_to_country", "delivery_method",
    ];

    public static IEndpointRouteBuilder MapOrdersCsv(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, ExportAsync)
            .RequireAuthorization(AdminAuthentication.Policy)
            .WithName("AdminOrdersCsv")
            .ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The <c>Href</c> of the grid's "Export CSV" link for <paramref name="query"/>.
    /// </summary>
    public static string Href(OrderListQuery query) =>
        query.ToQueryString() is { Length: > 0 } q ? $"{Path}?{q}" : Path;

    private static async Task ExportAsync(
        HttpContext http, OrderQueries queries, IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CancellationToken ct)
    {
        var parsed = OrderListQuery.Parse(key => http.Request.Query[key].FirstOrDefault());
        if (!parsed.IsSuccess)
        {
            await Problems.From(parsed.Error).ExecuteAsync(http);
            return;
        }
        var now = clock.GetUtcNow();
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"orders-{TimeFormat.FileStamp(now)}.csv\"";
        http.Response.Headers.CacheControl = "no-store";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
        await WriteAsync(writer, queries, dbFactory, parsed.Value, now, ct: ct);
    }

    /// <summary>
    /// Writes the header and one row per order matching <paramref name="query"/>, in its sort order, <paramref name="pageSize"/>
    /// orders per read; returns the number of orders written. Orders placed after <paramref name="asOf"/> are left out: the pages are offsets into a list that
    /// a new order would otherwise shift, repeating a row at the seam of two pages.
    /// </summary>
    public static async Task<int> WriteAsync(
        TextWriter writer, OrderQueries queries, IDbContextFactory<CheckoutDbContext> dbFactory, OrderListQuery query, DateTimeOffset asOf,
        int pageSize = PageSize, CancellationToken ct = default)
    {
        await WriteRowAsync(writer, Header);
        var written = 0;
        var notAfter = asOf.AddTicks(1);
        for (var page = 1; ; page++)
        {
            var result = await queries.ListAsync(query.ToFilter(page, pageSize, notAfter), ct);
            if (!result.IsSuccess)
            {
                // The filter was validated already; a refusal here is a bug, and the truncated file must not pass for complete.
                throw new InvalidOperationException($"Order export stopped at page {page}: {result.Error.Message}");
            }
            var shipping = await ShippingOfAsync(dbFactory, result.Value.Items, ct);
            foreach (var order in result.Value.Items)
            {
                var shipped = shipping.GetValueOrDefault(order.OrderId);
                await WriteRowAsync(writer, Row(order, shipped?.Delivery, shipped?.Tax));
                written++;
            }
            await writer.FlushAsync(ct);
            if (result.Value.Items.Count < pageSize || page * pageSize >= result.Value.Total)
            {
                return written;
            }
        }
    }

    /// <param name="delivery">Null for an order placed before checkouts took an address: its address cells stay empty.</param>
    public static string?[] Row(OrderSummary order, QuoteDelivery? delivery, QuoteTax? tax) =>
    [
        order.OrderNumber,
        TimeFormat.Export(order.CreatedAt),
        order.Email,
        Amount(order.TotalMinor),
        order.Currency,
        order.Status.WireName(),
        order.PaymentStatus is { } payment ? OrderResponse.Wire(payment) : "",
        Amount(tax?.AmountMinor ?? 0),
        delivery?.Address.Name,
        delivery is { Address: var address } ? string.Join(", ", new[] { address.Line1, address.Line2 }.OfType<string>()) : null,
        delivery?.Address.City,
        delivery?.Address.Region,
        delivery?.Address.PostalCode,
        delivery?.Address.Country,
        delivery?.MethodName,
    ];

    /// <summary>The delivery and tax of a page's orders, in one query: the grid's summaries carry neither.</summary>
    private static async Task<Dictionary<Guid, Shipping>> ShippingOfAsync(
        IDbContextFactory<CheckoutDbContext> dbFactory, IReadOnlyList<OrderSummary> orders, CancellationToken ct)
    {
        var ids = orders.Select(o => o.OrderId).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id))
            .Select(o => new Shipping(o.Id, o.Delivery, o.Tax))
            .ToDictionaryAsync(s => s.OrderId, ct);
    }

    /// <summary>
    /// One CSV field, whatever column it is in (every row goes through here, the shopper's own address text included):
    /// a value a spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) is prefixed
    /// with a single quote so it stays text (OWASP's CSV injection advice); then a field holding a comma, quote or line
    /// break is quoted with its quotes doubled (RFC 4180).
    /// </summary>
    public static string Field(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static Task WriteRowAsync(TextWriter writer, IEnumerable<string?> fields) =>
        // RFC 4180 ends every record with CRLF.
        writer.WriteAsync(string.Join(',', fields.Select(Field)) + "\r\n");

    private static string Amount(long minor) =>
        (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);

    private sealed record Shipping(Guid OrderId, QuoteDelivery? Delivery, QuoteTax? Tax);
}
