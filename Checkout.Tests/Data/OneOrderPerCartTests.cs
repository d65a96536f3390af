using Checkout.Data;
using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Checkout.Data.Telemetry;

namespace Checkout.Tests.Data;

/// <summary>
/// One cart, one open checkout, one order: repeated and concurrent starts find the open checkout, the authorization
/// closes the cart, and what the shopper added meanwhile moves on to the next cart.
/// </summary>
public abstract class OneOrderPerCartTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private static readonly CardDetails Mastercard = new("5555 5555 5555 4444", "12/30", "123");

    [Fact]
    public async Task Start_20TimesAtOnceWithoutASessionId_MakesOneSessionAndHoldsOnce()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 3), ("B", 2));

        var results = await Race.RunAsync(20, _ => shop.Checkouts.StartOrFindAsync(Request(cartId)));

        var started = results.Select(ResultAssert.Success).ToList();
        var sessionId = Assert.Single(started.Select(s => s.Checkout.CheckoutSessionId).Distinct());
        Assert.Single(started, s => s.Created);
        await AssertHeldOnceAsync(shop, sessionId, ("A", 3), ("B", 2));
    }

    [Fact]
    public async Task Start_20TimesAtOnceEachWithItsOwnSessionId_MakesOneSessionAndHoldsOnce()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 3), ("B", 2));
        var minted = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();

        var results = await Race.RunAsync(20, i => shop.Checkouts.StartOrFindAsync(Request(cartId) with { CheckoutSessionId = minted[i] }));

        var started = results.Select(ResultAssert.Success).ToList();
        var sessionId = Assert.Single(started.Select(s => s.Checkout.CheckoutSessionId).Distinct());
        Assert.Contains(sessionId, minted);
        Assert.Single(started, s => s.Created);
        await AssertHeldOnceAsync(shop, sessionId, ("A", 3), ("B", 2));
    }

    [Fact]
    public async Task Place_TheSessionsOfTwoStartsWithDifferentIds20TimesAtOnce_MakesOneOrderOneAuthorizationOneCapture()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 1));
        var (firstId, secondId) = (Guid.NewGuid(), Guid.NewGuid());
        var first = ResultAssert.Success(await shop.Checkouts.StartOrFindAsync(Request(cartId) with { CheckoutSessionId = firstId }));
        var second = ResultAssert.Success(await shop.Checkouts.StartOrFindAsync(Request(cartId) with { CheckoutSessionId = secondId }));
        Assert.Equal((firstId, true), (first.Checkout.CheckoutSessionId, first.Created));
        Assert.Equal((firstId, false), (second.Checkout.CheckoutSessionId, second.Created));

        var results = await Race.RunAsync(20, i =>
            shop.PlaceOrders.PlaceAsync((i % 2 == 0 ? first : second).Checkout.CheckoutSessionId, Cards.Approved));

        var placed = results.Select(ResultAssert.Success).ToList();
        Assert.Single(placed.Select(p => p.Order.OrderId).Distinct());
        Assert.Single(placed, p => !p.Replayed);
        // The id the second start minted never became a checkout: placing it charges nothing.
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(secondId, Cards.Approved), ErrorCodes.NotFound);
        await using var db = await shop.DbAsync();
        Assert.Equal(1, await db.CheckoutSessions.CountAsync());
        Assert.Equal(1, await db.Orders.CountAsync(o => o.Status == OrderStatus.Confirmed));
        Assert.Equal(1, await db.Orders.CountAsync());
        Assert.Equal(1, await db.Payments.CountAsync());
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal((9, 0, 1), Stock(await shop.InventoryAsync("A")));
    }

    [Fact]
    public async Task Cart_AfterItsOrder_IsClosedAndItsShopperGetsOneEmptySuccessor()
    {
        await using var shop = await CreateShopAsync();
        var (cartId, _) = await PaidCartAsync(shop, ("A", 2));

        await shop.AssertRefusedAsync(ErrorCodes.CartClosed, () => shop.StartCheckoutAsync(cartId));
        await shop.AssertRefusedAsync(ErrorCodes.CartClosed, () => shop.Checkouts.StartAsync(Request(cartId) with { CheckoutSessionId = Guid.NewGuid() }));
        await shop.AssertRefusedAsync(ErrorCodes.CartClosed, () => shop.Carts.SetQuantityAsync(cartId, "A", 1));
        await shop.AssertRefusedAsync(ErrorCodes.CartClosed, () => shop.Carts.AcceptChangesAsync(cartId));
        var closed = await CartRowAsync(shop, cartId);
        Assert.Equal((CartStatus.CheckedOut, 0, null), (closed.Status, closed.Lines.Count, closed.NextCartId));

        var current = await Race.RunAsync(10, _ => shop.Carts.CurrentAsync(cartId));

        var successorId = Assert.Single(current.Distinct());
        Assert.NotEqual(cartId, successorId);
        Assert.Equal(2, await shop.CountAsync(db => db.Carts));
        Assert.Equal(successorId, (await CartRowAsync(shop, cartId)).NextCartId);
        var successor = await CartRowAsync(shop, successorId);
        Assert.Equal((CartStatus.Open, 0, null), (successor.Status, successor.Lines.Count, successor.NextCartId));
        Assert.Equal(successorId, await shop.Carts.CurrentAsync(successorId));
        Assert.Equal(successorId, await shop.Carts.CurrentAsync(cartId));
        Assert.Equal(2, await shop.CountAsync(db => db.Carts));
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(successorId, "A", 1));
    }

    [Fact]
    public async Task Cart_LinesAddedAfterCheckoutStarted_SurviveTheOrderInTheSuccessor()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 2));
        await shop.AddProductAsync("LATER", stock: 10);
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "A", 3));
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "LATER", 1));

        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));

        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal([("A", 2)], placed.Order.Lines.Select(l => (l.Sku, l.Quantity)));
        var closed = await CartRowAsync(shop, cartId);
        Assert.Equal(CartStatus.CheckedOut, closed.Status);
        Assert.Equal([("A", 1), ("LATER", 1)], Lines(closed));
        await shop.AssertRefusedAsync(ErrorCodes.CartClosed, () => shop.Carts.AcceptPriceAsync(cartId, "LATER"));
        var successorId = await shop.Carts.CurrentAsync(cartId);
        Assert.NotEqual(cartId, successorId);
        var successor = await CartRowAsync(shop, successorId);
        Assert.Equal(CartStatus.Open, successor.Status);
        Assert.Equal([("A", 1), ("LATER", 1)], Lines(successor));
        Assert.Equal((8, 0, 2), Stock(await shop.InventoryAsync("A")));
        Assert.Equal((10, 0, 0), Stock(await shop.InventoryAsync("LATER")));
    }

    [Fact]
    public async Task Start_AfterADeclinedCard_MakesANewSessionOnTheStillOpenCartAndHoldsOnce()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 2));
        var declined = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(declined.CheckoutSessionId, Cards.Declined), ErrorCodes.PaymentDeclined);
        Assert.Equal(CartStatus.Open, (await CartRowAsync(shop, cartId)).Status);

        var again = ResultAssert.Success(await shop.Checkouts.StartOrFindAsync(Request(cartId)));

        Assert.True(again.Created);
        Assert.NotEqual(declined.CheckoutSessionId, again.Checkout.CheckoutSessionId);
        Assert.Equal(CheckoutSessionStatus.Failed, ResultAssert.Success(await shop.Checkouts.GetAsync(declined.CheckoutSessionId)).Status);
        await AssertHeldOnceAsync(shop, again.Checkout.CheckoutSessionId, ("A", 2));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(again.Checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal((8, 0, 2), Stock(await shop.InventoryAsync("A")));
    }

    [Fact]
    public async Task Start_AfterTheCartChangedBeforePayment_CancelsTheOldSessionAndHoldsTheNewCartOnce()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 2), ("B", 1));
        var old = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "B", 0));
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "C", 4));

        var replaced = ResultAssert.Success(await shop.Checkouts.StartOrFindAsync(Request(cartId)));

        Assert.True(replaced.Created);
        Assert.NotEqual(old.CheckoutSessionId, replaced.Checkout.CheckoutSessionId);
        Assert.Equal(CheckoutSessionStatus.Cancelled, ResultAssert.Success(await shop.Checkouts.GetAsync(old.CheckoutSessionId)).Status);
        Assert.Equal(2, await shop.CountAsync(db => db.Holds.Where(h => h.CheckoutSessionId == old.CheckoutSessionId && h.Status == HoldStatus.Released)));
        await AssertHeldOnceAsync(shop, replaced.Checkout.CheckoutSessionId, ("A", 2), ("C", 4));
        Assert.Equal((10, 0, 0), Stock(await shop.InventoryAsync("B")));
    }

    [Fact]
    public async Task Start_20TimesAtOnceAfterTheCartChanged_ReplacesTheOldSessionOnceAndHoldsOnce()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 2));
        var old = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "B", 3));

        var results = await Race.RunAsync(20, _ => shop.Checkouts.StartOrFindAsync(Request(cartId)));

        var started = results.Select(ResultAssert.Success).ToList();
        var sessionId = Assert.Single(started.Select(s => s.Checkout.CheckoutSessionId).Distinct());
        Assert.NotEqual(old.CheckoutSessionId, sessionId);
        Assert.Single(started, s => s.Created);
        Assert.Equal(CheckoutSessionStatus.Cancelled, ResultAssert.Success(await shop.Checkouts.GetAsync(old.CheckoutSessionId)).Status);
        Assert.Equal(2, await shop.CountAsync(db => db.CheckoutSessions));
        await AssertHeldOnceAsync(shop, sessionId, ("A", 2), ("B", 3));
    }

    [Fact]
    public async Task Start_AfterPaymentStartedAndTheCartChanged_ReturnsThatSessionAndReplacesNothing()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 2));
        var paying = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(paying.CheckoutSessionId, Cards.TimesOutOnce), ErrorCodes.PaymentPending);
        Assert.True(ResultAssert.Success(await shop.Checkouts.GetAsync(paying.CheckoutSessionId)).HoldExtended);
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "B", 1));
        var before = await shop.SnapshotAsync();

        var again = ResultAssert.Success(await shop.Checkouts.StartOrFindAsync(Request(cartId) with { Email = "other@example.com" }));

        Assert.Equal((paying.CheckoutSessionId, false, true), (again.Checkout.CheckoutSessionId, again.Created, again.Checkout.HoldExtended));
        Assert.Equal(before, await shop.SnapshotAsync());
        Assert.Equal((8, 2, 0), Stock(await shop.InventoryAsync("A")));
        Assert.Equal((10, 0, 0), Stock(await shop.InventoryAsync("B")));

        // The payment then finishes on that session, and the line added meanwhile moves on to the next cart.
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(paying.CheckoutSessionId, Cards.TimesOutOnce));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        Assert.Equal([("B", 1)], Lines(await CartRowAsync(shop, await shop.Carts.CurrentAsync(cartId))));
    }

    [Fact]
    public async Task Place_PaidCheckoutAgainWithAnotherCard_IsAlreadyPaidAndAuthorizesNothingNew()
    {
        await using var shop = await CreateShopAsync();
        var (_, placed) = await PaidCartAsync(shop, ("A", 1));
        var sessionId = placed.Order.CheckoutSessionId;

        await shop.AssertRefusedAsync(ErrorCodes.AlreadyPaid, () => shop.PlaceOrders.PlaceAsync(sessionId, Mastercard));
        await shop.AssertRefusedAsync(ErrorCodes.AlreadyPaid, () => shop.PlaceOrders.PlaceAsync(sessionId, new CardDetails("4000 0566 5566 5556", "12/30", "123")));
        var replay = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(sessionId, Cards.Approved));

        Assert.Equal((placed.Order.OrderId, true), (replay.Order.OrderId, replay.Replayed));
        Assert.Equal(("Visa", "4242"), (replay.Order.Payment!.CardBrand, replay.Order.Payment.CardLast4));
        await using var db = await shop.DbAsync();
        var payment = await db.Payments.AsNoTracking().SingleAsync();
        Assert.Equal(("Visa", "4242", PaymentStatus.Captured), (payment.CardBrand, payment.CardLast4, payment.Status));
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(1, await db.Orders.CountAsync());
    }

    [Fact]
    public async Task Place_20AtOnceWithTwoCardsAfterATimeout_RecordsTheAuthorizedCardAndRefusesTheOther()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 1));
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        // The gateway authorized the timeout card but its answer was lost: every retry now gets that authorization.
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.TimesOutOnce), ErrorCodes.PaymentPending);

        var results = await Race.RunAsync(20, i => shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, i % 2 == 0 ? Cards.TimesOutOnce : Mastercard));

        var paid = results.Where((_, i) => i % 2 == 0).Select(ResultAssert.Success).ToList();
        Assert.Single(paid.Select(p => p.Order.OrderId).Distinct());
        Assert.All(paid, p => Assert.Equal((OrderStatus.Confirmed, "0119"), (p.Order.Status, p.Order.Payment!.CardLast4)));
        Assert.All(results.Where((_, i) => i % 2 == 1), r => ResultAssert.Failure(r, ErrorCodes.AlreadyPaid));
        await using var db = await shop.DbAsync();
        var payment = await db.Payments.AsNoTracking().SingleAsync();
        Assert.Equal(("Visa", "0119", PaymentStatus.Captured), (payment.CardBrand, payment.CardLast4, payment.Status));
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await shop.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(0, await shop.GatewayCallsAsync(GatewayOperationKind.Void));
        Assert.Equal(1, await db.Orders.CountAsync());
        Assert.Equal(CartStatus.CheckedOut, (await CartRowAsync(shop, cartId)).Status);
    }

    [Fact]
    public async Task Cart_EditThatReadTheCartBeforeTheAuthorization_IsRefusedAndAddsNothing()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 1));
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        // The edit reads the open cart, then waits until the order's authorization has closed it.
        var gate = new ReadGate("FROM carts", participants: 2);
        var carts = new CartService(shop.GatedDbFactory(gate), shop.Get<WriteUnits>(), shop.Clock);
        // No time passes between the cart's last edit and this one: the guard must not depend on the clock moving.
        var edit = Task.Run(() => carts.SetQuantityAsync(cartId, "B", 1));
        await Eventually.TrueAsync(() => Task.FromResult(gate.Arrived == 1), "the edit read the cart");
        ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        await using (var db = shop.GatedDbFactory(gate).CreateDbContext())
        {
            Assert.Single(await db.Carts.AsNoTracking().ToListAsync());
        }

        ResultAssert.Failure(await edit, ErrorCodes.CartClosed);

        var closed = await CartRowAsync(shop, cartId);
        Assert.Equal((CartStatus.CheckedOut, 0), (closed.Status, closed.Lines.Count));
        Assert.Empty(Lines(await CartRowAsync(shop, await shop.Carts.CurrentAsync(cartId))));
    }

    [Fact]
    public async Task Cart_30EditsAtOnce_KeepEveryLineOnceAndTheLastQuantityOfEach()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 1));
        for (var i = 0; i < 10; i++)
        {
            await shop.AddProductAsync($"EACH-{i}", priceMinor: 700, stock: 50);
        }
        // Ten edits each add a line of their own; twenty set one new line, each to its own quantity; all read the cart
        // before most of the others wrote it.
        var results = await Race.RunAsync(30, i => i < 10
            ? shop.Carts.SetQuantityAsync(cartId, $"EACH-{i}", i + 1)
            : shop.Carts.SetQuantityAsync(cartId, "B", (i % 5) + 1));

        Assert.All(results, r => ResultAssert.Success(r));
        var lines = Lines(await CartRowAsync(shop, cartId));
        Assert.Equal(12, lines.Length);
        Assert.Contains(("A", 1), lines);
        Assert.All(Enumerable.Range(0, 10), i => Assert.Contains(($"EACH-{i}", i + 1), lines));
        Assert.InRange(Assert.Single(lines, l => l.Item1 == "B").Item2, 1, 5);
        var view = ResultAssert.Success(await shop.Carts.GetAsync(cartId));
        Assert.Equal(lines.Sum(l => l.Item2), view.ItemCount);
        Assert.Empty(view.Problems);
    }

    [Fact]
    public async Task Cart_TwoEditsThatBothReadTheCartBeforeEitherWrote_BothSucceedAndAddTheLineOnce()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 1));
        // Both edits read the cart without a B line, then both write one.
        var gate = new ReadGate("FROM carts", participants: 2);
        var carts = new CartService(shop.GatedDbFactory(gate), shop.Get<WriteUnits>(), shop.Clock);

        var results = await Task.WhenAll(Task.Run(() => carts.SetQuantityAsync(cartId, "B", 2)), Task.Run(() => carts.SetQuantityAsync(cartId, "B", 3)));

        Assert.All(results, r => ResultAssert.Success(r));
        var lines = Lines(await CartRowAsync(shop, cartId));
        Assert.Equal(2, lines.Length);
        Assert.Contains(Assert.Single(lines, l => l.Item1 == "B").Item2, new[] { 2, 3 });
    }

    [Fact]
    public async Task Start_ThatReadTheCheckoutJustBeforePaymentStarted_ReturnsThePayingSessionAndReplacesNothing()
    {
        await using var shop = await CreateShopAsync();
        var cartId = await CartAsync(shop, ("A", 2));
        var paying = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        ResultAssert.Success(await shop.Carts.SetQuantityAsync(cartId, "B", 1));
        // The start reads the open checkout before its payment starts, then goes on once it has.
        var gate = new ReadGate("FROM checkout_sessions", participants: 2);
        var checkouts = new CheckoutService(
            shop.GatedDbFactory(gate), shop.Get<WriteUnits>(), shop.Clock, shop.Get<IOptions<CheckoutOptions>>(), shop.Get<CheckoutEvents>(), shop.Get<CheckoutMetrics>(),
            shop.Get<IWaitingDemand>(), shop.Get<DeliveryOptions>(), shop.Get<TaxRates>());
        var start = Task.Run(() => checkouts.StartOrFindAsync(Request(cartId)));
        await Eventually.TrueAsync(() => Task.FromResult(gate.Arrived == 1), "the start read the open checkout");
        ResultAssert.Failure(await shop.PlaceOrders.PlaceAsync(paying.CheckoutSessionId, Cards.TimesOutOnce), ErrorCodes.PaymentPending);
        await using (var db = shop.GatedDbFactory(gate).CreateDbContext())
        {
            Assert.Single(await db.CheckoutSessions.AsNoTracking().ToListAsync());
        }

        var started = ResultAssert.Success(await start);

        Assert.Equal((paying.CheckoutSessionId, false), (started.Checkout.CheckoutSessionId, started.Created));
        Assert.Equal(OrderStatus.Confirmed, ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(paying.CheckoutSessionId, Cards.TimesOutOnce)).Order.Status);
    }

    private static StartCheckout Request(Guid cartId) => new(cartId, "shopper@example.com", "Sam Shopper", ShippingAddress: TestAddresses.Portland);

    /// <summary>Products A, B and C, 10 in stock each, and a cart with the lines.</summary>
    private static async Task<Guid> CartAsync(TestShop shop, params (string Sku, int Quantity)[] lines)
    {
        foreach (var sku in new[] { "A", "B", "C" })
        {
            await shop.AddProductAsync(sku, priceMinor: 1500, stock: 10);
        }
        return await shop.CartWithAsync(lines);
    }

    /// <summary>A cart with the lines whose checkout was paid with the good card: its order is CONFIRMED.</summary>
    private static async Task<(Guid CartId, PlacedOrder Placed)> PaidCartAsync(TestShop shop, params (string Sku, int Quantity)[] lines)
    {
        var cartId = await CartAsync(shop, lines);
        var checkout = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        return (cartId, placed);
    }

    /// <summary>
    /// The session is the cart's only open one, its active holds are exactly the lines (and no other session holds
    /// anything), and each SKU reserves exactly that quantity out of the 10 it was stocked with.
    /// </summary>
    private static async Task AssertHeldOnceAsync(TestShop shop, Guid sessionId, params (string Sku, int Quantity)[] lines)
    {
        await using var db = await shop.DbAsync();
        Assert.Equal([sessionId], await db.CheckoutSessions.Where(s => s.Status == CheckoutSessionStatus.Open).Select(s => s.Id).ToListAsync());
        var holds = await db.Holds.AsNoTracking().Where(h => h.Status == HoldStatus.Active).ToListAsync();
        Assert.All(holds, h => Assert.Equal(sessionId, h.CheckoutSessionId));
        Assert.Equal(lines.OrderBy(l => l.Sku, StringComparer.Ordinal), holds.Select(h => (h.Sku, h.Quantity)).OrderBy(l => l.Sku, StringComparer.Ordinal));
        foreach (var (sku, quantity) in lines)
        {
            Assert.Equal((10 - quantity, quantity, 0), Stock(await shop.InventoryAsync(sku)));
        }
    }

    private static async Task<Cart> CartRowAsync(TestShop shop, Guid cartId)
    {
        await using var db = await shop.DbAsync();
        return await db.Carts.AsNoTracking().SingleAsync(c => c.Id == cartId);
    }

    private static (string, int)[] Lines(Cart cart) => [.. cart.Lines.Select(l => (l.Sku, l.Quantity)).OrderBy(l => l.Item1, StringComparer.Ordinal)];

    private static (int, int, int) Stock(InventoryItem item) => (item.Quantity, item.Reserved, item.Sold);
}

public sealed class OneOrderPerCartTestsOnSqlite() : OneOrderPerCartTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class OneOrderPerCartTestsOnPostgreSQL() : OneOrderPerCartTests(DatabaseProvider.PostgreSQL);
