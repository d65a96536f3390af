using System.Data.Common;
using AngleSharp.Dom;
using Bunit;
using Checkout.Data;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Checkout.Data.Tax;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The admin's order page over real orders: what it shows, the one button per step the transition table allows, each
/// step done through the real service, and a clear, reloaded page when someone else moved the order first.
/// </summary>
public class OrderDetailTests : AdminTestContext
{
    private const string Sku = "DETAIL";

    /// <summary>Moves an order behind the page's back right after the service has read it (off until armed).</summary>
    private readonly MoveAfterRead _otherAdmin = new();

    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        // The page's OrderService reads through the interceptor; the test's own Shop.Orders does not.
        using var db = Shop.Get<IDbContextFactory<CheckoutDbContext>>().CreateDbContext();
        var options = new DbContextOptionsBuilder<SqliteCheckoutDbContext>()
            .UseSqlite(db.Database.GetConnectionString())
            .AddInterceptors(new SqlitePragmas(), _otherAdmin)
            .Options;
        _otherAdmin.Shop = Shop;
        services.AddSingleton(new OrderService(
            new InterceptedFactory(options), Shop.Get<IPaymentGateway>(), Shop.Clock, Shop.Get<CheckoutEvents>(), Shop.Get<IWaitingDemand>(),
            Shop.Get<IOptions<CheckoutOptions>>()));
    }

    [Fact]
    public async Task ShowsTheLines_Totals_Payment_AndHistory()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku, quantity: 2);

        var cut = RenderDetail(order.OrderId);

        await cut.WaitForAssertionAsync(() => Assert.Equal($"Order {order.OrderNumber}", cut.Find("[data-testid=order-title]").TextContent.Trim()));
        var line = cut.Find("[data-testid=order-line]").QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal([Sku, $"Product {Sku}", "2", "USD 25.00", "USD 50.00"], line);
        Assert.Equal("USD 50.00", Text(cut, "subtotal"));
        Assert.Equal(Money.Format(order.ShippingMinor, "USD"), Text(cut, "shipping"));
        Assert.Equal(Money.Format(order.TotalMinor, "USD"), Text(cut, "total"));
        Assert.Equal("CAPTURED", Text(cut, "payment-state"));
        Assert.Equal(Money.Format(order.TotalMinor, "USD"), Text(cut, "payment-authorized"));
        Assert.Equal(Money.Format(order.TotalMinor, "USD"), Text(cut, "payment-captured"));
        Assert.Equal("USD 0.00", Text(cut, "payment-refunded"));
        Assert.Equal("CONFIRMED", cut.Find("[data-testid=order-status]").TextContent.Trim());
        Assert.Contains("CONFIRMED", cut.Find("[data-testid=history]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowsWhereTheOrderGoes_ItsDeliveryMethod_AndTheTaxAddedToIt()
    {
        ResultAssert.Success(await Shop.Get<TaxAdminService>().AddAsync(new TaxRateInput("US", "OR", 10m, "Sales tax"), "admin@shop"));
        var order = await Shop.PlaceConfirmedOrderAsync(Sku, quantity: 2);

        var cut = RenderDetail(order.OrderId);

        await cut.WaitForAssertionAsync(() => Assert.Equal($"Order {order.OrderNumber}", Text(cut, "order-title")));
        Assert.Equal(
            ["Sam Shopper", "1 Main Street", "Portland, OR 97201", "United States"],
            cut.FindAll("[data-testid=ship-to] div").Select(line => line.TextContent.Trim()));
        Assert.Equal("Standard", Text(cut, "delivery-method"));
        Assert.Equal("Sales tax (10 %)", Text(cut, "tax-label"));
        // 10 % of the 50.00 of goods (free shipping from 100.00 does not apply) and of the 4.99 shipping, each rounded.
        Assert.Equal("USD 5.50", Text(cut, "tax"));
        Assert.Equal(Money.Format(5000 + 499 + 550, "USD"), Text(cut, "total"));
    }

    [Fact]
    public async Task RefundDialog_ByLines_RefundsThoseUnits_AndTheTotalsAndRefundsShowIt()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku, quantity: 2);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=refund-open]")));

        // The page's handler waits for the dialog's answer: it ends when the dialog closes.
        var opened = cut.Find("[data-testid=refund-open]").PressAsync();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=refund-dialog]")));
        Assert.Equal($"{Money.Format(order.TotalMinor, "USD")} of {Money.Format(order.TotalMinor, "USD")} is left to refund.", Text(cut, "refund-left"));
        await cut.Find($"input[data-testid=refund-quantity-{Sku}]").SetAsync("1");
        await cut.Find("input[data-testid=refund-reason]").SetAsync("Box crushed");
        await cut.Find("[data-testid=refund-submit]").PressAsync();

        await opened;
        await cut.WaitForAssertionAsync(() => Assert.Equal("Refunded USD 25.00.", Text(cut, "order-done")));
        Assert.Empty(cut.FindAll("[data-testid=refund-dialog]"));
        Assert.Equal("USD 25.00", Text(cut, "payment-refunded"));
        Assert.Equal($"Refunded USD 25.00 of {Money.Format(order.TotalMinor, "USD")}", Text(cut, "refunded-of"));
        var refund = cut.Find("[data-testid=refund]");
        Assert.Equal(
            ("USD 25.00", AdminName, "SUCCEEDED", "Box crushed", $"1 × Product {Sku}"),
            (Text(refund, "refund-amount"), Text(refund, "refund-actor"), Text(refund, "refund-status"), Text(refund, "refund-reason"), Text(refund, "refund-lines")));
        var stored = ResultAssert.Success(await Shop.Orders.GetAsync(order.OrderId));
        Assert.Equal((2500L, 1), (stored.Payment!.RefundedMinor, stored.Lines.Single().RefundedQuantity));
    }

    [Fact]
    public async Task RefundDialog_AnAmountAboveWhatIsLeft_IsRefusedOnTheField_AndRefundsNothing()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku, quantity: 2);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=refund-open]")));
        _ = cut.Find("[data-testid=refund-open]").PressAsync();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=refund-dialog]")));

        await cut.Find("[data-testid=refund-by-amount]").PressAsync();
        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("input[data-testid=refund-amount]")));
        await cut.Find("input[data-testid=refund-amount]").SetAsync("1000.00");
        await cut.Find("input[data-testid=refund-reason]").SetAsync("Goodwill");
        await cut.Find("[data-testid=refund-submit]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Contains(
            $"At most {Money.Format(order.TotalMinor, "USD")} is left to refund on this order.", cut.Find("[data-testid=refund-dialog]").TextContent, StringComparison.Ordinal));
        Assert.Equal(0, ResultAssert.Success(await Shop.Orders.GetAsync(order.OrderId)).Payment!.RefundedMinor);
        Assert.Equal(0, await Shop.GatewayCallsAsync(GatewayOperationKind.Refund));
    }

    [Theory]
    [InlineData(OrderStatus.Confirmed, true)]
    [InlineData(OrderStatus.Delivered, true)]
    [InlineData(OrderStatus.ReturnInitiated, false)]
    [InlineData(OrderStatus.Cancelled, false)]
    public async Task TheRefundButton_IsOfferedOnlyWhereAPartialRefundIsAllowed(OrderStatus status, bool offered)
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        await Shop.ForceStatusAsync(order.OrderId, status);

        var cut = RenderDetail(order.OrderId);

        await cut.WaitForAssertionAsync(() => Assert.Equal(status.WireName(), cut.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Equal(offered, cut.FindAll("[data-testid=refund-open]").Count == 1);
    }

    [Theory]
    [InlineData(OrderStatus.Confirmed, new[] { "ship", "cancel" })]
    [InlineData(OrderStatus.Shipped, new[] { "deliver" })]
    [InlineData(OrderStatus.Delivered, new string[0])]
    [InlineData(OrderStatus.ReturnInitiated, new[] { "complete-return" })]
    [InlineData(OrderStatus.PaymentFailed, new[] { "cancel" })]
    [InlineData(OrderStatus.PaymentAuthorized, new[] { "cancel" })]
    [InlineData(OrderStatus.Cancelled, new[] { "refund" })]
    [InlineData(OrderStatus.Returned, new[] { "refund" })]
    public async Task OnlyTheStepsTheTransitionTableAllows_HaveAButton(OrderStatus status, string[] expected)
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        // Set directly: the payment stays CAPTURED, so a cancelled or returned order still has money to give back.
        await Shop.ForceStatusAsync(order.OrderId, status);

        var cut = RenderDetail(order.OrderId);

        await cut.WaitForAssertionAsync(() => Assert.Equal(status.WireName(), cut.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Equal(expected, ActionKeys(cut));
        if (expected.Length == 0)
        {
            Assert.Contains("starts a return", cut.Find("[data-testid=no-actions]").TextContent, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Ship_AsksForATrackingNumber_ThenShipsAndRecordsWhoDidIt()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["ship", "cancel"], ActionKeys(cut)));

        await cut.Find("[data-testid=action-ship]").PressAsync();
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        Assert.Contains("Shipping needs a tracking number.", cut.Find("[data-testid=confirm-panel]").TextContent, StringComparison.Ordinal);
        Assert.Equal(OrderStatus.Confirmed, (await Shop.OrderStateAsync(order.OrderId)).Status);

        await cut.Find("input[data-testid=tracking-number]").SetAsync("1Z999AA10123456784");
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("SHIPPED", cut.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Equal("1Z999AA10123456784", Text(cut, "tracking"));
        Assert.Equal(["deliver"], ActionKeys(cut));
        Assert.Contains("now SHIPPED", Text(cut, "order-done"), StringComparison.Ordinal);
        Assert.Contains($"by {AdminName}", cut.Find("[data-testid=history]").TextContent, StringComparison.Ordinal);
        await using var db = await Shop.DbAsync();
        var change = await db.OrderStatusChanges.AsNoTracking().Where(h => h.OrderId == order.OrderId).OrderBy(h => h.Id).LastAsync();
        Assert.Equal((OrderStatus.Shipped, AdminName, "Shipped"), (change.To, change.Actor, change.Reason));
    }

    [Fact]
    public async Task Deliver_ThenNothingIsLeftToDo()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        await Shop.ForceStatusAsync(order.OrderId, OrderStatus.Shipped);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["deliver"], ActionKeys(cut)));

        await cut.Find("[data-testid=action-deliver]").PressAsync();
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("DELIVERED", cut.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Empty(ActionKeys(cut));
        Assert.Equal(OrderStatus.Delivered, (await Shop.OrderStateAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task Cancel_RestocksAndGivesTheMoneyBack_WithTheAdminsNote()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku, quantity: 2, stock: 5);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["ship", "cancel"], ActionKeys(cut)));

        await cut.Find("[data-testid=action-cancel]").PressAsync();
        await cut.Find("input[data-testid=transition-reason]").SetAsync("Out of stock at the warehouse");
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("CANCELLED", cut.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Equal("REFUNDED", Text(cut, "payment-state"));
        Assert.Equal(Money.Format(order.TotalMinor, "USD"), Text(cut, "payment-refunded"));
        // Nothing left to give back, so no refund button either.
        Assert.Empty(ActionKeys(cut));
        var stock = await Shop.InventoryAsync(Sku);
        Assert.Equal((5, 0), (stock.Quantity, stock.Sold));
        Assert.Contains("Out of stock at the warehouse", cut.Find("[data-testid=history]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcceptReturn_ReturnsTheOrder()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        await Shop.ForceStatusAsync(order.OrderId, OrderStatus.ReturnInitiated);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["complete-return"], ActionKeys(cut)));

        await cut.Find("[data-testid=action-complete-return]").PressAsync();
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("RETURNED", cut.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Equal("REFUNDED", Text(cut, "payment-state"));
        Assert.Equal(OrderStatus.Returned, (await Shop.OrderStateAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task Refund_GivesBackTheMoneyOfACancelledOrderThatStillHoldsIt()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        await Shop.ForceStatusAsync(order.OrderId, OrderStatus.Cancelled);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["refund"], ActionKeys(cut)));

        await cut.Find("[data-testid=action-refund]").PressAsync();
        Assert.Contains("still CAPTURED", cut.Find("[data-testid=confirm-panel]").TextContent, StringComparison.Ordinal);
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("REFUNDED", Text(cut, "payment-state")));
        Assert.Empty(ActionKeys(cut));
        await using var db = await Shop.DbAsync();
        Assert.Equal(PaymentStatus.Refunded, (await db.Payments.AsNoTracking().SingleAsync(p => p.OrderId == order.OrderId)).Status);
    }

    [Fact]
    public async Task AnOrderMovedBySomeoneElse_BeforeTheClick_SaysSoAndReloads()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["ship", "cancel"], ActionKeys(cut)));
        // Moved where this page hears nothing of it (another server, a script on the database): it still shows CONFIRMED.
        await Shop.ForceStatusAsync(order.OrderId, OrderStatus.Shipped);

        await cut.Find("[data-testid=action-cancel]").PressAsync();
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Contains(
            "Someone else changed this order first: it was CONFIRMED and is now SHIPPED.", Text(cut, "order-conflict"), StringComparison.Ordinal));
        Assert.Equal("SHIPPED", cut.Find("[data-testid=order-status]").TextContent.Trim());
        Assert.Equal(["deliver"], ActionKeys(cut));
        Assert.Empty(cut.FindAll("[data-testid=order-refusal]"));
        Assert.Equal(OrderStatus.Shipped, (await Shop.OrderStateAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task AChangeMadeElsewhereInThisShop_ShowsUpWithoutAClick()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["ship", "cancel"], ActionKeys(cut)));

        ResultAssert.Success(await Shop.Orders.ShipAsync(order.OrderId, new TransitionRequest("someone-else", TrackingNumber: "TRACK-1")));

        await cut.WaitForAssertionAsync(() => Assert.Equal("SHIPPED", cut.Find("[data-testid=order-status]").TextContent.Trim()));
        Assert.Equal(["deliver"], ActionKeys(cut));
        Assert.Equal("TRACK-1", Text(cut, "tracking"));
    }

    [Fact]
    public async Task LosingTheRaceToAnotherAdmin_IsAConflict_ThatSaysSoAndReloads()
    {
        var order = await Shop.PlaceConfirmedOrderAsync(Sku);
        var cut = RenderDetail(order.OrderId);
        await cut.WaitForAssertionAsync(() => Assert.Equal(["ship", "cancel"], ActionKeys(cut)));
        var before = await Shop.OrderStateAsync(order.OrderId);
        // The other admin's change lands between the service's read and its compare-and-set.
        _otherAdmin.Arm(order.OrderId, OrderStatus.Shipped);

        await cut.Find("[data-testid=action-cancel]").PressAsync();
        await cut.Find("[data-testid=confirm-action]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Contains(
            "Someone else changed this order first: it was CONFIRMED and is now SHIPPED.", Text(cut, "order-conflict"), StringComparison.Ordinal));
        Assert.True(_otherAdmin.Moved);
        Assert.Equal("SHIPPED", cut.Find("[data-testid=order-status]").TextContent.Trim());
        Assert.Equal(["deliver"], ActionKeys(cut));
        // The cancel wrote nothing: only the other admin's move happened.
        var after = await Shop.OrderStateAsync(order.OrderId);
        Assert.Equal((OrderStatus.Shipped, before.Version + 1, before.History), after);
        var stock = await Shop.InventoryAsync(Sku);
        Assert.Equal((8, 2), (stock.Quantity, stock.Sold));
    }

    [Fact]
    public void AnUnknownOrder_SaysItWasNotFound()
    {
        var cut = RenderDetail(Guid.CreateVersion7());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=order-not-found]")));
    }

    private IRenderedComponent<AdminHost> RenderDetail(Guid orderId) =>
        RenderAdmin<OrderDetail>(p => p.Add(page => page.OrderId, orderId));

    private static string[] ActionKeys(IRenderedComponent<AdminHost> cut) =>
        [.. cut.FindAll("[data-testid^=action-]").Select(b => b.GetAttribute("data-testid")!["action-".Length..])];

    private static string Text(IRenderedComponent<AdminHost> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    private static string Text(IElement element, string testId) => element.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    private sealed class InterceptedFactory(DbContextOptions<SqliteCheckoutDbContext> options) : IDbContextFactory<CheckoutDbContext>
    {
        public CheckoutDbContext CreateDbContext() => new SqliteCheckoutDbContext(options);
    }

    /// <summary>
    /// Stands in for another admin whose change commits right after the page's service read the order: the next read of
    /// the orders table, once armed, moves the order on through a connection of its own.
    /// </summary>
    private sealed class MoveAfterRead : DbCommandInterceptor
    {
        private (Guid OrderId, OrderStatus To)? _armed;

        public TestShop? Shop { get; set; }
        public bool Moved { get; private set; }

        public void Arm(Guid orderId, OrderStatus to) => _armed = (orderId, to);

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(
            DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (_armed is { } move && command.CommandText.Contains("FROM \"orders\"", StringComparison.Ordinal))
            {
                _armed = null;
                await using var db = await Shop!.DbAsync();
                Moved = await db.Orders.Where(o => o.Id == move.OrderId).ExecuteUpdateAsync(s => s
                    .SetProperty(o => o.Status, move.To)
                    .SetProperty(o => o.Version, o => o.Version + 1), cancellationToken) == 1;
            }
            return result;
        }
    }
}
