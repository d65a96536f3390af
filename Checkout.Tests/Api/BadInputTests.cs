using System.Net;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Api;

/// <summary>
/// One shop with a cart, an empty cart, a cheap cart, an open checkout and a confirmed order (and the paid checkout it
/// came from), against which every class of bad request is sent. Each must be refused with the right problem and leave
/// the database as it was.
/// </summary>
public sealed class BadInputShop : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public ApiClient Shopper { get; private set; } = null!;
    public Dictionary<string, string> Ids { get; } = [];

    public async Task InitializeAsync()
    {
        Shopper = Api.Shopper();
        Ids["{cart}"] = (await Shopper.CartWithAsync(("COF-FILTER", 1))).ToString();
        Ids["{empty}"] = (await Shopper.NewCartAsync()).ToString();
        Ids["{cheap}"] = (await Shopper.CartWithAsync(("TEA-INFUSER", 1))).ToString();
        Ids["{session}"] = (await Shopper.OpenCheckoutAsync(("COF-KETTLE", 1))).CheckoutSessionId.ToString();
        var paid = await Shopper.OpenCheckoutAsync(("GEAR-TOTE", 1));
        Ids["{paid}"] = paid.CheckoutSessionId.ToString();
        Ids["{order}"] = (await Shopper.PayAsync(paid.CheckoutSessionId)).OrderId.ToString();
        Ids["{unknown}"] = Guid.NewGuid().ToString();
    }

    public string Fill(string template) => Ids.Aggregate(template, (text, id) => text.Replace(id.Key, id.Value, StringComparison.Ordinal));

    public async Task DisposeAsync()
    {
        Shopper.Dispose();
        await Api.DisposeAsync();
    }
}

public class BadInputTests(BadInputShop shop) : IClassFixture<BadInputShop>
{
    private const string Json = "application/json";
    private static readonly string TenThousand = new('a', 10_000);
    private static readonly string TwentyThousand = new('a', 20_000);

    public static TheoryData<string, string, string, string?, string?, int, string?> Requests => new()
    {
        // Carts
        { "malformed JSON", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, """{"quantity":""", 400, null },
        { "empty body", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, "", 400, null },
        { "quantity is text", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, """{"quantity":"abc"}""", 400, null },
        { "quantity overflows", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, """{"quantity":1e20}""", 400, null },
        { "quantity is fractional", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, """{"quantity":1.5}""", 400, null },
        { "text/plain", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", "text/plain", "3", 415, null },
        { "quantity -1", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, """{"quantity":-1}""", 422, "validation" },
        { "quantity 100", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, """{"quantity":100}""", 422, "validation" },
        { "quantity 100000", "PUT", "/api/carts/{cart}/items/COF-ESPRESSO", Json, """{"quantity":100000}""", 422, "validation" },
        { "more than in stock", "PUT", "/api/carts/{cart}/items/GEAR-FLASK", Json, """{"quantity":2}""", 409, "out-of-stock" },
        { "unknown SKU", "PUT", "/api/carts/{cart}/items/NO-SUCH-SKU", Json, """{"quantity":1}""", 404, "not-found" },
        { "unknown cart", "PUT", "/api/carts/{unknown}/items/COF-ESPRESSO", Json, """{"quantity":1}""", 404, "not-found" },
        { "get unknown cart", "GET", "/api/carts/{unknown}", null, null, 404, "not-found" },
        { "cart id not a GUID", "GET", "/api/carts/not-a-guid", null, null, 404, "not-found" },
        { "unknown API route", "GET", "/api/no-such-thing", null, null, 404, "not-found" },

        // Starting checkout
        { "checkout malformed JSON", "POST", "/api/checkouts", Json, """{"cartId":""", 400, null },
        { "checkout cart id of the wrong type", "POST", "/api/checkouts", Json, """{"cartId":42,"email":"a@example.com"}""", 400, null },
        { "checkout text/plain", "POST", "/api/checkouts", "text/plain", """{"cartId":"{cart}","email":"a@example.com"}""", 415, null },
        { "checkout invalid email", "POST", "/api/checkouts", Json, """{"cartId":"{cart}","email":"not-an-email"}""", 422, "validation" },
        { "checkout missing email", "POST", "/api/checkouts", Json, """{"cartId":"{cart}"}""", 422, "validation" },
        { "checkout 10,000-character email", "POST", "/api/checkouts", Json, $$"""{"cartId":"{cart}","email":"{{TenThousand}}@example.com"}""", 422, "validation" },
        { "checkout 10,000-character promo", "POST", "/api/checkouts", Json, $$"""{"cartId":"{cart}","email":"a@example.com","promoCode":"{{TenThousand}}"}""", 422, "validation" },
        { "checkout 10,000-character name", "POST", "/api/checkouts", Json, $$"""{"cartId":"{cart}","email":"a@example.com","name":"{{TenThousand}}"}""", 422, "validation" },
        { "checkout body over 16 KB", "POST", "/api/checkouts", Json, $$"""{"cartId":"{cart}","email":"{{TwentyThousand}}@example.com"}""", 413, null },
        { "checkout unknown cart", "POST", "/api/checkouts", Json, """{"cartId":"{unknown}","email":"a@example.com"}""", 404, "not-found" },
        { "checkout empty cart", "POST", "/api/checkouts", Json, """{"cartId":"{empty}","email":"a@example.com"}""", 422, "invalid-cart" },
        { "promo that does not exist", "POST", "/api/checkouts", Json, """{"cartId":"{cart}","email":"a@example.com","promoCode":"NOPE"}""", 422, "promo-not-found" },
        { "promo expired", "POST", "/api/checkouts", Json, """{"cartId":"{cart}","email":"a@example.com","promoCode":"SUMMER"}""", 422, "promo-expired" },
        { "promo minimum not met", "POST", "/api/checkouts", Json, """{"cartId":"{cheap}","email":"a@example.com","promoCode":"FIVEOFF"}""", 422, "promo-minimum-not-met" },
        { "promo for another category", "POST", "/api/checkouts", Json, """{"cartId":"{cart}","email":"a@example.com","promoCode":"TEA20"}""", 422, "promo-not-applicable" },

        // Completing checkout
        { "complete malformed JSON", "POST", "/api/checkouts/{session}/complete", Json, """{"cardNumber":""", 400, null },
        { "complete text/plain", "POST", "/api/checkouts/{session}/complete", "text/plain", "4242424242424242", 415, null },
        { "card number fails Luhn", "POST", "/api/checkouts/{session}/complete", Json, """{"cardNumber":"4242 4242 4242 4241","expiry":"12/30","cvc":"123"}""", 422, "validation" },
        { "card number too short", "POST", "/api/checkouts/{session}/complete", Json, """{"cardNumber":"1234","expiry":"12/30","cvc":"123"}""", 422, "validation" },
        { "expiry month 13", "POST", "/api/checkouts/{session}/complete", Json, """{"cardNumber":"4242 4242 4242 4242","expiry":"13/30","cvc":"123"}""", 422, "validation" },
        { "expiry in the past", "POST", "/api/checkouts/{session}/complete", Json, """{"cardNumber":"4242 4242 4242 4242","expiry":"01/20","cvc":"123"}""", 422, "validation" },
        { "cvc one digit", "POST", "/api/checkouts/{session}/complete", Json, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30","cvc":"1"}""", 422, "validation" },
        { "card fields missing", "POST", "/api/checkouts/{session}/complete", Json, "{}", 422, "validation" },
        { "10,000-character card number", "POST", "/api/checkouts/{session}/complete", Json, $$"""{"cardNumber":"{{TenThousand}}","expiry":"12/30","cvc":"123"}""", 422, "validation" },
        { "complete unknown session", "POST", "/api/checkouts/{unknown}/complete", Json, """{"cardNumber":"4242 4242 4242 4242","expiry":"12/30","cvc":"123"}""", 404, "not-found" },

        // Orders
        { "get unknown order", "GET", "/api/orders/{unknown}", null, null, 404, "not-found" },
        { "cancel unknown order", "POST", "/api/orders/{unknown}/cancel", null, null, 404, "not-found" },
        { "return unknown order", "POST", "/api/orders/{unknown}/return", null, null, 404, "not-found" },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task BadRequest_IsRefusedWithItsProblemAndChangesNothing(
        string because, string method, string path, string? contentType, string? body, int status, string? type)
    {
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Shopper.SendRawAsync(
            new HttpMethod(method), shop.Fill(path), body is null ? null : shop.Fill(body), contentType ?? Json);

        await ProblemAssert.IsAsync(response, (HttpStatusCode)status, type);
        await shop.Api.AssertUnchangedAsync(before, because);
    }

    [Fact]
    public async Task Return_BeforeDelivery_Is409AndChangesNothing()
    {
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Shopper.ReturnOrderAsync(Guid.Parse(shop.Ids["{order}"]));

        await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "illegal-transition");
        await shop.Api.AssertUnchangedAsync(before, "Return before delivery");
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000001")]
    public async Task Complete_WithAnIdempotencyKeyOtherThanTheSession_Is422AndChargesNothing(string key)
    {
        var sessionId = Guid.Parse(shop.Ids["{session}"]);
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Shopper.CompleteAsync(sessionId, Cards.Approved, idempotencyKey: key);

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "validation");
        await shop.Api.AssertUnchangedAsync(before, $"Complete with Idempotency-Key {key}");
        Assert.DoesNotContain(await shop.Api.GatewayOperationsAsync(), o => o.Key.Contains(sessionId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Complete_WithTheSessionIdAsIdempotencyKey_PlacesTheOrder()
    {
        var checkout = await shop.Shopper.OpenCheckoutAsync(("TEA-EARLGREY", 1));

        var response = await shop.Shopper.CompleteAsync(checkout.CheckoutSessionId, Cards.Approved, idempotencyKey: checkout.CheckoutSessionId.ToString());

        Assert.Equal("CONFIRMED", (await ApiClient.ReadAsync<PlacedDto>(response, HttpStatusCode.Created)).Status);
    }

    [Fact]
    public async Task StartCheckout_WithAPromoWhoseOnlyUseIsTaken_Is422LimitReachedAndChangesNothing()
    {
        await shop.Shopper.CheckoutAsync(await shop.Shopper.CartWithAsync(("TEA-SENCHA", 1)), email: "first@example.com", promoCode: "ONCE");
        var secondCart = await shop.Shopper.CartWithAsync(("TEA-SENCHA", 1));
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Shopper.StartCheckoutAsync(secondCart, email: "second@example.com", promoCode: "ONCE");

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "promo-limit-reached");
        await shop.Api.AssertUnchangedAsync(before, "Checkout with a used-up promo");
    }

    [Fact]
    public async Task StartCheckout_WhenStockRanOutAfterTheCartWasFilled_Is409WithTheShortage()
    {
        var cartId = await shop.Shopper.CartWithAsync(("TEA-MATCHA", 2));
        await shop.Shopper.CheckoutAsync(await shop.Shopper.CartWithAsync(("TEA-MATCHA", 1)), email: "faster@example.com");
        var before = await shop.Api.SnapshotAsync();

        var problem = await ProblemAssert.IsAsync(await shop.Shopper.StartCheckoutAsync(cartId), HttpStatusCode.Conflict, "out-of-stock");

        var shortage = Assert.Single(problem.GetProperty("shortages").EnumerateArray());
        Assert.Equal(("TEA-MATCHA", 2, 1), (shortage.GetProperty("sku").GetString(), shortage.GetProperty("requested").GetInt32(), shortage.GetProperty("available").GetInt32()));
        await shop.Api.AssertUnchangedAsync(before, "Checkout of a sold-out cart");
    }

    [Fact]
    public async Task StartCheckout_WithAProductNoLongerSold_Is422InvalidCartAndChangesNothing()
    {
        var cartId = await shop.Shopper.CartWithAsync(("GEAR-SCALE", 1));
        await using (var db = await shop.Api.DbAsync())
        {
            (await db.Products.SingleAsync(p => p.Sku == "GEAR-SCALE")).Deactivate();
            await db.SaveChangesAsync();
        }
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Shopper.StartCheckoutAsync(cartId);

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnprocessableEntity, "invalid-cart");
        await shop.Api.AssertUnchangedAsync(before, "Checkout of a product no longer sold");
    }
}
