using Bunit;
using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Waitlist;
using Checkout.Web.Orders;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Security;
using Checkout.Web.State;
using Checkout.Web.Waitlist;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components;

/// <summary>
/// Two tabs on one cart. Each tab is a circuit of its own (its own <see cref="CartState"/>, navigation and renderer)
/// over the same shop and the same cart id: together they start one checkout, hold the stock once, place one order and
/// charge once; and once the order is placed, the cart page of the other tab moves on to the shopper's next cart.
/// </summary>
public class TwoTabsTests : CheckoutTestContext
{
    // A test that needs the start of a checkout held at a chosen read sets this before the first render.
    private CheckoutService? _checkouts;

    protected override void AddServices(IServiceCollection services) =>
        services.AddSingleton(_ => _checkouts ?? Shop.Get<CheckoutService>());

    // The checkout's workflow starts through that service too.
    protected override CheckoutFlow Flow => _checkouts is null ? base.Flow : ActivatorUtilities.CreateInstance<CheckoutFlow>(Shop.Services, _checkouts);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoTabs_ContinueOnTheSameCart_EndOnOneCheckout_AndHoldOnce(bool atTheSameMoment)
    {
        // At the same moment: each start reads "no open checkout for this cart" before either holds anything, so only
        // the database (one open checkout per cart) can make the second tab's start find the first one's.
        var gate = atTheSameMoment ? HoldStartsAtTheirOpenCheckoutRead(participants: 2) : null;
        await Shop.AddProductAsync("MUG", priceMinor: 2500, stock: 5);
        var cartId = await Shop.CartWithAsync(("MUG", 2));
        await Cart.OpenAsync(cartId);
        await using var tab2 = await OpenSecondTabAsync(cartId);
        var first = await RenderCheckoutAsync(this);
        var second = await RenderCheckoutAsync(tab2.Context);
        await FillContactAsync(first);
        await FillContactAsync(second);

        if (atTheSameMoment)
        {
            var continuing = ClickAsync(first, "Continue");
            await ClickAsync(second, "Continue");
            await continuing;
            // Both read "none open" before either held (a start that then finds the winner reads it once more).
            Assert.True(gate!.Arrived >= 2, $"Only {gate.Arrived} start(s) read the cart's open checkout.");
        }
        else
        {
            await ClickAsync(first, "Continue");
            await ClickAsync(second, "Continue");
        }

        var session = await SingleSessionOfAsync(cartId);
        Assert.Equal(CheckoutSessionStatus.Open, session.Status);
        Assert.Equal(2, (await Shop.InventoryAsync("MUG")).Reserved);
        Assert.Equal(1, await Shop.CountAsync(db => db.Holds.Where(h => h.Sku == "MUG")));
        foreach (var (cut, navigation) in new[] { (first, Navigation(this)), (second, tab2.Navigation) })
        {
            cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
            Assert.Equal($"http://localhost/checkout?session={session.Id}", navigation.Uri);
            Assert.Equal("15:00", cut.Find("[role=timer]").TextContent.Trim());
            Assert.Equal("USD 50.00", cut.Find("[data-testid=total]").TextContent.Trim()); // 2 × 25.00; shipping comes with the address
            Assert.Empty(cut.FindAll("[data-testid=start-problem]"));
        }
    }

    [Fact]
    public async Task TwoTabs_PayTheSameCheckout_PlaceOneOrder_AndChargeOnce()
    {
        var gateway = new HeldGateway(Shop.Get<IPaymentGateway>());
        // The shop's own order placement, wired as the app wires it, except for the gateway; both tabs use it.
        var placeOrders = ActivatorUtilities.CreateInstance<PlaceOrderService>(Shop.Services, gateway);
        Override(placeOrders);
        Override(ActivatorUtilities.CreateInstance<CheckoutFlow>(Shop.Services, placeOrders));
        await Shop.AddProductAsync("MUG", priceMinor: 2500, stock: 5);
        var cartId = await Shop.CartWithAsync(("MUG", 2));
        await Cart.OpenAsync(cartId);
        await using var tab2 = await OpenSecondTabAsync(cartId);
        var first = await RenderCheckoutAsync(this);
        var second = await RenderCheckoutAsync(tab2.Context);
        await GoToReviewAsync(first);
        await GoToReviewAsync(second);
        var session = await SingleSessionOfAsync(cartId);
        Assert.Equal(Navigation(this).Uri, tab2.Navigation.Uri);
        Assert.Equal("Pay USD 54.99", PayButton(second).TextContent.Trim());

        // Tab 1 pays and its authorization is held at the gateway; tab 2 pays meanwhile and reaches the gateway too.
        var paying = PayButton(first).ClickAsync(new MouseEventArgs());
        await gateway.WhenWaitingAsync(1);
        first.WaitForAssertion(() => Assert.Equal("Paying…", PayButton(first).TextContent.Trim()));
        var payingAgain = PayButton(second).ClickAsync(new MouseEventArgs());
        await gateway.WhenWaitingAsync(2);
        second.WaitForAssertion(() => Assert.Equal("Paying…", PayButton(second).TextContent.Trim()));

        gateway.Release();
        await paying;
        await payingAgain;

        await using var db = await Shop.DbAsync();
        var order = await db.Orders.AsNoTracking().SingleAsync();
        Assert.Equal(session.Id, order.CheckoutSessionId);
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal(5499, order.TotalMinor);
        var operations = (await Shop.GatewayOperationsAsync()).Select(o => o.Kind).ToList();
        Assert.Equal(1, operations.Count(k => k == GatewayOperationKind.Authorize));
        Assert.Equal(1, operations.Count(k => k == GatewayOperationKind.Capture));
        Assert.Equal(0, operations.Count(k => k == GatewayOperationKind.Void));
        Assert.Equal(1, await db.Payments.CountAsync());
        var stock = await Shop.InventoryAsync("MUG");
        Assert.Equal((2, 0), (stock.Sold, stock.Reserved));
        foreach (var (cut, navigation) in new[] { (first, Navigation(this)), (second, tab2.Navigation) })
        {
            var key = Assert.Single(QueryHelpers.ParseQuery(new Uri(navigation.Uri).Query)["key"])!;
            Assert.Equal($"http://localhost/checkout/confirmation/{order.Number}?key={key}", navigation.Uri);
            Assert.True(Links.Opens(order.Id, key));
            Assert.Empty(cut.FindAll("[data-testid=checkout-notice]"));
        }
        Assert.Equal(0, Cart.ItemCount);
        Assert.Equal(0, tab2.Cart.ItemCount);
    }

    [Fact]
    public async Task DoubleClickOnContinue_StartsOneCheckout()
    {
        // The first click's start is held at its read of the cart's open checkout, so the second click arrives while
        // the first is in flight; the test's own read of it (below) is the second participant that lets it go on.
        var gate = HoldStartsAtTheirOpenCheckoutRead(participants: 2);
        await Shop.AddProductAsync("MUG", stock: 5);
        var cartId = await Shop.CartWithAsync(("MUG", 2));
        await Cart.OpenAsync(cartId);
        var cut = await RenderCheckoutAsync(this);
        await FillContactAsync(cut);

        var firstClick = ClickAsync(cut, "Continue");
        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("button"), b => b.TextContent.Trim() == "Reserving your items…"));
        Assert.Equal(1, gate.Arrived);
        // A double click sends the second click with the button's handler id as first rendered; Blazor hands a click on
        // a replaced id to the button as rendered now, which bunit does not, so the second click goes to that button.
        var secondClick = ClickAsync(cut, "Reserving your items…");
        await using (var db = Shop.GatedDbFactory(gate).CreateDbContext())
        {
            await db.CheckoutSessions.AsNoTracking().FirstOrDefaultAsync(s => s.CartId == cartId && s.Status == CheckoutSessionStatus.Open);
        }
        await firstClick;
        await secondClick;

        var session = await SingleSessionOfAsync(cartId);
        Assert.Equal(1, await Shop.CountAsync(db => db.CheckoutSessions.Where(s => s.CartId == cartId)));
        Assert.Equal(2, (await Shop.InventoryAsync("MUG")).Reserved);
        Assert.Equal(1, await Shop.CountAsync(db => db.Holds.Where(h => h.CheckoutSessionId == session.Id)));
        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
        Assert.Equal($"http://localhost/checkout?session={session.Id}", Navigation(this).Uri);
        Assert.Empty(cut.FindAll("[data-testid=start-problem]"));
    }

    [Fact]
    public async Task SecondTab_OnTheCartAfterTheOrder_ShowsANewEmptyCart_AndAddsToIt()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Shop.AddProductAsync("TEE", priceMinor: 1500, stock: 5);
        var cartId = await Shop.CartWithAsync(("MUG", 1));
        await Cart.OpenAsync(cartId);
        // Tab 2 was opened on the cart before the order, and shows it.
        await using var tab2 = await OpenSecondTabAsync(cartId);
        var before = await RenderCartAsync(tab2.Context);
        Assert.Equal(["MUG"], before.FindAll(".cart-line").Select(l => l.GetAttribute("data-sku")));

        var checkout = await RenderCheckoutAsync(this);
        await GoToReviewAsync(checkout);
        await PayButton(checkout).ClickAsync(new MouseEventArgs());
        var order = await SingleOrderAsync();
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        var closed = await CartRowAsync(cartId);
        Assert.Equal(CartStatus.CheckedOut, closed.Status);

        // Tab 2 goes to its cart page again (a fresh page, as a reload shows it).
        await tab2.Context.DisposeComponentsAsync();
        var after = await RenderCartAsync(tab2.Context);

        Assert.Contains("Your cart is empty.", after.Markup, StringComparison.Ordinal);
        Assert.Empty(after.FindAll(".cart-line"));
        var nextCartId = Assert.IsType<Guid>(tab2.Cart.CartId);
        Assert.NotEqual(cartId, nextCartId);

        ResultAssert.Success(await after.InvokeAsync(() => tab2.Cart.AddAsync("TEE")));

        after.WaitForAssertion(() => Assert.Equal(["TEE"], after.FindAll(".cart-line").Select(l => l.GetAttribute("data-sku"))));
        Assert.Equal(nextCartId, tab2.Cart.CartId);
        var next = await CartRowAsync(nextCartId);
        Assert.Equal(CartStatus.Open, next.Status);
        Assert.Equal(["TEE×1"], next.Lines);
        Assert.Equal(closed, await CartRowAsync(cartId));
        Assert.Equal(nextCartId, closed.NextCartId);
        // Tab 1 moved on to the same next cart, so both tabs see the item.
        await Cart.RefreshAsync();
        Assert.Equal(nextCartId, Cart.CartId);
        Assert.Equal(1, Cart.QuantityOf("TEE"));
        Assert.Equal(["MUG"], (await SingleOrderAsync()).Lines.Select(l => l.Sku));
    }

    /// <summary>
    /// A second tab: a circuit of its own, so a bunit context of its own with its own per-circuit services (cart and
    /// waitlist state, the shopper's connection) and navigation, opened on the cart id from the cookie as Routes.razor
    /// opens it. Everything else — the shop's services, the clock, the order links, the rate limits — is the app's one
    /// instance, resolved from the first tab's container.
    /// </summary>
    private async Task<SecondTab> OpenSecondTabAsync(Guid cartId)
    {
        var context = new BunitContext();
        var cart = new CartState(Shop.Get<CartService>());
        var waitlist = new WaitlistState(Shop.Get<WaitlistService>(), Services.GetRequiredService<WaitlistLinks>());
        var limits = Services.GetRequiredService<ShopperLimits>();
        var (flow, checkouts, links) = (Flow, Services.GetRequiredService<CheckoutService>(), Services.GetRequiredService<OrderLinks>());
        context.UseStorefrontDefaults(services =>
        {
            services.AddSingleton(cart);
            services.AddSingleton(waitlist);
            services.AddSingleton<TimeProvider>(Shop.Clock);
            services.AddSingleton(limits);
            services.AddScoped<ShopperClient>();
            // The second tab's own checkout, in its own circuit, over the same shop.
            services.AddScoped(sp => new CheckoutState(
                flow, checkouts, cart, waitlist, sp.GetRequiredService<ShopperClient>(), links, sp.GetRequiredService<NavigationManager>(), Shop.Clock));
        });
        context.Services.AddFallbackServiceProvider(Services);
        await cart.OpenAsync(cartId);
        return new SecondTab(context, cart);
    }

    private sealed record SecondTab(BunitContext Context, CartState Cart) : IAsyncDisposable
    {
        public NavigationManager Navigation => TwoTabsTests.Navigation(Context);

        public ValueTask DisposeAsync() => Context.DisposeAsync();
    }

    /// <summary>Checkout starts go through a <see cref="CheckoutService"/> whose reads of the cart's open checkout wait for each other.</summary>
    private ReadGate HoldStartsAtTheirOpenCheckoutRead(int participants)
    {
        var gate = new ReadGate("Status = 'Open'", participants);
        _checkouts = ActivatorUtilities.CreateInstance<CheckoutService>(Shop.Services, Shop.GatedDbFactory(gate));
        return gate;
    }

    private static NavigationManager Navigation(BunitContext tab) => tab.Services.GetRequiredService<NavigationManager>();

    private static async Task<IRenderedComponent<CartPage>> RenderCartAsync(BunitContext tab)
    {
        Navigation(tab).NavigateTo("cart");
        var cut = tab.Render<CartPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your cart", StringComparison.Ordinal));
        return cut;
    }

    private async Task<CheckoutSession> SingleSessionOfAsync(Guid cartId)
    {
        await using var db = await Shop.DbAsync();
        return await db.CheckoutSessions.AsNoTracking().SingleAsync(s => s.CartId == cartId);
    }

    /// <summary>A cart's row as stored, comparable as a whole: any change to it makes two reads differ.</summary>
    private async Task<CartRow> CartRowAsync(Guid cartId)
    {
        await using var db = await Shop.DbAsync();
        var cart = await db.Carts.AsNoTracking().SingleAsync(c => c.Id == cartId);
        return new CartRow(cart.Status, cart.UpdatedAt, cart.NextCartId,
            [.. cart.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => $"{l.Sku}×{l.Quantity}")]);
    }

    private sealed record CartRow(CartStatus Status, DateTimeOffset UpdatedAt, Guid? NextCartId, IReadOnlyList<string> Lines)
    {
        public bool Equals(CartRow? other) =>
            other is not null && (Status, UpdatedAt, NextCartId) == (other.Status, other.UpdatedAt, other.NextCartId) && Lines.SequenceEqual(other.Lines);

        public override int GetHashCode() => HashCode.Combine(Status, UpdatedAt, NextCartId, Lines.Count);
    }
}
