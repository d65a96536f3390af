using Checkout.Data;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Reliability;

/// <summary>
/// The gateway decorator: unanswered calls are retried with the same idempotency key (so the gateway's ledger keeps one
/// authorization), answers are not, a run of unanswered calls opens the circuit, and checkout turns all of it into a
/// retryable result. Time is the shop's fake clock; the test lets each wait run out.
/// </summary>
public abstract class GatewayResilienceTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(GatewayFailure.AnswerLost)]
    [InlineData(GatewayFailure.ConnectionDropped)]
    public async Task Authorize_FailingTransientlyTwice_IsRetriedWithTheSameKeyAndPersistsOneAuthorization(GatewayFailure failure)
    {
        await using var shop = await CreateShopAsync();
        var checkout = await OpenCheckoutAsync(shop);
        var gateway = new ScriptedGateway(Simulated(shop)).Fail(failure, times: 2);
        var clock = new WatchedClock(shop.Clock);
        var placeOrders = PlaceOrdersThrough(shop, Resilient(gateway, clock, retries: 3));

        var placing = placeOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved);
        var backoffs = await clock.ElapseUntilDoneAsync(placing, wait => wait != AttemptTimeout);

        Assert.Equal(OrderStatus.Confirmed, ResultAssert.Success(await placing).Order.Status);
        Assert.Equal(Enumerable.Repeat(checkout.CheckoutSessionId.ToString(), 3), gateway.AuthorizationKeys);
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(2, backoffs.Count);
        Assert.All(backoffs, wait => Assert.True(wait > TimeSpan.Zero, "a retry waits before it goes again"));
    }

    [Fact]
    public async Task Authorize_Declined_IsAnAnswerAndIsNotRetried()
    {
        await using var shop = await CreateShopAsync();
        var checkout = await OpenCheckoutAsync(shop);
        var gateway = new ScriptedGateway(Simulated(shop));
        var clock = new WatchedClock(shop.Clock);
        var placeOrders = PlaceOrdersThrough(shop, Resilient(gateway, clock, retries: 3));

        var placing = placeOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Declined);
        var backoffs = await clock.ElapseUntilDoneAsync(placing, wait => wait != AttemptTimeout);

        ResultAssert.Failure(await placing, ErrorCodes.PaymentDeclined);
        Assert.Single(gateway.AuthorizationKeys);
        Assert.Empty(backoffs);
    }

    [Fact]
    public async Task Attempt_ThatNeverAnswers_EndsAtTheAttemptTimeoutWithARetryableResult()
    {
        await using var shop = await CreateShopAsync();
        var checkout = await OpenCheckoutAsync(shop);
        var gateway = new ScriptedGateway(Simulated(shop)).Fail(GatewayFailure.Hangs, times: 1);
        var clock = new WatchedClock(shop.Clock);
        var placeOrders = PlaceOrdersThrough(shop, Resilient(gateway, clock, retries: 0));

        var placing = placeOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved);
        var waited = await clock.ElapseUntilDoneAsync(placing, wait => wait == AttemptTimeout);

        ResultAssert.Failure(await placing, ErrorCodes.PaymentPending);
        Assert.Equal([AttemptTimeout], waited);
        var retried = ResultAssert.Success(await placeOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, retried.Order.Status);
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
    }

    [Fact]
    public async Task Circuit_OpensAfterRepeatedUnansweredCalls_AndCheckoutGetsARetryableResultWithoutCallingTheGateway()
    {
        await using var shop = await CreateShopAsync();
        var first = await OpenCheckoutAsync(shop);
        var second = await OpenCheckoutAsync(shop, "second@example.com");
        var third = await OpenCheckoutAsync(shop, "third@example.com");
        var gateway = new ScriptedGateway(Simulated(shop)).Fail(GatewayFailure.Down, times: 2);
        var placeOrders = PlaceOrdersThrough(shop, Resilient(gateway, shop.Clock, retries: 0, breakerThreshold: 2));

        ResultAssert.Failure(await placeOrders.PlaceAsync(first.CheckoutSessionId, Cards.Approved), ErrorCodes.PaymentPending);
        ResultAssert.Failure(await placeOrders.PlaceAsync(second.CheckoutSessionId, Cards.Approved), ErrorCodes.PaymentPending);
        var refused = ResultAssert.Failure(await placeOrders.PlaceAsync(third.CheckoutSessionId, Cards.Approved), ErrorCodes.PaymentPending);

        Assert.Contains("you will not be charged twice", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2, gateway.AuthorizationKeys.Count);
        Assert.Empty(await shop.GatewayOperationsAsync());

        // After the break the next call goes through again, and the same checkout completes.
        shop.Clock.Advance(BreakDuration);
        var placed = ResultAssert.Success(await placeOrders.PlaceAsync(third.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal(3, gateway.AuthorizationKeys.Count);
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
    }

    [Fact]
    public async Task TheShopsGateway_IsTheSimulatorBehindTheDecorator_AndLooksUpWhatItAnswered()
    {
        await using var shop = await CreateShopAsync();
        var gateway = shop.Get<IPaymentGateway>();

        var authorized = await gateway.AuthorizeAsync("looked-up", 1000, "USD", Cards.Approved);

        Assert.IsType<ResilientPaymentGateway>(gateway);
        Assert.True(authorized.Approved);
        Assert.Equal(authorized, await gateway.FindAsync(GatewayOperationKind.Authorize, "looked-up"));
        Assert.Null(await gateway.FindAsync(GatewayOperationKind.Capture, "looked-up"));
    }

    private static SimulatedPaymentGateway Simulated(TestShop shop) => ActivatorUtilities.CreateInstance<SimulatedPaymentGateway>(shop.Services);

    private static PlaceOrderService PlaceOrdersThrough(TestShop shop, IPaymentGateway gateway) =>
        ActivatorUtilities.CreateInstance<PlaceOrderService>(shop.Services, gateway);

    private static ResilientPaymentGateway Resilient(IPaymentGateway inner, TimeProvider clock, int retries, int breakerThreshold = 10) => new(
        inner,
        clock,
        Options.Create(new CheckoutOptions
        {
            GatewayRetries = retries,
            GatewayRetryDelay = TimeSpan.FromMilliseconds(200),
            GatewayAttemptTimeout = AttemptTimeout,
            GatewayBreakerThreshold = breakerThreshold,
            GatewayBreakDuration = BreakDuration,
        }),
        NullLogger<ResilientPaymentGateway>.Instance);

    private static async Task<CheckoutView> OpenCheckoutAsync(TestShop shop, string email = "shopper@example.com")
    {
        var sku = $"GW-{email.Split('@')[0].ToUpperInvariant()}";
        await shop.AddProductAsync(sku, stock: 3);
        return await shop.OpenCheckoutAsync(email, lines: (sku, 1));
    }
}

public sealed class GatewayResilienceTestsOnSqlite() : GatewayResilienceTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class GatewayResilienceTestsOnPostgreSQL() : GatewayResilienceTests(DatabaseProvider.PostgreSQL);
