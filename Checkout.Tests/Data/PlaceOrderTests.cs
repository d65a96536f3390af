using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

public abstract class PlaceOrderTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task Place_WithGoodCard_ConfirmsConvertsHoldsCapturesAndWritesTheOutboxMessage()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("BUY-ME", priceMinor: 2000, stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("BUY-ME", 2));

        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved));

        var order = placed.Order;
        Assert.False(placed.Replayed);
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal(session.TotalMinor, order.TotalMinor);
        Assert.Matches("^CK-[A-Z2-9]{10}$", order.OrderNumber);
        Assert.Equal(
            [(null, OrderStatus.Pending), (OrderStatus.Pending, OrderStatus.PaymentAuthorized), (OrderStatus.PaymentAuthorized, OrderStatus.Confirmed)],
            order.History.Select(h => (h.From, h.To)));
        Assert.Equal(new PaymentView(PaymentStatus.Captured, 4499, 4499, 0, "Visa", "4242"), order.Payment);
        var stock = await shop.InventoryAsync("BUY-ME");
        Assert.Equal((3, 0, 2), (stock.Quantity, stock.Reserved, stock.Sold));
        Assert.Equal(1, await shop.CountAsync(db => db.Holds.Where(h => h.Status == HoldStatus.Converted)));
        Assert.Equal(CheckoutSessionStatus.Completed, ResultAssert.Success(await shop.Checkouts.GetAsync(session.CheckoutSessionId)).Status);
        Assert.Equal(1, await shop.CountAsync(db => db.OutboxMessages.Where(m => m.Type == OutboxTypes.OrderConfirmed && m.AggregateId == order.OrderId)));
    }

    [Fact]
    public async Task Place_SameSession20TimesConcurrently_MakesOneOrderOneAuthorizationOneCapture()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("DOUBLE-CLICK", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("DOUBLE-CLICK", 1));

        var results = await Race.RunAsync(20, _ => shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved));

        var orders = results.Select(ResultAssert.Success).ToList();
        Assert.Single(orders.Select(o => o.Order.OrderId).Distinct());
        Assert.Single(orders, o => !o.Replayed);
        Assert.Equal(OrderStatus.Confirmed, ResultAssert.Success(await shop.Orders.GetAsync(orders[0].Order.OrderId)).Status);
        await using var db = await shop.DbAsync();
        Assert.Equal(1, await db.Orders.CountAsync());
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(1, await db.Payments.CountAsync());
        Assert.Equal(1, await db.OutboxMessages.CountAsync());
        var stock = await shop.InventoryAsync("DOUBLE-CLICK");
        Assert.Equal((4, 0, 1), (stock.Quantity, stock.Reserved, stock.Sold));
    }

    [Fact]
    public async Task Place_Replayed_ReturnsTheFirstOrder()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("REPLAY", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("REPLAY", 1));

        var first = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved));
        var second = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved));
        var otherCard = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Declined);

        Assert.True(second.Replayed);
        Assert.Equal(first.Order.OrderId, second.Order.OrderId);
        Assert.Equal(OrderStatus.Confirmed, second.Order.Status);
        // Other card details after the authorization: the checkout is paid, and not with this card.
        ResultAssert.Failure(otherCard, ErrorCodes.AlreadyPaid);
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
    }

    [Theory]
    [InlineData(SimulatedPaymentGateway.DeclinedCard, "declined")]
    [InlineData(SimulatedPaymentGateway.InsufficientFundsCard, "insufficient funds")]
    public async Task Place_WhenTheCardIsRefused_FailsCancelsAndGivesBackHoldsAndPromo(string cardNumber, string message)
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("REFUSED", stock: 5);
        await shop.AddPromoAsync(new Checkout.Data.Promotions.PromoCode("ONCE", Checkout.Data.Promotions.PromoKind.Percentage, 10, usageLimit: 1));
        var session = await shop.OpenCheckoutAsync(promo: "ONCE", lines: ("REFUSED", 2));

        var result = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, new CardDetails(cardNumber, "12/30", "123"));

        var error = ResultAssert.Failure(result, ErrorCodes.PaymentDeclined);
        Assert.Contains(message, error.Message, StringComparison.OrdinalIgnoreCase);
        await using var db = await shop.DbAsync();
        var order = await db.Orders.Include(o => o.History).SingleAsync();
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal([OrderStatus.Pending, OrderStatus.PaymentFailed, OrderStatus.Cancelled], order.History.OrderBy(h => h.Id).Select(h => h.To));
        Assert.Equal((5, 0, 0), Stock(await shop.InventoryAsync("REFUSED")));
        Assert.Equal(0, (await db.PromoCodes.SingleAsync()).Used);
        Assert.Equal(0, await db.Payments.CountAsync());
        Assert.Equal(0, await db.OutboxMessages.CountAsync());

        // A replay answers the same; a new checkout with another card can still buy the units.
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved), ErrorCodes.PaymentDeclined);
        var retry = await shop.OpenCheckoutAsync(promo: "ONCE", lines: ("REFUSED", 2));
        Assert.Equal(OrderStatus.Confirmed, ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(retry.CheckoutSessionId, Cards.Approved)).Order.Status);
    }

    [Fact]
    public async Task Place_WhenTheGatewayTimesOut_StaysPendingAndTheRetryWithTheSameKeyAuthorizesOnce()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("AMBIGUOUS", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("AMBIGUOUS", 1));

        var first = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.TimesOutOnce);
        ResultAssert.Failure(first, ErrorCodes.PaymentPending);
        Assert.Equal(OrderStatus.Pending, (await SingleOrderAsync(shop)).Status);

        var retry = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.TimesOutOnce));

        Assert.Equal(OrderStatus.Confirmed, retry.Order.Status);
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await shop.CountAsync(db => db.Orders));
    }

    [Fact]
    public async Task Place_WithAnInvalidCard_ChangesNothing()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("BAD-CARD", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("BAD-CARD", 1));

        var result = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, new CardDetails("4242 4242 4242 4241", "12/30", "123"));

        ResultAssert.Failure(result, ErrorCodes.Validation);
        Assert.Equal(0, await shop.CountAsync(db => db.Orders));
        Assert.Empty(await shop.GatewayOperationsAsync());
        Assert.False(ResultAssert.Success(await shop.Checkouts.GetAsync(session.CheckoutSessionId)).HoldExtended);
    }

    [Fact]
    public async Task Place_UnknownSession_IsNotFound()
    {
        await using var shop = await CreateShopAsync();

        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(Guid.NewGuid(), Cards.Approved), ErrorCodes.NotFound);
    }

    [Fact]
    public async Task Place_AfterTheShopperCancelledTheCheckout_IsRefusedWithoutCharge()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("GAVE-UP", stock: 5);
        var session = await shop.OpenCheckoutAsync(lines: ("GAVE-UP", 3));

        Assert.Equal(CheckoutSessionStatus.Cancelled, ResultAssert.Success(await shop.Checkouts.CancelAsync(session.CheckoutSessionId)).Status);
        var result = await shop.PlaceOrders.PlaceAsync(session.CheckoutSessionId, Cards.Approved);

        ResultAssert.Failure(result, ErrorCodes.CheckoutClosed);
        Assert.Equal((5, 0, 0), Stock(await shop.InventoryAsync("GAVE-UP")));
        Assert.Empty(await shop.GatewayOperationsAsync());
    }

    private static (int, int, int) Stock(InventoryItem item) => (item.Quantity, item.Reserved, item.Sold);

    private static async Task<Order> SingleOrderAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.Orders.AsNoTracking().SingleAsync();
    }
}

public sealed class PlaceOrderTestsOnSqlite() : PlaceOrderTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PlaceOrderTestsOnPostgreSQL() : PlaceOrderTests(DatabaseProvider.PostgreSQL);
