using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Checkout.Web.Orders;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components;

/// <summary>
/// The page a find-my-order link opens: that email's orders, newest first, each linking to its order page with a key
/// that opens it; nobody else's. A link whose day is over, or that the shop did not make, lists nothing and offers to
/// ask again.
/// </summary>
public class MyOrdersPageTests : ComponentTestContext
{
    private OrderLookupLinks? _lookupLinks;

    private OrderLookupLinks LookupLinks => _lookupLinks ??= new OrderLookupLinks(new EphemeralDataProtectionProvider(), Shop.Clock);

    protected override void AddServices(IServiceCollection services) => services.AddSingleton(LookupLinks);

    [Fact]
    public async Task AValidLink_ListsTheEmailsOrdersNewestFirst_EachLinkOpeningItsOrder()
    {
        var older = await Shop.PlaceConfirmedOrderAsync("MUG");
        Shop.Clock.Advance(TimeSpan.FromHours(2));
        var newer = await Shop.PlaceConfirmedOrderAsync("TEE", quantity: 1);
        ResultAssert.Success(await Shop.Orders.CancelAsync(newer.OrderId, new TransitionRequest("shopper")));
        var someoneElses = await PlaceOrderForAsync("someone.else@example.com");

        var cut = await OpenAsync(LookupLinks.Issue("shopper@example.com").Token);

        Assert.Equal("Your orders", cut.Find("h1").TextContent.Trim());
        Assert.Contains("shopper@example.com", cut.Find(".my-orders").TextContent, StringComparison.Ordinal);
        Assert.Equal("Your orders", cut.Find("table > caption").TextContent.Trim());
        var rows = cut.FindAll("tbody tr");
        Assert.Equal(
            [
                $"{newer.OrderNumber} 2026-03-01 14:00 UTC CANCELLED {Money.Format(newer.TotalMinor, newer.Currency)}",
                $"{older.OrderNumber} 2026-03-01 12:00 UTC CONFIRMED {Money.Format(older.TotalMinor, older.Currency)}",
            ],
            rows.Select(Text));
        Assert.DoesNotContain(someoneElses.OrderNumber, cut.Markup, StringComparison.Ordinal);
        foreach (var (row, order) in rows.Zip([newer, older]))
        {
            var href = row.QuerySelector("a")!.GetAttribute("href")!;
            var key = Uri.UnescapeDataString(href[(href.IndexOf("?key=", StringComparison.Ordinal) + 5)..]);
            Assert.StartsWith($"orders/{order.OrderNumber}?key=", href, StringComparison.Ordinal);
            Assert.Equal(order.OrderId, (await Links.FindAsync(order.OrderNumber, key))?.OrderId);
        }
    }

    [Fact]
    public async Task AnEmailWithoutOrders_SaysSo()
    {
        var cut = await OpenAsync(LookupLinks.Issue("nobody@example.com").Token);

        Assert.Equal("No orders were placed with this email.", cut.Find("[data-testid=no-orders]").TextContent.Trim());
        Assert.Empty(cut.FindAll("tbody tr"));
    }

    [Fact]
    public async Task ALinkADayOld_SaysItExpired_AndOffersToAskAgain()
    {
        await Shop.PlaceConfirmedOrderAsync();
        var token = LookupLinks.Issue("shopper@example.com").Token;
        Shop.Clock.Advance(TimeSpan.FromHours(24));

        var cut = await OpenAsync(token);

        Assert.Equal("This link has expired", cut.Find("h1").TextContent.Trim());
        Assert.Contains("24 hours", cut.Find("[data-testid=lookup-refused]").TextContent, StringComparison.Ordinal);
        AssertOffersToAskAgain(cut);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bm90LWEtdG9rZW4tYXQtYWxs")]
    [InlineData("tampered")]
    public async Task ALinkTheShopDidNotMake_ListsNothing_AndOffersToAskAgain(string? token)
    {
        await Shop.PlaceConfirmedOrderAsync();
        if (token == "tampered")
        {
            var issued = LookupLinks.Issue("shopper@example.com").Token;
            token = issued[..^2] + (issued[^2] == 'A' ? 'B' : 'A') + issued[^1];
        }

        var cut = await OpenAsync(token);

        Assert.Equal("This link doesn't work", cut.Find("h1").TextContent.Trim());
        Assert.DoesNotContain("shopper@example.com", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("tbody tr"));
        AssertOffersToAskAgain(cut);
    }

    private static void AssertOffersToAskAgain(IRenderedComponent<MyOrders> cut) =>
        Assert.Equal("orders/find", cut.FindAll("a").Single(a => a.TextContent.Trim() == "Ask for a new link").GetAttribute("href"));

    private async Task<OrderView> PlaceOrderForAsync(string email)
    {
        await Shop.AddProductAsync("OTHER", priceMinor: 900);
        var checkout = await Shop.OpenCheckoutAsync(email, lines: ("OTHER", 1));
        return ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved)).Order;
    }

    private async Task<IRenderedComponent<MyOrders>> OpenAsync(string? token)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(token is null ? "orders/mine" : OrderLookupLinks.ListPath(token));
        var cut = Render<MyOrders>();
        await cut.WaitForElementAsync("h1");
        return cut;
    }

    private static string Text(IElement element) =>
        string.Join(' ', element.GetDescendants().OfType<IText>().Select(t => t.Data.Trim()).Where(t => t.Length > 0));
}
