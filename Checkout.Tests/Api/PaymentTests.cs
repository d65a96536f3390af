using System.Net;
using Checkout.Data.Payments;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Api;

public class PaymentTests
{
    [Theory]
    [InlineData("4000 0000 0000 0002", "declined")]
    [InlineData("4000 0000 0000 9995", "insufficient funds")]
    public async Task Complete_WhenTheCardIsRefused_Is402AndANewCheckoutWithAGoodCardBuysTheSameUnits(string cardNumber, string detail)
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("GEAR-FLASK", 1));
        var first = await shopper.CheckoutAsync(cartId);

        var refused = await ProblemAssert.IsAsync(
            await shopper.CompleteAsync(first.CheckoutSessionId, Cards.Approved with { CardNumber = cardNumber }), HttpStatusCode.PaymentRequired, "payment-declined");

        Assert.Contains(detail, refused.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((1, 0, 0), await api.StockAsync("GEAR-FLASK"));
        var again = await shopper.CheckoutAsync(cartId);
        Assert.NotEqual(first.CheckoutSessionId, again.CheckoutSessionId);
        var placed = await shopper.PayAsync(again.CheckoutSessionId);
        Assert.Equal("CONFIRMED", placed.Status);
        Assert.Equal((0, 0, 1), await api.StockAsync("GEAR-FLASK"));
    }

    [Fact]
    public async Task Complete_WhenTheGatewayTimesOut_Is504AndTheRetryPlacesTheOrderWithOneAuthorization()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-KETTLE", 1));

        await ProblemAssert.IsAsync(await shopper.CompleteAsync(checkout.CheckoutSessionId, Cards.TimesOutOnce), HttpStatusCode.GatewayTimeout, "payment-pending");
        var retry = await shopper.CompleteAsync(checkout.CheckoutSessionId, Cards.TimesOutOnce);

        var placed = await shopper.ReadPlacedAsync(retry, HttpStatusCode.Created);
        Assert.Equal("CONFIRMED", (await shopper.OrderAsync(placed.OrderId)).Status);
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
    }

    [Fact]
    public async Task Complete_AfterTheHoldExpired_Is410AndChargesNothing()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("TEA-MATCHA", 2));

        api.Clock.Advance(api.HoldTtl + TimeSpan.FromSeconds(1));
        var response = await shopper.CompleteAsync(checkout.CheckoutSessionId, Cards.Approved);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Gone, "hold-expired");
        Assert.Equal(0, await api.CountAsync(db => db.GatewayOperations));
        Assert.Equal(0, await api.CountAsync(db => db.Orders));
    }

    [Fact]
    public async Task Complete_OneSecondBeforeTheHoldExpires_PlacesTheOrder()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("TEA-MATCHA", 2));

        api.Clock.Advance(api.HoldTtl - TimeSpan.FromSeconds(1));
        var placed = await shopper.PayAsync(checkout.CheckoutSessionId);

        Assert.Equal("CONFIRMED", placed.Status);
        Assert.Equal((0, 0, 2), await api.StockAsync("TEA-MATCHA"));
    }
}
