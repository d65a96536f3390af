using AngleSharp.Dom;
using Bunit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Promotions;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Components.Shared;
using Checkout.Web.State;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components;

/// <summary>
/// The checkout page takes a cart through contact, shipping, promo code, payment and review to a confirmed order, over
/// the real services: the hold is placed when the contact step is left, a decline starts a new checkout, and Pay pays once.
/// </summary>
public class CheckoutPageTests : CheckoutTestContext
{
    [Fact]
    public async Task Stepper_FromContactToPay_PlacesOneConfirmedOrder_AndShowsTheConfirmation()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 2500, stock: 5);
        await Shop.AddPromoAsync(new PromoCode("WELCOME10", PromoKind.Percentage, 10));
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 2)));
        var cut = await RenderCheckoutAsync();
        Assert.Equal("USD 50.00", cut.Find("[data-testid=totals] dd").TextContent.Trim());

        // Contact: leaving it places the hold, and the countdown appears.
        await FillContactAsync(cut);
        await ClickAsync(cut, "Continue");
        var session = await SingleSessionAsync();
        Assert.Equal(CheckoutSessionStatus.Open, session.Status);
        Assert.Equal(2, (await Shop.InventoryAsync("MUG")).Reserved);
        cut.WaitForAssertion(() => Assert.Equal("15:00", cut.Find("[role=timer]").TextContent.Trim()));
        Assert.Equal($"http://localhost/checkout?session={session.Id}", Navigation.Uri);

        // Shipping: to Portland, by the US Standard method, with no sales tax.
        await ShippingForm.ShipAsync(cut);

        // Promo: the totals follow the code.
        await InputAsync(cut, "Promo code", "welcome10");
        await ClickAsync(cut, "Apply");
        cut.WaitForAssertion(() => Assert.Equal("WELCOME10 applied: you save USD 5.00.", cut.Find("[data-testid=promo-message]").TextContent.Trim()));
        Assert.Equal("USD 49.99", cut.Find("[data-testid=total]").TextContent.Trim()); // 50.00 - 5.00 + 4.99 shipping
        await ClickAsync(cut, "Continue to payment");

        // Payment, then review.
        await EnterCardAsync(cut, "4242 4242 4242 4242");
        await ClickAsync(cut, "Review order");
        cut.WaitForAssertion(() => Assert.Contains("Product MUG × 2", cut.Find("[aria-label='Items in your order']").TextContent, StringComparison.Ordinal));
        Assert.Contains("Visa •••• 4242", cut.Markup, StringComparison.Ordinal);
        Assert.Equal("Pay USD 49.99", PayButton(cut).TextContent.Trim());

        await PayButton(cut).ClickAsync(new MouseEventArgs());

        var order = await SingleOrderAsync();
        Assert.Equal(OrderStatus.Confirmed, order.Status);
        Assert.Equal(4999, order.TotalMinor);
        // The confirmation's address carries the order's key: the number alone opens nothing.
        var key = Assert.Single(QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query)["key"])!;
        Assert.Equal($"http://localhost/checkout/confirmation/{order.Number}?key={key}", Navigation.Uri);
        Assert.True(Links.Opens(order.Id, key));
        Assert.Equal(0, Cart.ItemCount);

        var confirmation = Render<Confirmation>(p => p.Add(c => c.OrderNumber, order.Number));
        confirmation.WaitForAssertion(() => Assert.Equal(order.Number, confirmation.Find("[data-testid=order-number]").TextContent.Trim()));
        Assert.Equal("Confirmed", confirmation.Find("[data-testid=order-status]").TextContent.Trim());
        Assert.Contains("Product MUG × 2", confirmation.Markup, StringComparison.Ordinal);
        Assert.Contains("USD 49.99", confirmation.Find("[data-testid=totals]").TextContent, StringComparison.Ordinal);
        Assert.Equal($"orders/{order.Number}?key={key}",
            confirmation.FindAll("a").Single(a => a.TextContent.Contains("Track this order", StringComparison.Ordinal)).GetAttribute("href"));
    }

    [Theory]
    [InlineData("no key")]
    [InlineData("a made-up key")]
    [InlineData("another order's key")]
    public async Task Confirmation_WithoutTheOrdersKey_SaysNotFound_AsForAnUnknownNumber(string keyKind)
    {
        var order = await Shop.PlaceConfirmedOrderAsync("MUG");
        var other = await Shop.PlaceConfirmedOrderAsync("TEE");
        var query = keyKind switch
        {
            "no key" => "",
            "a made-up key" => "?key=bm90LWEta2V5LWF0LWFsbA",
            _ => $"?key={Links.Issue(other.OrderId)}",
        };

        Navigation.NavigateTo($"checkout/confirmation/{order.OrderNumber}{query}");
        var cut = Render<Confirmation>(p => p.Add(c => c.OrderNumber, order.OrderNumber));

        cut.WaitForAssertion(() => Assert.Equal("Order not found", cut.Find("h1").TextContent.Trim()));
        Assert.Equal($"We couldn't find an order numbered {order.OrderNumber}. Open it from the link in your confirmation email.", cut.Find("p").TextContent.Trim());
        Assert.Empty(cut.FindAll("[data-testid=order-number]"));
        Assert.DoesNotContain(order.Email, cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contact_WithMissingOrInvalidDetails_SaysWhatToFix_AndHoldsNothing()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1)));
        var cut = await RenderCheckoutAsync();

        await ClickAsync(cut, "Continue");

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("Enter your email address.", cut.Markup, StringComparison.Ordinal);
            Assert.Contains("Enter your name.", cut.Markup, StringComparison.Ordinal);
        });

        await ChangeAsync(cut, "Email", "not-an-email");
        await ChangeAsync(cut, "Full name", "Sam Shopper");
        await ClickAsync(cut, "Continue");

        cut.WaitForAssertion(() => Assert.Contains("Enter a valid email address, like name@example.com.", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(0, await Shop.CountAsync(db => db.CheckoutSessions));
        Assert.Empty(cut.FindAll("[data-testid=hold-countdown]"));
    }

    [Fact]
    public async Task BackToContactAndOnAgain_KeepsTheOneHold()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 2)));
        var cut = await RenderCheckoutAsync();
        await FillContactAsync(cut);
        await ClickAsync(cut, "Continue");
        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));

        await ClickAsync(cut, "Back");
        cut.WaitForAssertion(() => Assert.Equal("Contact details", StepHeading(cut)));
        Assert.True(InputLabelled(cut, "Email").HasAttribute("readonly"));
        await ClickAsync(cut, "Continue");

        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
        Assert.Equal(1, await Shop.CountAsync(db => db.CheckoutSessions));
        Assert.Equal(2, (await Shop.InventoryAsync("MUG")).Reserved);
    }

    [Fact]
    public async Task StepHeaders_LeadBackToFinishedSteps_ButNeverPastTheHold()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1)));
        var cut = await RenderCheckoutAsync();

        await StepHeader(cut, "Review").ClickAsync(new MouseEventArgs());

        Assert.Equal("Contact details", StepHeading(cut));
        Assert.Equal(0, await Shop.CountAsync(db => db.CheckoutSessions));

        await FillContactAsync(cut);
        await ClickAsync(cut, "Continue");
        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
        await StepHeader(cut, "Contact").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Equal("Contact details", StepHeading(cut)));
    }

    [Fact]
    public async Task PriceChangedSinceTheCart_ShowsWasAndNow_AndHoldsOnlyOnceAccepted()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 1000, stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1)));
        await SetPriceAsync("MUG", 1250);
        var cut = await RenderCheckoutAsync();
        await FillContactAsync(cut);

        await ClickAsync(cut, "Continue");

        cut.WaitForAssertion(() => Assert.Contains("Product MUG: was USD 10.00, now USD 12.50", cut.Find("[data-testid=start-problem]").TextContent, StringComparison.Ordinal));
        Assert.Equal(0, await Shop.CountAsync(db => db.CheckoutSessions));
        Assert.Equal(0, (await Shop.InventoryAsync("MUG")).Reserved);

        await ClickAsync(cut, "Accept new prices and continue");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=hold-countdown]")));
        Assert.Empty(cut.FindAll("[data-testid=start-problem]"));
        Assert.Equal(1250, (await SingleSessionAsync()).SubtotalMinor);
        Assert.Equal(1, (await Shop.InventoryAsync("MUG")).Reserved);
    }

    [Fact]
    public async Task OutOfStockSinceTheCart_SaysWhichItemsAndHowManyAreLeft_WithAWayBackToTheCart()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Shop.AddProductAsync("TOTE", stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1), ("TOTE", 3)));
        await SetStockAsync("TOTE", 1);
        var cut = await RenderCheckoutAsync();
        await FillContactAsync(cut);

        await ClickAsync(cut, "Continue");

        cut.WaitForAssertion(() =>
        {
            var problem = cut.Find("[data-testid=start-problem]");
            Assert.Contains("Not enough stock for your order", problem.TextContent, StringComparison.Ordinal);
            Assert.Contains("Product TOTE: only 1 left (you asked for 3)", Squash(problem.TextContent), StringComparison.Ordinal);
            Assert.DoesNotContain("Product MUG", problem.TextContent, StringComparison.Ordinal);
            Assert.Equal("cart", problem.QuerySelector("a")!.GetAttribute("href"));
        });
        Assert.Equal(0, (await Shop.InventoryAsync("MUG")).Reserved);
    }

    [Fact]
    public async Task Decline_StartsANewCheckoutFromTheSameCart_AndStaysOnPayment_ThenAnotherCardPays()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 2500, stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 2)));
        var cut = await RenderCheckoutAsync();
        await GoToReviewAsync(cut, SimulatedPaymentGateway.DeclinedCard);
        var first = await SingleSessionAsync();

        await PayButton(cut).ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("The card was declined. Nothing was charged. Your items are reserved again — try another card.",
            cut.Find("[data-testid=checkout-notice]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Payment", StepHeading(cut));
        await using (var db = await Shop.DbAsync())
        {
            var sessions = await db.CheckoutSessions.AsNoTracking().ToListAsync();
            Assert.Equal(CheckoutSessionStatus.Failed, sessions.Single(s => s.Id == first.Id).Status);
            var second = sessions.Single(s => s.Id != first.Id);
            Assert.Equal(CheckoutSessionStatus.Open, second.Status);
            Assert.EndsWith($"checkout?session={second.Id}", Navigation.Uri, StringComparison.Ordinal);
        }
        Assert.Equal(2, (await Shop.InventoryAsync("MUG")).Reserved);
        Assert.Contains("Your items are reserved for", cut.Find("[data-testid=hold-countdown]").TextContent, StringComparison.Ordinal);

        await EnterCardAsync(cut, "4242 4242 4242 4242");
        await ClickAsync(cut, "Review order");
        await PayButton(cut).ClickAsync(new MouseEventArgs());

        await using var check = await Shop.DbAsync();
        var orders = await check.Orders.AsNoTracking().ToListAsync();
        Assert.Equal(OrderStatus.Cancelled, orders.Single(o => o.CheckoutSessionId == first.Id).Status);
        Assert.Equal(OrderStatus.Confirmed, orders.Single(o => o.CheckoutSessionId != first.Id).Status);
        Assert.Equal(2, (await Shop.InventoryAsync("MUG")).Sold);
    }

    [Fact]
    public async Task PayButton_IsDisabledWhileThePaymentIsInFlight_AndAClickMeanwhilePaysNothing()
    {
        var gateway = new HeldGateway(Shop.Get<IPaymentGateway>());
        // The shop's own order placement, wired as the app wires it, except for the gateway.
        var placeOrders = ActivatorUtilities.CreateInstance<PlaceOrderService>(Shop.Services, gateway);
        Override(placeOrders);
        Override(ActivatorUtilities.CreateInstance<CheckoutFlow>(Shop.Services, placeOrders));
        await Shop.AddProductAsync("MUG", stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1)));
        var cut = await RenderCheckoutAsync();
        await GoToReviewAsync(cut, "4242 4242 4242 4242");

        var paying = PayButton(cut).ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() =>
        {
            Assert.True(PayButton(cut).HasAttribute("disabled"));
            Assert.Equal("Paying…", PayButton(cut).TextContent.Trim());
        });
        Assert.Equal(1, gateway.Authorizations);
        await PayButton(cut).ClickAsync(new MouseEventArgs());
        Assert.Equal(1, gateway.Authorizations);

        gateway.Release();
        await paying;

        Assert.Equal(OrderStatus.Confirmed, (await SingleOrderAsync()).Status);
        Assert.Equal(1, gateway.Authorizations);
        Assert.Equal(1, await Shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
    }

    [Fact]
    public async Task ReleasedWhileOnThePage_OffersToStartAgain_WithWhatIsStillInStock()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 3)));
        var cut = await RenderCheckoutAsync();
        await FillContactAsync(cut);
        await ClickAsync(cut, "Continue");
        await ShippingForm.ShipAsync(cut);
        var first = await SingleSessionAsync();

        Shop.Clock.Advance(first.HoldExpiresAt - Shop.Clock.GetUtcNow());
        Assert.Equal(1, await Shop.Get<HoldSweeper>().SweepOnceAsync());
        cut.WaitForAssertion(() => Assert.Contains("Your items were released.", cut.Find("[data-testid=hold-countdown]").TextContent, StringComparison.Ordinal));
        Assert.True(ButtonNamed(cut, "Continue to payment").HasAttribute("disabled"));
        // Meanwhile someone else bought all but two.
        await SetStockAsync("MUG", 2);

        await ClickAsync(cut, "Start again with what's in stock");

        cut.WaitForAssertion(() => Assert.Contains("Your items are reserved for", cut.Find("[data-testid=hold-countdown]").TextContent, StringComparison.Ordinal));
        await using var db = await Shop.DbAsync();
        var second = await db.CheckoutSessions.AsNoTracking().SingleAsync(s => s.Id != first.Id);
        Assert.Equal(CheckoutSessionStatus.Open, second.Status);
        Assert.Equal(2, second.Lines.Single().Quantity);
        Assert.Equal(2, Cart.QuantityOf("MUG"));
        Assert.False(ButtonNamed(cut, "Continue to payment").HasAttribute("disabled"));
    }

    [Fact]
    public async Task PaymentPending_AsksToPayAgain_AndTheRetryChargesOnce()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1)));
        var cut = await RenderCheckoutAsync();
        await GoToReviewAsync(cut, SimulatedPaymentGateway.TimeoutCard);

        await PayButton(cut).ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Contains("Press Pay again — you won't be charged twice.", cut.Find("[data-testid=checkout-notice]").TextContent, StringComparison.Ordinal));
        Assert.Equal(OrderStatus.Pending, (await SingleOrderAsync()).Status);

        await PayButton(cut).ClickAsync(new MouseEventArgs());

        Assert.Equal(OrderStatus.Confirmed, (await SingleOrderAsync()).Status);
        Assert.Equal(1, await Shop.GatewayCallsAsync(GatewayOperationKind.Capture));
    }

    [Fact]
    public async Task Reload_ResumesTheOpenCheckout_WithItsCountdown()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var checkout = await Shop.OpenCheckoutAsync(email: ShopperEmail, lines: ("MUG", 1));
        Shop.Clock.Advance(TimeSpan.FromMinutes(5));

        Navigation.NavigateTo($"checkout?session={checkout.CheckoutSessionId}");

        var cut = Render<CheckoutPage>();

        cut.WaitForAssertion(() => Assert.Equal("10:00", cut.Find("[role=timer]").TextContent.Trim()));
        Assert.Equal("Promo code", StepHeading(cut));
        Assert.Equal(1, await Shop.CountAsync(db => db.CheckoutSessions));
    }

    [Fact]
    public async Task Claim_OfAnOfferedWaitlistUnit_PutsItInTheCartAndHoldsItUnderTheWaitersEmail()
    {
        await Shop.AddProductAsync("LAST", stock: 1);
        await Shop.OpenCheckoutAsync("holder@example.com", null, ("LAST", 1));
        var waitlist = Services.GetRequiredService<WaitlistState>();
        var entry = ResultAssert.Success(await waitlist.JoinAsync("LAST", ShopperEmail));
        Shop.Clock.Advance(TimeSpan.FromMinutes(15));
        await Shop.Get<HoldSweeper>().SweepOnceAsync();
        Assert.Equal(WaitlistStatus.Offered, (await waitlist.RefreshAsync("LAST"))?.Status);
        await Cart.OpenAsync(await Shop.Carts.CreateAsync());

        Navigation.NavigateTo($"checkout?claim={entry.EntryId}");
        var cut = Render<CheckoutPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your checkout", StringComparison.Ordinal));

        Assert.Equal(1, Cart.QuantityOf("LAST"));
        await ChangeAsync(cut, "Full name", "Sam Shopper");
        await ClickAsync(cut, "Continue");
        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
        var session = await SingleOpenSessionAsync();
        Assert.Equal(ShopperEmail, session.Email);
        Assert.Equal(WaitlistStatus.Claimed, ResultAssert.Success(await Shop.Get<WaitlistService>().GetAsync(entry.EntryId)).Status);
        var stock = await Shop.InventoryAsync("LAST");
        Assert.Equal((0, 1), (stock.Quantity, stock.Reserved));
    }

    [Fact]
    public async Task Review_ShowsWhereTheOrderGoes_AndSoDoesTheConfirmation()
    {
        await Shop.AddProductAsync("MUG", priceMinor: 2500, stock: 5);
        await Cart.OpenAsync(await Shop.CartWithAsync(("MUG", 1)));
        var cut = await RenderCheckoutAsync();

        await GoToReviewAsync(cut);

        Assert.Equal("Ship to Sam Shopper 1 Main Street Portland, OR 97201 United States Delivery: Standard",
            ShippingForm.Text(cut.Find("[data-testid=ship-to]")));
        Assert.Equal("Pay USD 29.99", PayButton(cut).TextContent.Trim());

        await PayButton(cut).ClickAsync(new MouseEventArgs());
        var order = await SingleOrderAsync();
        var confirmation = Render<Confirmation>(p => p.Add(c => c.OrderNumber, order.Number));

        confirmation.WaitForAssertion(() => Assert.Equal("Ship to Sam Shopper 1 Main Street Portland, OR 97201 United States Delivery: Standard",
            ShippingForm.Text(confirmation.Find("[data-testid=ship-to]"))));
        Assert.Empty(confirmation.FindAll("[data-testid=tax]"));
    }

    [Fact]
    public async Task Reload_OfACheckoutWithNoAddressYet_ResumesOnTheShippingStep()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var checkout = ResultAssert.Success(await Shop.Checkouts.StartAsync(new StartCheckout(await Shop.CartWithAsync(("MUG", 1)), ShopperEmail, "Sam Shopper")));

        Navigation.NavigateTo($"checkout?session={checkout.CheckoutSessionId}");
        var cut = Render<CheckoutPage>();

        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
        Assert.Equal("Sam Shopper", ShippingForm.Field(cut, "name").GetAttribute("value"));
        Assert.Null(ShippingForm.Field(cut, "line1").GetAttribute("value"));
        // Nothing past this step until the checkout knows where it goes.
        await StepHeader(cut, "Promo code").ClickAsync(new MouseEventArgs());
        Assert.Equal(ShippingForm.Heading, StepHeading(cut));
    }

    [Fact]
    public async Task Reload_OfACheckoutWithAnAddress_ShowsThatAddressOnTheShippingStep()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var checkout = await Shop.OpenCheckoutAsync(email: ShopperEmail, lines: ("MUG", 1));
        Navigation.NavigateTo($"checkout?session={checkout.CheckoutSessionId}");
        var cut = Render<CheckoutPage>();
        cut.WaitForAssertion(() => Assert.Equal("Promo code", StepHeading(cut)));

        await StepHeader(cut, "Shipping").ClickAsync(new MouseEventArgs());

        cut.WaitForAssertion(() => Assert.Equal(ShippingForm.Heading, StepHeading(cut)));
        Assert.Equal(["1 Main Street", "Portland", "97201"],
            new[] { "line1", "city", "postalCode" }.Select(field => ShippingForm.Field(cut, field).GetAttribute("value")));
        Assert.Equal("Oregon", ShippingForm.Chosen(cut, "region"));
        cut.WaitForAssertion(() => Assert.Equal("Standard", ShippingForm.ChosenMethod(cut)));
    }

    [Fact]
    public async Task EmptyCart_SaysThereIsNothingToCheckOut()
    {
        var cut = await RenderCheckoutAsync();

        Assert.Contains("Your cart is empty", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[role=tablist]"));
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private static IElement StepHeader(IRenderedComponent<CheckoutPage> cut, string title) =>
        cut.FindAll("[role=tab]").Single(t => t.TextContent.Contains(title, StringComparison.Ordinal));

    private async Task<CheckoutSession> SingleSessionAsync()
    {
        await using var db = await Shop.DbAsync();
        return await db.CheckoutSessions.AsNoTracking().SingleAsync();
    }

    private async Task<CheckoutSession> SingleOpenSessionAsync()
    {
        await using var db = await Shop.DbAsync();
        return await db.CheckoutSessions.AsNoTracking().SingleAsync(s => s.Status == CheckoutSessionStatus.Open);
    }

    private async Task SetPriceAsync(string sku, long priceMinor)
    {
        await using var db = await Shop.DbAsync();
        Assert.Equal(1, await db.Products.Where(p => p.Sku == sku).ExecuteUpdateAsync(s => s.SetProperty(p => p.PriceMinor, priceMinor)));
    }

    private async Task SetStockAsync(string sku, int available)
    {
        await using var db = await Shop.DbAsync();
        Assert.Equal(1, await db.Inventory.Where(i => i.Sku == sku).ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, available)));
    }

    private static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>
/// <see cref="ComponentTestContext"/> plus what the checkout components need beyond it: whatever the shop's container
/// holds (order placement, the host environment…) is resolved from it as a fallback, and a test can put its own
/// instance of a service in front (<see cref="Override{T}"/>) before the first render. It also holds the steps through
/// the checkout page that the page's own tests and the two-tab tests both take.
/// </summary>
public abstract class CheckoutTestContext : ComponentTestContext, IAsyncLifetime
{
    private readonly Dictionary<Type, object> _overrides = [];

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Services.AddFallbackServiceProvider(new ShopFallback(Shop, _overrides));
    }

    protected void Override<T>(T instance) where T : notnull => _overrides[typeof(T)] = instance;

    protected override CheckoutFlow Flow => _overrides.TryGetValue(typeof(CheckoutFlow), out var flow) ? (CheckoutFlow)flow : base.Flow;

    protected static IElement ButtonNamed<T>(IRenderedComponent<T> cut, string name) where T : IComponent =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == name || b.GetAttribute("aria-label") == name);

    protected static Task ClickAsync<T>(IRenderedComponent<T> cut, string button) where T : IComponent =>
        ButtonNamed(cut, button).ClickAsync(new MouseEventArgs());

    /// <summary>The input whose label reads <paramref name="label"/>, found through the label's <c>for</c>.</summary>
    protected static IElement InputLabelled<T>(IRenderedComponent<T> cut, string label) where T : IComponent
    {
        var element = cut.FindAll("label").Single(l => l.TextContent.Trim().TrimEnd('*').Trim() == label);
        return cut.Find($"#{element.GetAttribute("for")}");
    }

    protected static Task ChangeAsync<T>(IRenderedComponent<T> cut, string label, string value) where T : IComponent =>
        InputLabelled(cut, label).ChangeAsync(new ChangeEventArgs { Value = value });

    protected static Task InputAsync<T>(IRenderedComponent<T> cut, string label, string value) where T : IComponent =>
        InputLabelled(cut, label).InputAsync(new ChangeEventArgs { Value = value });

    /// <summary>The address <see cref="FillContactAsync"/> enters, for tests that set up or look for that shopper's checkout.</summary>
    protected const string ShopperEmail = "sam@example.com";

    /// <summary>The checkout page in this test's own circuit.</summary>
    protected Task<IRenderedComponent<CheckoutPage>> RenderCheckoutAsync() => RenderCheckoutAsync(this);

    /// <summary>The checkout page in <paramref name="tab"/>'s circuit, once it has loaded the cart.</summary>
    protected static async Task<IRenderedComponent<CheckoutPage>> RenderCheckoutAsync(BunitContext tab)
    {
        tab.Services.GetRequiredService<NavigationManager>().NavigateTo("checkout");
        var cut = tab.Render<CheckoutPage>();
        await cut.WaitForStateAsync(() => !cut.Markup.Contains("Loading your checkout", StringComparison.Ordinal));
        return cut;
    }

    protected static async Task FillContactAsync(IRenderedComponent<CheckoutPage> cut)
    {
        await ChangeAsync(cut, "Email", ShopperEmail);
        await ChangeAsync(cut, "Full name", "Sam Shopper");
    }

    protected static async Task EnterCardAsync(IRenderedComponent<CheckoutPage> cut, string number)
    {
        await ChangeAsync(cut, "Card number", number);
        await ChangeAsync(cut, "Expiry (MM/YY)", "12/30");
        await ChangeAsync(cut, "Security code (CVC)", "123");
    }

    /// <summary>
    /// Contact, shipping to <see cref="TestAddresses.Portland"/>, promo code and payment with <paramref name="card"/> (by
    /// default one the simulated gateway approves), up to Pay.
    /// </summary>
    protected static async Task GoToReviewAsync(IRenderedComponent<CheckoutPage> cut, string card = "4242 4242 4242 4242")
    {
        await FillContactAsync(cut);
        await ClickAsync(cut, "Continue");
        await ShippingForm.ShipAsync(cut);
        cut.WaitForAssertion(() => Assert.Equal("Promo code", StepHeading(cut)));
        await ClickAsync(cut, "Continue to payment");
        await EnterCardAsync(cut, card);
        await ClickAsync(cut, "Review order");
        cut.WaitForAssertion(() => Assert.Equal("Review and pay", StepHeading(cut)));
    }

    protected static IElement PayButton(IRenderedComponent<CheckoutPage> cut) => cut.Find("[data-testid=pay]");

    protected static string StepHeading(IRenderedComponent<CheckoutPage> cut) => cut.Find(".checkout-step-heading").TextContent.Trim();

    /// <summary>The one order in the shop, with its lines loaded for tests that check what was bought.</summary>
    protected async Task<Order> SingleOrderAsync()
    {
        await using var db = await Shop.DbAsync();
        return await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync();
    }

    private sealed class ShopFallback(TestShop shop, Dictionary<Type, object> overrides) : IServiceProvider
    {
        public object? GetService(Type serviceType) =>
            overrides.TryGetValue(serviceType, out var instance) ? instance : shop.Services.GetService(serviceType);
    }

    /// <summary>A gateway whose authorizations wait until the test releases them, so a test can act while a payment is in flight.</summary>
    protected sealed class HeldGateway(IPaymentGateway inner) : DelegatingPaymentGateway(inner)
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource[] _waiting = [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];
        private int _authorizations;

        /// <summary>Every authorization that has reached the gateway, held or not, so a test sees a second charge attempt.</summary>
        public int Authorizations => Volatile.Read(ref _authorizations);

        /// <summary>Lets the held authorizations, and every later one, through to the real gateway.</summary>
        public void Release() => _release.TrySetResult();

        /// <summary>Until <paramref name="count"/> (1 or 2) authorizations wait; bounded, so a payment that never reaches the gateway fails the test instead of hanging it.</summary>
        public Task WhenWaitingAsync(int count) => _waiting[count - 1].Task.WaitAsync(TimeSpan.FromSeconds(10));

        public override async Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default)
        {
            var arrived = Interlocked.Increment(ref _authorizations);
            if (arrived <= _waiting.Length)
            {
                _waiting[arrived - 1].TrySetResult();
            }
            await _release.Task.WaitAsync(ct);
            return await Inner.AuthorizeAsync(idempotencyKey, amountMinor, currency, card, ct);
        }
    }
}
