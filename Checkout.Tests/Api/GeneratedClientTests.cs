using Checkout.Tests.Generated;
using Checkout.Tests.Generated.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace Checkout.Tests.Api;

/// <summary>
/// A real consumer of the API contract: the client Kiota generates from the app's OpenAPI document
/// (<c>scripts/generate-client.sh</c>; the test script fails when the checked-in one differs from a fresh generation)
/// buys, retries, reads and has an admin cancel, with nothing but what the document told it.
/// </summary>
public sealed class GeneratedClientTests
{
    private static readonly CompleteCheckoutRequest Card = new() { CardNumber = "4242 4242 4242 4242", Expiry = "12/30", Cvc = "123" };

    [Fact]
    public async Task TheGeneratedClient_PlacesAnOrder_RetriesWithTheSameKeys_ReadsItWithItsKey_AndAnAdminCancelsIt()
    {
        await using var app = new ApiFactory();
        // Kiota's own HTTP stack (its middleware reads the response headers) against the app's real socket.
        using var http = KiotaClientFactory.Create();
        var client = new CheckoutClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = app.Address.ToString().TrimEnd('/'),
        });

        var cart = await client.Api.Carts.PostAsync();
        await client.Api.Carts[cart!.CartId!.Value].Items["COF-KETTLE"].PutAsync(new SetQuantityRequest { Quantity = 1 });
        var start = new StartCheckoutRequest { CartId = cart.CartId, Email = "kiota@example.com", Name = "Kim Kiota" };
        var (started, startReplayed) = await WithKeyAsync("start-1", c => client.Api.Checkouts.PostAsync(start, c));
        var (startedAgain, startAgainReplayed) = await WithKeyAsync("start-1", c => client.Api.Checkouts.PostAsync(start, c));

        Assert.Equal((false, true), (startReplayed, startAgainReplayed));
        Assert.Equal(started!.CheckoutSessionId, startedAgain!.CheckoutSessionId);

        // Where it goes: Portland, Oregon, by the cheapest method.
        var portland = TestAddresses.Portland;
        var shipped = await client.Api.Checkouts[started.CheckoutSessionId!.Value].Shipping.PutAsync(new SetShippingRequest
        {
            ShippingAddress = new ShippingAddressInput
            {
                Name = portland.Name, Line1 = portland.Line1, City = portland.City, Region = portland.Region,
                PostalCode = portland.PostalCode, Country = portland.Country,
            },
        });
        Assert.Equal(("Standard", "97201"), (shipped!.DeliveryMethod!.Name, shipped.ShippingAddress!.PostalCode));

        // A payment's key is its checkout's id.
        var payKey = started.CheckoutSessionId!.Value.ToString();
        var complete = client.Api.Checkouts[started.CheckoutSessionId!.Value].Complete;
        var (placed, payReplayed) = await WithKeyAsync(payKey, c => complete.PostAsync(Card, c));
        var (placedAgain, payAgainReplayed) = await WithKeyAsync(payKey, c => complete.PostAsync(Card, c));

        Assert.Equal((false, true), (payReplayed, payAgainReplayed));
        Assert.Equal((placed!.OrderId, placed.OrderKey), (placedAgain!.OrderId, placedAgain.OrderKey));
        Assert.Equal("CONFIRMED", placed.Status);

        var order = await client.Api.Orders[placed.OrderId!.Value].GetAsync(c => c.Headers.Add("X-Order-Key", placed.OrderKey!));
        Assert.Equal((placed.OrderNumber, "CONFIRMED", 1), (order!.OrderNumber, order.Status, order.Lines!.Count));
        var withoutKey = await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Orders[placed.OrderId!.Value].GetAsync());
        Assert.Equal(404, withoutKey.ResponseStatusCode);

        var cancelled = await client.Api.Admin.Orders[placed.OrderId!.Value].Cancel.PostAsync(
            c => c.Headers.Add(Checkout.Web.Api.AdminApiKeyHandler.Header, ApiFactory.AdminKey));
        Assert.Equal("CANCELLED", cancelled!.Status);
        var refused = await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Admin.Orders[placed.OrderId!.Value].Cancel.PostAsync());
        Assert.Equal(401, refused.ResponseStatusCode);
    }

    [Fact]
    public async Task TheGeneratedClient_AsksForALinkToItsOrders_AndListsThemWithTheLinksToken()
    {
        await using var app = new ApiFactory();
        using var shopper = app.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("COF-KETTLE", 1));
        using var http = KiotaClientFactory.Create();
        var client = new CheckoutClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = app.Address.ToString().TrimEnd('/'),
        });

        var asked = await client.Api.Orders.Lookup.PostAsync(new LookUpOrdersRequest { Email = ApiClient.ShopperEmail, OrderNumber = placed.OrderNumber });
        var malformed = await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Orders.Lookup.PostAsync(new LookUpOrdersRequest { Email = "nobody", OrderNumber = "1" }));

        Assert.Equal(Checkout.Data.Orders.OrderLookups.Answer, asked!.Message);
        Assert.Equal(422, malformed.ResponseStatusCode);
        // The token the e-mail's link carries.
        var (token, _) = app.Get<Checkout.Web.Orders.OrderLookupLinks>().Issue(ApiClient.ShopperEmail);
        var mine = await client.Api.Orders.Mine.GetAsync(c => c.Headers.Add("X-Lookup-Token", token));
        var listed = Assert.Single(mine!.Orders!);
        Assert.Equal((placed.OrderId, placed.OrderNumber), (listed.OrderId, listed.OrderNumber));
        var order = await client.Api.Orders[listed.OrderId!.Value].GetAsync(c => c.Headers.Add("X-Order-Key", listed.OrderKey!));
        Assert.Equal("CONFIRMED", order!.Status);
        var refused = await Assert.ThrowsAsync<ProblemDetails>(() => client.Api.Orders.Mine.GetAsync());
        Assert.Equal(401, refused.ResponseStatusCode);
    }

    /// <summary>Sends a request with an <c>Idempotency-Key</c>; returns its answer and whether the server replayed a stored one.</summary>
    private static async Task<(T? Answer, bool Replayed)> WithKeyAsync<T>(string key, Func<Action<RequestConfiguration<DefaultQueryParameters>>, Task<T?>> send)
    {
        var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        var answer = await send(c =>
        {
            c.Headers.Add(Checkout.Web.Api.IdempotencyKeys.Header, key);
            c.Options.Add(headers);
        });
        return (answer, headers.ResponseHeaders.TryGetValue(Checkout.Web.Api.IdempotencyKeys.ReplayedHeader, out var replayed) && replayed.Contains("true"));
    }
}
