using System.Net;
using Checkout.Data.Payments;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Api;

public class PaymentTests
{
    [Theory]
    [InlineData("4000 0000 0000 0002", "declined")]
    [InlineData("4000 0000 0000 9995", "insufficient funds")]
    public async Task Complete_WhenTheCardIsRefused_Is402NamingANewCheckoutThatHoldsTheUnitsForAnotherCard(string cardNumber, string detail)
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("GEAR-FLASK", 1));
        var first = await shopper.CheckoutAsync(cartId);
        var refusedCard = Cards.Approved with { CardNumber = cardNumber };

        var refused = await ProblemAssert.IsAsync(
            await shopper.CompleteAsync(first.CheckoutSessionId, refusedCard), HttpStatusCode.PaymentRequired, "payment-declined");

        Assert.Contains(detail, refused.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("try another card", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(refused.TryGetProperty("retryCheckoutSessionId", out var retryField), refused.ToString());
        var retry = retryField.GetGuid();
        Assert.NotEqual(first.CheckoutSessionId, retry);
        Assert.Equal((0, 1, 0), await api.StockAsync("GEAR-FLASK"));
        // A replay of the refused payment names the same new checkout and holds nothing more.
        var replayed = await ProblemAssert.IsAsync(
            await shopper.CompleteAsync(first.CheckoutSessionId, refusedCard), HttpStatusCode.PaymentRequired, "payment-declined");
        Assert.True(replayed.TryGetProperty("retryCheckoutSessionId", out var replayedRetry), replayed.ToString());
        Assert.Equal(retry, replayedRetry.GetGuid());
        Assert.Equal((0, 1, 0), await api.StockAsync("GEAR-FLASK"));
        var placed = await shopper.PayAsync(retry);
        Assert.Equal("CONFIRMED", placed.Status);
        Assert.Equal((0, 0, 1), await api.StockAsync("GEAR-FLASK"));
    }

    [Fact]
    public async Task StartAgain_AfterTheHoldExpired_HoldsWhatIsLeftUnderANewCheckoutWithTheSamePromo()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("TEA-MATCHA", 2));
        var first = await ApiClient.ReadAsync<CheckoutDto>(await shopper.StartCheckoutAsync(cartId, promoCode: "WELCOME10"), HttpStatusCode.Created);
        api.Clock.Advance(api.HoldTtl + TimeSpan.FromSeconds(1));
        await ProblemAssert.IsAsync(await shopper.CompleteAsync(first.CheckoutSessionId, Cards.Approved), HttpStatusCode.Gone, "hold-expired");

        var again = await ApiClient.ReadAsync<CheckoutDto>(
            await shopper.PostAsync($"/api/checkouts/{first.CheckoutSessionId}/start-again"), HttpStatusCode.Created);

        Assert.NotEqual(first.CheckoutSessionId, again.CheckoutSessionId);
        Assert.Equal("WELCOME10", again.PromoCode);
        Assert.Equal("CONFIRMED", (await shopper.PayAsync(again.CheckoutSessionId)).Status);
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
    }

    [Fact]
    public async Task Start_NamingASessionWhoseHoldExpired_StartsANewCheckout()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("TEA-MATCHA", 1));
        var sessionId = Guid.CreateVersion7();
        await ApiClient.ReadAsync<CheckoutDto>(await shopper.StartCheckoutAsync(cartId, checkoutSessionId: sessionId), HttpStatusCode.Created);
        api.Clock.Advance(api.HoldTtl + TimeSpan.FromSeconds(1));

        var again = await ApiClient.ReadAsync<CheckoutDto>(await shopper.StartCheckoutAsync(cartId, checkoutSessionId: sessionId), HttpStatusCode.Created);

        Assert.NotEqual(sessionId, again.CheckoutSessionId);
        Assert.Equal("CONFIRMED", (await shopper.PayAsync(again.CheckoutSessionId)).Status);
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
        Assert.Empty(await api.GatewayOperationsAsync());
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
