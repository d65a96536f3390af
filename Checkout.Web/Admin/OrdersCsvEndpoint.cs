using System.Globalization;
using System.Text;
using Checkout.Data.Orders;
using Checkout.Web.Api;
using Checkout.Web.Components.Admin;
using Checkout.Web.Components.Shared;
using Checkout.Web.Staff;

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
            .RequireAuthorization(StaffPolicies.StaffRead)
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
        HttpContext http, OrderQueries queries, TimeProvider clock, CancellationToken ct)
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
        await WriteAsync(writer, queries, parsed.Value, now, ct: ct);
    }

    /// <summary>
    /// Writes the header and one row per order matching <paramref name="query"/>, in its sort order, <paramref name="pageSize"/>
    /// orders per read; returns the number of orders written. Orders placed after <paramref name="asOf"/> are left out: the pages are offsets into a list that
    /// a new order would otherwise shift, repeating a row at the seam of two pages.
    /// </summary>
    public static async Task<int> WriteAsync(
        TextWriter writer, OrderQueries queries, OrderListQuery query, DateTimeOffset asOf, int pageSize = PageSize, CancellationToken ct = default)
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
            foreach (var order in result.Value.Items)
            {
                await WriteRowAsync(writer, Row(order));
                written++;
            }
            await writer.FlushAsync(ct);
            if (result.Value.Items.Count < pageSize || page * pageSize >= result.Value.Total)
            {
                return written;
            }
        }
    }

    /// <summary>An order's cells; one placed before checkouts took an address leaves its address cells empty.</summary>
    public static string?[] Row(OrderSummary order) =>
    [
        order.OrderNumber,
        TimeFormat.Export(order.CreatedAt),
        order.Email,
        Amount(order.TotalMinor),
        order.Currency,
        order.Status.WireName(),
        order.PaymentStatus is { } payment ? OrderResponse.Wire(payment) : "",
        Amount(order.Tax?.AmountMinor ?? 0),
        order.Delivery?.Address.Name,
        order.Delivery is { Address: var address } ? string.Join(", ", new[] { address.Line1, address.Line2 }.OfType<string>()) : null,
        order.Delivery?.Address.City,
        order.Delivery?.Address.Region,
        order.Delivery?.Address.PostalCode,
        order.Delivery?.Address.Country,
        order.Delivery?.MethodName,
    ];

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
}
