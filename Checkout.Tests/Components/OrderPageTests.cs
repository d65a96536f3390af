using AngleSharp.Dom;
using Bunit;
using Checkout.Data;
using Checkout.Data.Orders;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Orders;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkout.Tests.Components;

/// <summary>
/// The order page shows a real order placed through checkout to the holder of its key, lets the shopper cancel or
/// return it only where the state machine allows, says why when it refuses, and follows changes made elsewhere live.
/// Without the order's key it shows what it shows for an unknown number.
/// </summary>
public class OrderPageTests : ComponentTestContext
{
    [Fact]
    public async Task Page_ShowsTheOrderItsTotalsAndItsPayment()
    {
        var order = await PlaceOrderAsync();

        var cut = await RenderOrderAsync(order);

        Assert.Equal($"Order {order.OrderNumber}", cut.Find("h1").TextContent.Trim());
        Assert.Equal("CONFIRMED", StatusChip(cut));
        Assert.Equal(["2 × Product MUG USD 12.50 each USD 25.00", "1 × Product TEE USD 20.00 each USD 20.00"],
            cut.FindAll(".order-lines li").Select(li => Text(li)));
        Assert.Equal(["Subtotal USD 45.00", "Shipping USD 4.99", "Total USD 49.99"],
            cut.FindAll(".order-totals > div").Select(row => Text(row)));
        Assert.Equal("Visa card ending in 4242", Spoken(cut.Find(".order-card")));
        Assert.Equal("USD 49.99 charged.", Text(cut.Find(".order-payment")));
    }

    [Fact]
    public async Task Page_ShowsEachRefund_AndWhatIsRefundedOfTheCharge_WithoutTheAdminsNotes()
    {
        var order = await PlaceOrderAsync();
        ResultAssert.Success(await Shop.Get<RefundService>().RefundAsync(
            order.OrderId, new RefundRequest(null, [new RefundLineRequest("MUG", 1)], "Chipped handle, per warehouse note 17", "admin@shop")));
        Shop.Clock.Advance(TimeSpan.FromMinutes(5));
        ResultAssert.Success(await Shop.Get<RefundService>().RefundAsync(order.OrderId, new RefundRequest(300, null, "Late", "admin@shop")));

        var cut = await RenderOrderAsync(order);

        Assert.Equal("USD 49.99 charged, USD 15.50 of it refunded.", Text(cut.Find(".order-payment")));
        Assert.Equal("Refunded USD 15.50 of USD 49.99", Text(cut.Find("[data-testid=refunded-of]")));
        var refunds = cut.FindAll("[data-testid=refund]");
        Assert.Equal(["USD 12.50", "USD 3.00"], refunds.Select(r => Text(r.QuerySelector("[data-testid=refund-amount]")!)));
        Assert.Equal("1 × Product MUG", Text(refunds[0].QuerySelector("[data-testid=refund-lines]")!));
        Assert.All(refunds, r => Assert.Equal("Refunded", Text(r.QuerySelector("[data-testid=refund-status]")!)));
        Assert.DoesNotContain("warehouse note", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("admin@shop", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_ShowsWhereTheOrderGoes_AndTheSalesTaxAddedToItsTotal()
    {
        var order = await PlaceOrderShippedToAsync(new ShippingAddressInput("Sam Shopper", "1 Market Street", null, "San Francisco", "CA", "94105", "US", null));

        var cut = await RenderOrderAsync(order);

        Assert.Equal("Ship to Sam Shopper 1 Market Street San Francisco, CA 94105 United States Delivery: Standard", Text(cut.Find("[data-testid=ship-to]")));
        // California's 7.25 %: 181.25 on the mugs rounds to 181, 36.18 on the shipping to 36.
        Assert.Equal(["Subtotal USD 25.00", "Shipping USD 4.99", "Sales tax USD 2.17", "Total USD 32.16"],
            cut.FindAll(".order-totals > div").Select(row => Text(row)));
        Assert.Equal("Sales tax USD 2.17", Text(cut.Find("[data-testid=tax]")));
    }

    [Fact]
    public async Task Page_OfAShopWhosePricesIncludeTax_NotesTheTaxUnderTheTotal_WithoutAddingIt()
    {
        // The shop's Checkout:TaxMode, as an operator sets it for prices that include VAT.
        Shop.Get<IOptions<CheckoutOptions>>().Value.TaxMode = TaxMode.Inclusive;
        var order = await PlaceOrderShippedToAsync(new ShippingAddressInput("Sam Shopper", "10 Downing Street", null, "London", null, "sw1a2aa", "GB", null));

        var cut = await RenderOrderAsync(order);

        Assert.Equal("Ship to Sam Shopper 10 Downing Street London SW1A 2AA United Kingdom Delivery: International", Text(cut.Find("[data-testid=ship-to]")));
        Assert.Equal(["Subtotal USD 25.00", "Shipping USD 19.99", "Total USD 44.99"], cut.FindAll(".order-totals > div").Select(row => Text(row)));
        // A sixth of each amount: 416.67 of the mugs rounds to 417, 333.17 of the shipping to 333.
        Assert.Equal("Includes VAT 20% of USD 7.50", Text(cut.Find("[data-testid=tax]")));
    }

    [Fact]
    public async Task Timeline_ListsEveryStatusChangeWithTimeActorAndReason()
    {
        var order = await PlaceOrderAsync();

        var cut = await RenderOrderAsync(order);

        Assert.Equal("Status history", cut.Find("[role=list][aria-label='Status history']").GetAttribute("aria-label"));
        Assert.Equal(
        [
            "Placed as PENDING 2026-03-01 12:00 UTC · by shopper Order placed",
            "PENDING to PAYMENT_AUTHORIZED 2026-03-01 12:00 UTC · by checkout",
            "PAYMENT_AUTHORIZED to CONFIRMED 2026-03-01 12:00 UTC · by checkout",
        ], TimelineRows(cut));
    }

    [Fact]
    public async Task CancellingAConfirmedOrder_CancelsItAndAddsTheChangeToTheTimeline()
    {
        var order = await PlaceOrderAsync();
        var cut = await RenderOrderAsync(order);
        Assert.Empty(Buttons(cut, "Start a return"));
        Shop.Clock.Advance(TimeSpan.FromMinutes(30));

        await Button(cut, "Cancel order").ClickAsync(new MouseEventArgs());
        await cut.Find("textarea").InputAsync(new ChangeEventArgs { Value = "Ordered the wrong size" });
        await cut.Find("form").SubmitAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("CANCELLED", StatusChip(cut)));
        Assert.Equal("CONFIRMED to CANCELLED 2026-03-01 12:30 UTC · by shopper Ordered the wrong size", TimelineRows(cut)[^1]);
        Assert.Equal(4, TimelineRows(cut).Count);
        Assert.Contains("Your order is cancelled.", Text(cut.Find("[role=status]")), StringComparison.Ordinal);
        Assert.Empty(Buttons(cut, "Cancel order"));
        Assert.Equal("USD 49.99 charged, USD 49.99 refunded.", Text(cut.Find(".order-payment")));
        var stored = await Shop.OrderStateAsync(order.OrderId);
        Assert.Equal((OrderStatus.Cancelled, 4), (stored.Status, stored.History));
    }

    [Fact]
    public async Task ChangingYourMind_KeepsTheOrder()
    {
        var order = await PlaceOrderAsync();
        var cut = await RenderOrderAsync(order);

        await Button(cut, "Cancel order").ClickAsync(new MouseEventArgs());
        await Button(cut, "Keep order").ClickAsync(new MouseEventArgs());

        Assert.Equal("CONFIRMED", StatusChip(cut));
        Assert.Single(Buttons(cut, "Cancel order"));
        Assert.Equal(OrderStatus.Confirmed, (await Shop.OrderStateAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task CancellingAnOrderShippedMeanwhile_ShowsTheRefusalAndTheShippedOrder()
    {
        var order = await PlaceOrderAsync();
        var cut = await RenderOrderAsync(order);
        await Button(cut, "Cancel order").ClickAsync(new MouseEventArgs());
        // The warehouse ships it while the shopper looks at the confirmation (a direct write: no event reaches the page).
        await Shop.ForceStatusAsync(order.OrderId, OrderStatus.Shipped);

        await cut.Find("form").SubmitAsync();

        await cut.WaitForAssertionAsync(() =>
            Assert.Equal("An order that is SHIPPED cannot become CANCELLED.", Text(cut.Find("[role=alert]"))));
        Assert.Equal("SHIPPED", StatusChip(cut));
        Assert.Empty(Buttons(cut, "Cancel order"));
        Assert.Empty(cut.FindAll("form"));
        var stored = await Shop.OrderStateAsync(order.OrderId);
        Assert.Equal((OrderStatus.Shipped, 3), (stored.Status, stored.History));
    }

    [Fact]
    public async Task ADeliveredOrder_OffersAReturnInsteadOfACancel()
    {
        var order = await PlaceOrderAsync();
        await Shop.ForceStatusAsync(order.OrderId, OrderStatus.Delivered);
        var cut = await RenderOrderAsync(order);
        Assert.Empty(Buttons(cut, "Cancel order"));

        await Button(cut, "Start a return").ClickAsync(new MouseEventArgs());
        await cut.Find("form").SubmitAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("RETURN_INITIATED", StatusChip(cut)));
        Assert.Equal("DELIVERED to RETURN_INITIATED 2026-03-01 12:00 UTC · by shopper", TimelineRows(cut)[^1]);
        Assert.Empty(Buttons(cut, "Start a return"));
        Assert.Equal(OrderStatus.ReturnInitiated, (await Shop.OrderStateAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task AChangeMadeElsewhere_ShowsOnTheOpenPage()
    {
        var order = await PlaceOrderAsync();
        var cut = await RenderOrderAsync(order);

        var shipped = await Shop.Orders.ShipAsync(order.OrderId, new TransitionRequest("warehouse", TrackingNumber: "TRACK-123"));
        ResultAssert.Success(shipped);

        await cut.WaitForAssertionAsync(() =>
        {
            Assert.Equal("SHIPPED", StatusChip(cut));
            Assert.Equal("CONFIRMED to SHIPPED 2026-03-01 12:00 UTC · by warehouse", TimelineRows(cut)[^1]);
        });
        Assert.Contains("Updated just now: the order is SHIPPED.", Text(cut.Find("[role=status]")), StringComparison.Ordinal);
        Assert.Contains("Tracking number TRACK-123", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(Buttons(cut, "Cancel order"));
    }

    [Fact]
    public async Task AChangeToAnotherOrder_LeavesThePageAlone()
    {
        var order = await PlaceOrderAsync();
        var other = await Shop.PlaceConfirmedOrderAsync("OTHER");
        var cut = await RenderOrderAsync(order);
        var rendersBefore = cut.RenderCount;

        ResultAssert.Success(await Shop.Orders.CancelAsync(other.OrderId, new TransitionRequest("support")));

        Assert.Equal(rendersBefore, cut.RenderCount);
        Assert.Equal("CONFIRMED", StatusChip(cut));
    }

    [Fact]
    public async Task AnUnknownNumber_SaysTheOrderWasNotFound()
    {
        var cut = Render<OrderPage>(p => p.Add(c => c.OrderNumber, "CK-NOSUCHORDER"));

        await cut.WaitForAssertionAsync(() => Assert.Equal("Order not found", cut.Find("h1").TextContent.Trim()));
        Assert.Contains("CK-NOSUCHORDER", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("button"));
        // A shopper who lost the link can ask for a new one.
        Assert.Equal("orders/find", cut.FindAll("a").Single(a => a.TextContent.Trim() == "Find my order").GetAttribute("href"));
    }

    [Theory]
    [InlineData("no key")]
    [InlineData("a made-up key")]
    [InlineData("another order's key")]
    [InlineData("a key from another key ring")]
    public async Task ARealOrderNumberWithoutItsKey_SaysNotFound_AsForAnUnknownNumber(string keyKind)
    {
        var order = await PlaceOrderAsync();
        var other = await Shop.PlaceConfirmedOrderAsync("OTHER");
        var key = keyKind switch
        {
            "no key" => null,
            "a made-up key" => "bm90LWEta2V5LWF0LWFsbA",
            "another order's key" => Links.Issue(other.OrderId),
            _ => new OrderLinks(new EphemeralDataProtectionProvider(), Shop.Orders).Issue(order.OrderId),
        };

        var cut = await RenderNotFoundAsync(order.OrderNumber, key);
        var unknown = await RenderNotFoundAsync("CK-NOSUCHORDER", key);

        Assert.Equal(unknown.Find(".order-page").TextContent.Replace("CK-NOSUCHORDER", order.OrderNumber, StringComparison.Ordinal),
            cut.Find(".order-page").TextContent);
        Assert.DoesNotContain(order.Email, cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("button"));

        // Nor does a change to the order show up on the page: it shows no order, so it follows none.
        var renders = cut.RenderCount;
        ResultAssert.Success(await Shop.Orders.ShipAsync(order.OrderId, new TransitionRequest("warehouse", TrackingNumber: "TRACK-1")));
        Assert.Equal(renders, cut.RenderCount);
        Assert.Equal("Order not found", cut.Find("h1").TextContent.Trim());
        Assert.Equal(OrderStatus.Shipped, (await Shop.OrderStateAsync(order.OrderId)).Status);
    }

    /// <summary>Two mugs and a tee through the real checkout, paid with the good card: CONFIRMED.</summary>
    private async Task<OrderView> PlaceOrderAsync()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 1250);
        await Shop.AddProductAsync("TEE", priceMinor: 2000);
        var checkout = await Shop.OpenCheckoutAsync(lines: [("MUG", 2), ("TEE", 1)]);
        var placed = ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        return placed.Order;
    }

    /// <summary>Two mugs through the real checkout, shipped to <paramref name="address"/> by its cheapest method and paid: CONFIRMED.</summary>
    private async Task<OrderView> PlaceOrderShippedToAsync(ShippingAddressInput address)
    {
        await Shop.AddProductAsync("MUG", priceMinor: 1250);
        var checkout = await Shop.OpenCheckoutAsync(lines: [("MUG", 2)]);
        ResultAssert.Success(await Shop.Checkouts.SetShippingAsync(checkout.CheckoutSessionId, address, deliveryMethodId: null));
        return ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved)).Order;
    }

    /// <summary>The order page as the confirmation's link opens it: the number, and a key for the order in the query.</summary>
    private async Task<IRenderedComponent<OrderPage>> RenderOrderAsync(OrderView order)
    {
        var cut = Open(order.OrderNumber, Links.Issue(order.OrderId));
        await cut.WaitForElementAsync(".order-status");
        return cut;
    }

    private async Task<IRenderedComponent<OrderPage>> RenderNotFoundAsync(string number, string? key)
    {
        var cut = Open(number, key);
        await cut.WaitForAssertionAsync(() => Assert.Equal("Order not found", cut.Find("h1").TextContent.Trim()));
        return cut;
    }

    private IRenderedComponent<OrderPage> Open(string number, string? key)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(key is null ? $"orders/{number}" : OrderLinks.OrderPath(number, key));
        return Render<OrderPage>(p => p.Add(c => c.OrderNumber, number));
    }

    private static string StatusChip(IRenderedComponent<OrderPage> cut) => Text(cut.Find(".order-status"));

    private static List<string> TimelineRows(IRenderedComponent<OrderPage> cut) =>
        [.. cut.FindAll("[role=list][aria-label='Status history'] [role=listitem]").Select(Spoken)];

    private static IReadOnlyList<IElement> Buttons(IRenderedComponent<OrderPage> cut, string text) =>
        [.. cut.FindAll("button").Where(b => Text(b) == text)];

    private static IElement Button(IRenderedComponent<OrderPage> cut, string text) => Assert.Single(Buttons(cut, text));

    /// <summary>The element's words as a reader sees them: text nodes of neighbouring blocks do not run together.</summary>
    private static string Text(IElement element) =>
        Normalize(string.Join(' ', element.GetDescendants().OfType<IText>().Select(t => t.Data)));

    /// <summary>The text a screen reader reads: what is hidden from it (the arrow, the dots) left out.</summary>
    private static string Spoken(IElement element)
    {
        var copy = (IElement)element.Clone(deep: true);
        foreach (var hidden in copy.QuerySelectorAll("[aria-hidden=true]").ToList())
        {
            hidden.Remove();
        }
        return Text(copy);
    }

    private static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
