using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Checkout.Tests.Api;
using Checkout.Tests.Builders;
using Checkout.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Security;

/// <summary>
/// Hostile requests to the HTTP API, as a shopper and as an admin with the key: malformed and oversized bodies,
/// Unicode and control characters, SQL, HTML and script payloads in every string field, negative and overflowing
/// numbers, ids of the wrong kind or of another shopper's checkout, and forged idempotency keys. Every one must be
/// refused with a problem document (never a 5xx) and leave stock, orders, promo usage and everything else as it was.
/// Requests that are legitimate despite their content (free text, searches, replays) are checked apart, below.
/// </summary>
public class HostileInputTests(BadInputShop shop) : IClassFixture<BadInputShop>
{
    private const string Json = "application/json";
    private const string Shopper = "shopper";
    private const string Admin = "admin";
    private const string Unknown = "00000000-0000-0000-0000-000000000001";

    /// <summary>The approved card's body: the requests that carry it are refused for something else.</summary>
    private static readonly string Card = Cards.Approved.ToJson();
    private static readonly string Deep = new string('[', 100) + new string(']', 100);
    private static readonly string Megabyte = new('a', 1024 * 1024);
    private static readonly string Spaces = new(' ', 17 * 1024);
    private static readonly string Emoji = string.Concat(Enumerable.Repeat("😀", 51));
    private static readonly string LongSql = string.Concat(Enumerable.Repeat("'; DELETE FROM Inventory; --", 8));
    private static readonly string InvalidUtf8 = "base64:" + Convert.ToBase64String(
        [.. Encoding.UTF8.GetBytes($$"""{"cartId":"{{Unknown}}","email":"a"""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("""@example.com"}""")]);

    /// <summary>because, who, method, path, content type (null: JSON; empty: none), body, Idempotency-Key, status, problem type.</summary>
    public static TheoryData<string, string, string, string, string?, string?, string?, int, string?> Corpus => new()
    {
        // Malformed and oversized bodies
        { "a JSON array for an object", Shopper, "POST", "/api/checkouts", null, "[]", null, 400, "bad-request" },
        { "JSON null for the body", Shopper, "POST", "/api/checkouts", null, "null", null, 400, "bad-request" },
        { "a JSON string for the body", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, "\"3\"", null, 400, "bad-request" },
        { "text after the JSON", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com"} trailing""", null, 400, "bad-request" },
        { "JSON nested 100 deep", Shopper, "POST", "/api/checkouts", null, $$"""{"cartId":"{cart}","email":"a@example.com","extra":{{Deep}}}""", null, 400, "bad-request" },
        { "invalid UTF-8 bytes", Shopper, "POST", "/api/checkouts", null, InvalidUtf8, null, 400, "bad-request" },
        { "a lone UTF-16 surrogate", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"\uD800@example.com"}""", null, 400, "bad-request" },
        { "a raw control character inside a JSON string", Shopper, "POST", "/api/checkouts", null, "{\"cartId\":\"{cart}\",\"email\":\"a\u0001@example.com\"}", null, 400, "bad-request" },
        { "a comment in the JSON", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, """{"quantity":1 /* more */}""", null, 400, "bad-request" },
        { "single-quoted JSON", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, "{'quantity':1}", null, 400, "bad-request" },
        { "XML labelled as JSON", Shopper, "POST", "/api/checkouts", null, "<checkout><cartId>{cart}</cartId></checkout>", null, 400, "bad-request" },
        { "a form-encoded body", Shopper, "POST", "/api/checkouts", "application/x-www-form-urlencoded", "cartId={cart}&email=a%40example.com", null, 415, "unsupported-media-type" },
        { "a multipart body", Shopper, "POST", "/api/checkouts/{session}/complete", "multipart/form-data; boundary=x", "--x--", null, 415, "unsupported-media-type" },
        { "a body without a content type", Shopper, "POST", "/api/checkouts", "", """{"cartId":"{cart}","email":"a@example.com"}""", null, 415, "unsupported-media-type" },
        { "a 1 MB body", Shopper, "POST", "/api/checkouts/{session}/complete", null, $$"""{"cardNumber":"{{Megabyte}}"}""", null, 413, "payload-too-large" },
        { "17 KB of whitespace in a small body", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, $$"""{"quantity":1{{Spaces}}}""", null, 413, "payload-too-large" },

        // Unicode and control characters
        { "NUL in the email", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a\u0000@example.com"}""", null, 422, "validation" },
        { "CRLF and a Bcc header in the email", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com\r\nBcc: victim@example.com"}""", null, 422, "validation" },
        { "NUL in the name", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","name":"Sam\u0000"}""", null, 422, "validation" },
        { "terminal escape codes in the name", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","name":"\u001b[31mred\u0007"}""", null, 422, "validation" },
        { "102 UTF-16 units of emoji as the name", Shopper, "POST", "/api/checkouts", null, $$"""{"cartId":"{cart}","email":"a@example.com","name":"{{Emoji}}"}""", null, 422, "validation" },
        { "a right-to-left override in the email, for an unknown cart", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{unknown}","email":"moc.elpmaxe\u202E@a.example"}""", null, 404, "not-found" },
        { "zero-width spaces as the name, for an unknown cart", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{unknown}","email":"a@example.com","name":"\u200B\u200B"}""", null, 404, "not-found" },
        { "NUL in the promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"WELCOME10\u0000"}""", null, 422, "validation" },
        { "a Cyrillic look-alike promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"WЕLCOME10"}""", null, 422, "validation" },
        { "a fullwidth promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"ＷＥＬＣＯＭＥ10"}""", null, 422, "validation" },
        { "an emoji SKU", Shopper, "PUT", "/api/carts/{cart}/items/%F0%9F%98%80", null, """{"quantity":1}""", null, 422, "validation" },
        { "a newline after the SKU", Shopper, "PUT", "/api/carts/{cart}/items/COF-FILTER%0A", null, """{"quantity":1}""", null, 422, "validation" },
        { "fullwidth digits in the card number", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"４２４２４２４２４２４２４２４２","expiry":"12/30","cvc":"123"}""", null, 422, "validation" },
        { "Arabic-Indic digits in the card number", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢","expiry":"12/30","cvc":"123"}""", null, 422, "validation" },
        { "a zero-width space in the card number", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242\u200B4242 4242 4242","expiry":"12/30","cvc":"123"}""", null, 422, "validation" },
        { "fullwidth digits in the security code", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30","cvc":"１２３"}""", null, 422, "validation" },
        { "Arabic-Indic digits in the expiry", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242 4242 4242 4242","expiry":"١٢/٣٠","cvc":"123"}""", null, 422, "validation" },
        { "NUL after the expiry", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30\u0000","cvc":"123"}""", null, 422, "validation" },
        { "NUL after the security code", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30","cvc":"123\u0000"}""", null, 422, "validation" },

        // SQL, HTML and script in every string field
        { "SQL in the email", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"' OR '1'='1"}""", null, 422, "validation" },
        { "a quote and a comment in the email, for an unknown cart", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{unknown}","email":"x'--@example.com"}""", null, 404, "not-found" },
        { "a script element in the email, for an unknown cart", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{unknown}","email":"<script>alert(1)</script>@example.com"}""", null, 404, "not-found" },
        { "DROP TABLE in the name, for an unknown cart", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{unknown}","email":"a@example.com","name":"Robert'); DROP TABLE Orders;--"}""", null, 404, "not-found" },
        { "an onerror handler in the name, for an empty cart", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{empty}","email":"a@example.com","name":"<img src=x onerror=alert(1)>"}""", null, 422, "invalid-cart" },
        { "SQL in the promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"' OR '1'='1"}""", null, 422, "validation" },
        { "a script element as the promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"<script>alert(1)</script>"}""", null, 422, "validation" },
        { "a quote and a comment after a real promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"WELCOME10'--"}""", null, 422, "validation" },
        { "a stacked statement after a real promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"WELCOME10;DELETE FROM PromoCodes"}""", null, 422, "validation" },
        { "LIKE wildcards as the promo code", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","promoCode":"%_%"}""", null, 422, "validation" },
        { "SQL in the SKU", Shopper, "PUT", "/api/carts/{cart}/items/%27%20OR%201%3D1--", null, """{"quantity":1}""", null, 422, "validation" },
        { "a script element as the SKU", Shopper, "PUT", "/api/carts/{cart}/items/%3Cscript%3Ealert(1)%3C%2Fscript%3E", null, """{"quantity":1}""", null, 422, "validation" },
        { "a stacked statement after a real SKU", Shopper, "PUT", "/api/carts/{cart}/items/COF-FILTER%3BDROP%20TABLE%20Inventory", null, """{"quantity":1}""", null, 422, "validation" },
        { "path traversal as the SKU", Shopper, "PUT", "/api/carts/{cart}/items/..%2F..%2Fadmin", null, """{"quantity":1}""", null, 422, "validation" },
        { "SQL in the card number", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242' OR '1'='1","expiry":"12/30","cvc":"123"}""", null, 422, "validation" },
        { "SQL in the expiry", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30' --","cvc":"123"}""", null, 422, "validation" },
        { "a script element as the security code", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30","cvc":"<script>"}""", null, 422, "validation" },
        { "SQL as the security code", Shopper, "POST", "/api/checkouts/{session}/complete", null, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30","cvc":"1' OR 1=1"}""", null, 422, "validation" },
        { "SQL as the Idempotency-Key", Shopper, "POST", "/api/checkouts/{session}/complete", null, Card, "' OR 1=1 --", 422, "validation" },
        { "SQL as a new promo code", Admin, "POST", "/api/admin/promos", null, """{"code":"' OR 1=1--","kind":"Percentage","value":10}""", null, 422, "validation" },
        { "a script element as a new promo code", Admin, "POST", "/api/admin/promos", null, """{"code":"<script>alert(1)</script>","kind":"Percentage","value":10}""", null, 422, "validation" },
        { "SQL as a promo's SKU scope", Admin, "POST", "/api/admin/promos", null, """{"code":"SCOPED1","kind":"Percentage","value":10,"scopeSku":"'; DROP TABLE PromoCodes;--"}""", null, 422, "validation" },
        { "NUL in a promo's category scope", Admin, "POST", "/api/admin/promos", null, """{"code":"SCOPED2","kind":"Percentage","value":10,"scopeCategory":"Tea\u0000"}""", null, 422, "validation" },
        { "SQL as the promo code in the path", Admin, "PUT", "/api/admin/promos/%27%20OR%201%3D1", null, """{"code":"X","kind":"Percentage","value":10}""", null, 422, "validation" },
        { "a script element as the promo code to disable", Admin, "POST", "/api/admin/promos/%3Cscript%3E/disable", null, null, null, 422, "validation" },
        { "SQL as the SKU to restock", Admin, "POST", "/api/admin/inventory/%27%20OR%201%3D1--/restock", null, """{"quantity":5,"reason":"delivery"}""", null, 422, "validation" },
        { "NUL in a restock reason", Admin, "POST", "/api/admin/inventory/COF-FILTER/restock", null, """{"quantity":5,"reason":"delivery\u0000"}""", null, 422, "validation" },
        { "224 characters of SQL as a restock reason", Admin, "POST", "/api/admin/inventory/COF-FILTER/restock", null, $$"""{"quantity":5,"reason":"{{LongSql}}"}""", null, 422, "validation" },
        { "NUL in a tracking number", Admin, "POST", "/api/admin/orders/{order}/ship", null, """{"trackingNumber":"1Z999\u0000"}""", null, 422, "validation" },
        { "224 characters of SQL as a tracking number", Admin, "POST", "/api/admin/orders/{order}/ship", null, $$"""{"trackingNumber":"{{LongSql}}"}""", null, 422, "validation" },
        { "SQL as the status filter", Admin, "GET", "/api/admin/orders?status=%27%20OR%201%3D1", null, null, null, 422, "validation" },
        { "UNION SELECT as the order number filter", Admin, "GET", "/api/admin/orders?orderNumber=%27%20UNION%20SELECT%20Email%20FROM%20Orders--", null, null, null, 422, "validation" },
        { "NUL as the email filter", Admin, "GET", "/api/admin/orders?email=%00", null, null, null, 422, "validation" },
        { "SQL as the sort order", Admin, "GET", "/api/admin/orders?sort=1%3BDROP%20TABLE%20Orders", null, null, null, 400, "bad-request" },
        { "a word as a date filter", Admin, "GET", "/api/admin/orders?from=yesterday", null, null, null, 400, "bad-request" },

        // Negative and overflowing numbers
        { "quantity 2^31", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, """{"quantity":2147483648}""", null, 400, "bad-request" },
        { "quantity -2^31 - 1", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, """{"quantity":-2147483649}""", null, 400, "bad-request" },
        { "quantity -2^31", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, """{"quantity":-2147483648}""", null, 422, "validation" },
        { "quantity in exponent notation", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, """{"quantity":1e2}""", null, 400, "bad-request" },
        { "quantity as hex text", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, """{"quantity":"0x10"}""", null, 400, "bad-request" },
        { "quantity true", Shopper, "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", null, """{"quantity":true}""", null, 400, "bad-request" },
        { "a negative restock", Admin, "POST", "/api/admin/inventory/COF-FILTER/restock", null, """{"quantity":-5,"reason":"theft"}""", null, 422, "validation" },
        { "a restock of 2^31 - 1", Admin, "POST", "/api/admin/inventory/COF-FILTER/restock", null, """{"quantity":2147483647,"reason":"delivery"}""", null, 422, "validation" },
        { "a restock beyond 32 bits", Admin, "POST", "/api/admin/inventory/COF-FILTER/restock", null, """{"quantity":9999999999,"reason":"delivery"}""", null, 400, "bad-request" },
        { "a negative percentage", Admin, "POST", "/api/admin/promos", null, """{"code":"NEG1","kind":"Percentage","value":-1}""", null, 422, "validation" },
        { "a promo value beyond 64 bits", Admin, "POST", "/api/admin/promos", null, """{"code":"BIG1","kind":"FixedAmount","value":9223372036854775808}""", null, 400, "bad-request" },
        { "a fixed amount over the cap", Admin, "POST", "/api/admin/promos", null, """{"code":"BIG2","kind":"FixedAmount","value":10000001}""", null, 422, "validation" },
        { "a usage limit of 0", Admin, "POST", "/api/admin/promos", null, """{"code":"ZERO1","kind":"Percentage","value":10,"usageLimit":0}""", null, 422, "validation" },
        { "a negative minimum subtotal", Admin, "POST", "/api/admin/promos", null, """{"code":"NEG2","kind":"Percentage","value":10,"minSubtotalMinor":-1}""", null, 422, "validation" },
        { "promo kind 99", Admin, "POST", "/api/admin/promos", null, """{"code":"KIND1","kind":99,"value":10}""", null, 422, "validation" },
        { "an unknown promo kind", Admin, "POST", "/api/admin/promos", null, """{"code":"KIND2","kind":"Bogus","value":10}""", null, 400, "bad-request" },
        { "a promo that ends before it starts", Admin, "POST", "/api/admin/promos", null, """{"code":"BACK1","kind":"Percentage","value":10,"startsAt":"2026-06-01T00:00:00Z","endsAt":"2026-01-01T00:00:00Z"}""", null, 422, "validation" },
        { "a start date before year 1 in UTC", Admin, "POST", "/api/admin/promos", null, """{"code":"OLD1","kind":"Percentage","value":10,"startsAt":"0001-01-01T00:00:00+14:00"}""", null, 400, "bad-request" },
        { "page 0", Admin, "GET", "/api/admin/orders?page=0", null, null, null, 422, "validation" },
        { "page -1", Admin, "GET", "/api/admin/orders?page=-1", null, null, null, 422, "validation" },
        { "page 2^31 - 1", Admin, "GET", "/api/admin/orders?page=2147483647", null, null, null, 422, "validation" },
        { "page size 201", Admin, "GET", "/api/admin/orders?pageSize=201", null, null, null, 422, "validation" },
        { "page size beyond 32 bits", Admin, "GET", "/api/admin/orders?pageSize=2147483648", null, null, null, 400, "bad-request" },

        // Unknown ids, ids of the wrong kind and another shopper's checkout
        { "an unknown checkout", Shopper, "GET", "/api/checkouts/{unknown}", null, null, null, 404, "not-found" },
        { "cancelling an unknown checkout", Shopper, "POST", "/api/checkouts/{unknown}/cancel", null, null, null, 404, "not-found" },
        { "accepting changes to an unknown cart", Shopper, "POST", "/api/carts/{unknown}/accept-changes", null, null, null, 404, "not-found" },
        { "a cart id as an order id", Shopper, "GET", "/api/orders/{cart}", null, null, null, 404, "not-found" },
        { "an order id as a checkout id", Shopper, "GET", "/api/checkouts/{order}", null, null, null, 404, "not-found" },
        { "an order id as the checkout to cancel", Shopper, "POST", "/api/checkouts/{order}/cancel", null, null, null, 404, "not-found" },
        { "a cart id as the checkout to pay", Shopper, "POST", "/api/checkouts/{cart}/complete", null, Card, null, 404, "not-found" },
        { "a checkout id as a cart id", Shopper, "PUT", "/api/carts/{session}/items/COF-ESPRESSO", null, """{"quantity":1}""", null, 404, "not-found" },
        { "an order id as a cart id", Shopper, "GET", "/api/carts/{order}", null, null, null, 404, "not-found" },
        { "another cart's open checkout id", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cart}","email":"a@example.com","checkoutSessionId":"{session}"}""", null, 409, "conflict" },
        { "another cart's paid checkout id", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{cheap}","email":"a@example.com","checkoutSessionId":"{paid}"}""", null, 409, "conflict" },
        { "an unknown cart with another shopper's checkout id", Shopper, "POST", "/api/checkouts", null, """{"cartId":"{unknown}","email":"a@example.com","checkoutSessionId":"{session}"}""", null, 409, "conflict" },
        { "shipping an unknown order", Admin, "POST", "/api/admin/orders/{unknown}/ship", null, """{"trackingNumber":"1Z999"}""", null, 404, "not-found" },
        { "refunding a cart id", Admin, "POST", "/api/admin/orders/{cart}/refund", null, null, null, 404, "not-found" },
        { "a checkout id as an admin's order id", Admin, "GET", "/api/admin/orders/{session}", null, null, null, 404, "not-found" },
        { "changing an unknown promo code", Admin, "PUT", "/api/admin/promos/NOSUCHCODE", null, """{"code":"NOSUCHCODE","kind":"Percentage","value":10}""", null, 404, "not-found" },
        { "restocking an unknown SKU", Admin, "POST", "/api/admin/inventory/NO-SUCH-SKU/restock", null, """{"quantity":5,"reason":"delivery"}""", null, 404, "not-found" },

        // Forged idempotency keys
        { "another checkout's id as the key", Shopper, "POST", "/api/checkouts/{session}/complete", null, Card, "{paid}", 422, "validation" },
        { "a replay of a paid checkout under another key", Shopper, "POST", "/api/checkouts/{paid}/complete", null, Card, "{session}", 422, "validation" },
        { "the empty GUID as the key", Shopper, "POST", "/api/checkouts/{session}/complete", null, Card, "00000000-0000-0000-0000-000000000000", 422, "validation" },
        { "two keys in one header", Shopper, "POST", "/api/checkouts/{session}/complete", null, Card, "{session}, {session}", 422, "validation" },
        { "an empty key", Shopper, "POST", "/api/checkouts/{session}/complete", null, Card, "", 400, "idempotency-key-invalid" },
        { "the checkout id with a character appended as the key", Shopper, "POST", "/api/checkouts/{session}/complete", null, Card, "{session}x", 422, "validation" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task HostileRequest_IsRefusedWithAProblem_AndChangesNothing(
        string because, string who, string method, string path, string? contentType, string? body, string? idempotencyKey, int status, string? type)
    {
        using var admin = shop.Api.Admin();
        var client = who == Admin ? admin.Http : shop.Shopper.Http;
        var before = await shop.Api.SnapshotAsync();

        var response = await client.SendAsync(Request(method, path, contentType, body, idempotencyKey));

        Assert.True((int)response.StatusCode < 500, $"{because}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await ProblemAssert.IsAsync(response, (HttpStatusCode)status, type);
        await shop.Api.AssertUnchangedAsync(before, because);
    }

    /// <summary>
    /// Requests the web server itself refuses before the app sees them, so the answer is its bare status without a
    /// problem document: a NUL in the path, a request line over 8 KB, request headers over 32 KB.
    /// </summary>
    [Theory]
    [InlineData("/api/carts/{cart}/items/COF-FILTER%00", 0, 400)]
    [InlineData("/api/carts/{cart}/items/COF-FILTER?pad={9000}", 0, 414)]
    [InlineData("/api/carts/{cart}/items/COF-FILTER", 40_000, 431)]
    public async Task WhatTheServerRefusesBeforeTheApp_IsA4xx_AndChangesNothing(string path, int headerBytes, int status)
    {
        var before = await shop.Api.SnapshotAsync();
        var request = Request("PUT", path.Replace("{9000}", new string('a', 9000), StringComparison.Ordinal), null, """{"quantity":1}""", null);
        if (headerBytes > 0)
        {
            request.Headers.Add("X-Padding", new string('a', headerBytes));
        }

        var response = await shop.Shopper.Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        await shop.Api.AssertUnchangedAsync(before, $"{request.Method} {path} with {headerBytes} header bytes");
    }

    [Theory]
    [InlineData("Robert'); DROP TABLE Orders;--")]
    [InlineData("<script>alert(document.cookie)</script>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("Zoë 😀 \u202Eevil")]
    public async Task AFreeTextNameWithAPayload_IsStoredAsPlainText_AndHarmsNothing(string name)
    {
        var cartId = await shop.Shopper.CartWithAsync(("TEA-SENCHA", 1));

        var response = await shop.Shopper.PostAsync("/api/checkouts", new { cartId, email = "payload@example.com", name });

        var checkout = await ApiClient.ReadAsync<CheckoutDto>(response, HttpStatusCode.Created);
        await using var db = await shop.Api.DbAsync();
        Assert.Equal(name, (await db.CheckoutSessions.SingleAsync(s => s.Id == checkout.CheckoutSessionId)).CustomerName);
        Assert.Equal(13, await db.Products.CountAsync());
        Assert.NotEmpty(await db.Orders.ToListAsync());
    }

    [Theory]
    [InlineData("' OR '1'='1")]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("\") OR 1=1 --")]
    [InlineData("<script>alert(1)</script>")]
    public async Task ASearchWithAPayload_MatchesItLiterally_SoItFindsNothing(string search)
    {
        var before = await shop.Api.SnapshotAsync();

        var products = await ApiClient.ReadAsync<List<ProductDto>>(
            await shop.Shopper.GetAsync($"/api/products?search={Uri.EscapeDataString(search)}"), HttpStatusCode.OK);

        Assert.Empty(products);
        await shop.Api.AssertUnchangedAsync(before, $"Searching for {search}");
    }

    [Fact]
    public async Task ReplayingAPaidCheckout_WithTheSameCard_AnswersWithItsOrder_AndChargesNothing()
    {
        var paid = Guid.Parse(shop.Ids["{paid}"]);
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Shopper.CompleteAsync(paid, Cards.Approved);

        var replayed = await ApiClient.ReadAsync<PlacedDto>(response, HttpStatusCode.OK);
        Assert.Equal(shop.Ids["{order}"], replayed.OrderId.ToString());
        await shop.Api.AssertUnchangedAsync(before, "Replaying the paid checkout with its card");
    }

    [Theory]
    [InlineData("4000 0000 0000 0002")]
    [InlineData("4242 4242 4242 4241")]
    [InlineData("5555 5555 5555 4444")]
    public async Task PayingAPaidCheckoutWithAnotherCard_IsRefusedAsAlreadyPaid_AndChargesNothing(string cardNumber)
    {
        var paid = Guid.Parse(shop.Ids["{paid}"]);
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Shopper.CompleteAsync(paid, Cards.Approved with { CardNumber = cardNumber });

        await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "already-paid");
        await shop.Api.AssertUnchangedAsync(before, $"Paying the paid checkout again with {cardNumber}");
    }

    private HttpRequestMessage Request(string method, string path, string? contentType, string? body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), shop.Fill(path));
        if (body is not null)
        {
            request.Content = body.StartsWith("base64:", StringComparison.Ordinal)
                ? new ByteArrayContent(Convert.FromBase64String(body["base64:".Length..]))
                : new StringContent(shop.Fill(body), Encoding.UTF8);
            request.Content.Headers.ContentType = contentType == "" ? null : MediaTypeHeaderValue.Parse(contentType ?? Json);
            // As a well-behaved client sends a big body: the server refuses it from the headers alone, before the
            // body is on the wire (otherwise its early 413 can race the upload into a broken pipe on the client).
            request.Headers.ExpectContinue = body.Length > ApiSetup.MaxBodyBytes;
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, shop.Fill(idempotencyKey));
        }
        return request;
    }
}
