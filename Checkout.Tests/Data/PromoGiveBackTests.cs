using System.Data.Common;
using Checkout.Data;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Data;

/// <summary>
/// A paid order cancelled before shipment gives its promo use back in the cancel's own transaction
/// (<c>Checkout:Promotions:GiveBackOnCancel</c>): the code's limit and the shopper's both count it no more, once.
/// </summary>
public abstract class PromoGiveBackTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Sku = "PROMO-ITEM";
    private const string Code = "ONCE";
    private const string Shopper = "shopper@example.com";
    private static readonly TransitionRequest Admin = new("admin@shop", "Asked by the customer", "TRACK-0001");

    [Theory]
    [InlineData(OrderStatus.Confirmed)]
    [InlineData(OrderStatus.PaymentAuthorized)]
    public async Task Cancel_OfAPaidOrder_GivesItsUseBack_SoTheSameShopperMayUseTheCodeOnceMore(OrderStatus paid)
    {
        await using var shop = await CreateShopAsync();
        var order = await PaidWithPromoAsync(shop);
        await shop.ForceStatusAsync(order.OrderId, paid);
        ResultAssert.Failure(await StartAsync(shop, Shopper), ErrorCodes.PromoLimitReached);

        var cancelled = ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, Admin));

        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Equal((0, RedemptionStatus.Released), await PromoStateAsync(shop, order.CheckoutSessionId));
        // The code was at its usage limit and once per shopper: the shopper who gave it back uses it again, and only once.
        var again = ResultAssert.Success(await StartAsync(shop, Shopper));
        Assert.Equal(Code, again.PromoCode);
        Assert.Equal((1, RedemptionStatus.Reserved), await PromoStateAsync(shop, again.CheckoutSessionId));
        ResultAssert.Failure(await StartAsync(shop, "other@example.com"), ErrorCodes.PromoLimitReached);
    }

    [Fact]
    public async Task Cancel_WithGiveBackSwitchedOff_KeepsTheUseTaken()
    {
        await using var shop = await CreateShopAsync(new Dictionary<string, string?> { ["Checkout:Promotions:GiveBackOnCancel"] = "false" });
        var order = await PaidWithPromoAsync(shop);

        ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, Admin));

        Assert.Equal((1, RedemptionStatus.Consumed), await PromoStateAsync(shop, order.CheckoutSessionId));
        ResultAssert.Failure(await StartAsync(shop, Shopper), ErrorCodes.PromoLimitReached);
    }

    [Fact]
    public async Task Cancel_AfterShipment_IsRefusedAndKeepsTheUse_AsDoesAReturn()
    {
        await using var shop = await CreateShopAsync();
        var order = await PaidWithPromoAsync(shop);
        ResultAssert.Success(await shop.Orders.ShipAsync(order.OrderId, Admin));

        await shop.AssertRefusedAsync(ErrorCodes.IllegalTransition, () => shop.Orders.CancelAsync(order.OrderId, Admin));

        ResultAssert.Success(await shop.Orders.DeliverAsync(order.OrderId, Admin));
        ResultAssert.Success(await shop.Orders.InitiateReturnAsync(order.OrderId, Admin));
        ResultAssert.Success(await shop.Orders.CompleteReturnAsync(order.OrderId, Admin));
        Assert.Equal((1, RedemptionStatus.Consumed), await PromoStateAsync(shop, order.CheckoutSessionId));
    }

    [Fact]
    public async Task Cancel_OfAnOrderWithoutPromo_LeavesEveryPromoUseAlone()
    {
        await using var shop = await CreateShopAsync();
        var withPromo = await PaidWithPromoAsync(shop);
        var checkout = await shop.OpenCheckoutAsync("plain@example.com", null, (Sku, 2));
        var plain = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved)).Order;

        var cancelled = ResultAssert.Success(await shop.Orders.CancelAsync(plain.OrderId, Admin));

        Assert.Equal((OrderStatus.Cancelled, null), (cancelled.Status, cancelled.PromoCode));
        Assert.Equal((9, 0, 1), await shop.StockAsync(Sku));
        Assert.Equal((1, RedemptionStatus.Consumed), await PromoStateAsync(shop, withPromo.CheckoutSessionId));
    }

    public enum Fault
    {
        /// <summary>The statement that takes the use off the code's count fails.</summary>
        GiveBack,

        /// <summary>The cancel's commit fails.</summary>
        Commit,
    }

    [Theory]
    [InlineData(Fault.GiveBack)]
    [InlineData(Fault.Commit)]
    public async Task Cancel_WhoseWriteFails_NeitherCancelsNorGivesTheUseBack(Fault fault)
    {
        var failing = new FailingWrite(fault);
        await using var shop = await CreateShopAsync(interceptors: [failing]);
        var order = await PaidWithPromoAsync(shop);
        var before = await shop.SnapshotAsync();

        failing.Armed = true;
        await Assert.ThrowsAsync<DatabaseGone>(() => shop.Orders.CancelAsync(order.OrderId, Admin));

        Assert.False(failing.Armed, "The fault was reached.");
        await shop.AssertUnchangedAsync(before, "A cancel whose write failed");
        // Tried again, the cancel goes through and gives the use back once.
        ResultAssert.Success(await shop.Orders.CancelAsync(order.OrderId, Admin));
        Assert.Equal((0, RedemptionStatus.Released), await PromoStateAsync(shop, order.CheckoutSessionId));
    }

    [Fact]
    public async Task Cancel_TenAtOnceWhileAnotherShopperRedeemsTheUsedUpCode_GivesTheUseBackOnce()
    {
        await using var shop = await CreateShopAsync();
        var order = await PaidWithPromoAsync(shop);
        var cart = await shop.CartWithAsync((Sku, 1));
        var gate = new ReadGate("FROM orders", 10);
        var orders = new OrderService(
            shop.GatedDbFactory(gate), shop.Get<IPaymentGateway>(), shop.Clock, shop.Get<CheckoutEvents>(), shop.Get<IWaitingDemand>(),
            shop.Get<IOptions<CheckoutOptions>>());

        var results = await Race.RunAsync(11, async i => i < 10
            ? (await orders.CancelAsync(order.OrderId, Admin)).Error?.Code ?? "cancelled"
            : (await shop.StartCheckoutAsync(cart, Code, "racer@example.com")).Error?.Code ?? "redeemed");

        Assert.True(gate.Arrived >= 10, "Every cancel read the order before any wrote.");
        var cancels = results.Take(10).ToList();
        Assert.Single(cancels, r => r == "cancelled");
        Assert.All(cancels.Where(r => r != "cancelled"), r => Assert.Equal(ErrorCodes.Conflict, r));
        // The racer came before the use was given back (refused) or after it (taken it): either way the count agrees.
        Assert.Contains(results[10], new[] { "redeemed", ErrorCodes.PromoLimitReached });
        var redeemed = results[10] == "redeemed" ? 1 : 0;
        Assert.Equal((redeemed, RedemptionStatus.Released), await PromoStateAsync(shop, order.CheckoutSessionId));
        Assert.Equal(redeemed, await shop.CountAsync(db => db.PromoRedemptions.Where(r => r.Status != RedemptionStatus.Released)));
        if (redeemed == 0)
        {
            ResultAssert.Success(await shop.StartCheckoutAsync(cart, Code, "racer@example.com"));
        }
        ResultAssert.Failure(await StartAsync(shop, "late@example.com"), ErrorCodes.PromoLimitReached);
        Assert.Equal((1, RedemptionStatus.Released), await PromoStateAsync(shop, order.CheckoutSessionId));
    }

    /// <summary>
    /// A confirmed order of one <see cref="Sku"/> paid with <see cref="Code"/>, a code of one use in all and one per
    /// shopper: its only use is the order's.
    /// </summary>
    private static async Task<OrderView> PaidWithPromoAsync(TestShop shop)
    {
        await shop.AddProductAsync(Sku, priceMinor: 2500, stock: 10);
        await shop.AddPromoAsync(new PromoCode(Code, PromoKind.Percentage, 10, usageLimit: 1, perCustomerLimit: 1));
        var checkout = await shop.OpenCheckoutAsync(Shopper, Code, (Sku, 1));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal((OrderStatus.Confirmed, Code), (placed.Order.Status, placed.Order.PromoCode));
        Assert.Equal((1, RedemptionStatus.Consumed), await PromoStateAsync(shop, checkout.CheckoutSessionId));
        return placed.Order;
    }

    /// <summary>Starts a checkout of one unit with <see cref="Code"/> for <paramref name="email"/>, from a cart of its own.</summary>
    private static async Task<Result<CheckoutView>> StartAsync(TestShop shop, string email) =>
        await shop.StartCheckoutAsync(await shop.CartWithAsync((Sku, 1)), Code, email);

    /// <summary>The code's count of uses taken, and the status of the session's use of it.</summary>
    private static async Task<(int Used, RedemptionStatus Use)> PromoStateAsync(TestShop shop, Guid sessionId)
    {
        await using var db = await shop.DbAsync();
        var used = (await db.PromoCodes.AsNoTracking().SingleAsync(p => p.Code == Code)).Used;
        return (used, (await db.PromoRedemptions.AsNoTracking().SingleAsync(r => r.CheckoutSessionId == sessionId)).Status);
    }

    private sealed class DatabaseGone() : Exception("The database went away.");

    /// <summary>Once armed, the next write at <paramref name="fault"/> fails, as a database gone at that moment would, and disarms.</summary>
    private sealed class FailingWrite(Fault fault) : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private int _armed;

        public bool Armed
        {
            get => Volatile.Read(ref _armed) == 1;
            set => Volatile.Write(ref _armed, value ? 1 : 0);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            fault == Fault.GiveBack
                && command.CommandText.Replace("\"", "", StringComparison.Ordinal).Contains("UPDATE promo_codes SET Used = Used - 1", StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref _armed, 0, 1) == 1
                ? throw new DatabaseGone()
                : ValueTask.FromResult(result);

        public ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            fault == Fault.Commit && Interlocked.CompareExchange(ref _armed, 0, 1) == 1
                ? throw new DatabaseGone()
                : ValueTask.FromResult(result);
    }
}

public sealed class PromoGiveBackTestsOnSqlite() : PromoGiveBackTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class PromoGiveBackTestsOnPostgreSQL() : PromoGiveBackTests(DatabaseProvider.PostgreSQL);
