using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Fulfillment;
using Checkout.Data.Orders;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Storefront;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components;

/// <summary>
/// The find-my-order page: what it says after a send is the same whether or not the email and number belong together,
/// and each send asks for one lookup mail; a field of the wrong shape says what to fix and sends nothing; and a
/// shopper asking over and over is told to try later.
/// </summary>
public class FindOrderPageTests : ComponentTestContext
{
    protected override void AddServices(IServiceCollection services) => services.AddSingleton(Shop.Get<OrderLookups>());

    [Fact]
    public async Task AMatchAndAMismatch_ShowTheSameConfirmation_AndEachAsksForOneLookup()
    {
        var order = await Shop.PlaceConfirmedOrderAsync();

        var match = await SendAsync(" Shopper@Example.com ", order.OrderNumber.ToLowerInvariant());
        Shop.Clock.Advance(TimeSpan.FromSeconds(1));
        var mismatch = await SendAsync("someone.else@example.com", order.OrderNumber);

        Assert.Contains(OrderLookups.Answer, Text(match), StringComparison.Ordinal);
        Assert.Equal(Text(match), Text(mismatch));
        Assert.Equal(
            [new OrderLookupRequest("shopper@example.com", order.OrderNumber), new OrderLookupRequest("someone.else@example.com", order.OrderNumber)],
            await LookupsAsync());
    }

    [Fact]
    public async Task FieldsOfTheWrongShape_SayWhatToFix_AndAskForNothing()
    {
        var cut = Render<FindOrder>();

        await TypeAsync(cut, "email", "shopper.example.com");
        await TypeAsync(cut, "number", "12345");
        await SendButton(cut).ClickAsync(new MouseEventArgs());

        Assert.Equal("Enter a valid email address, like name@example.com.", MessageOf(cut, "email"));
        Assert.StartsWith("An order number is CK- and ten letters and digits", MessageOf(cut, "number"), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=lookup-sent]"));
        Assert.Empty(await LookupsAsync());

        await TypeAsync(cut, "email", "shopper@example.com");
        await TypeAsync(cut, "number", "CK-ABCDEFGHJK");
        await SendButton(cut).ClickAsync(new MouseEventArgs());
        await cut.WaitForElementAsync("[data-testid=lookup-sent]");
        Assert.Single(await LookupsAsync());
    }

    [Fact]
    public async Task EmptyFields_AskForBoth()
    {
        var cut = Render<FindOrder>();

        await SendButton(cut).ClickAsync(new MouseEventArgs());

        Assert.Equal("Enter your email address.", MessageOf(cut, "email"));
        Assert.Equal("Enter your order number.", MessageOf(cut, "number"));
        Assert.Empty(await LookupsAsync());
    }

    [Fact]
    public async Task AskingBeyondTheLimit_SaysToTryLater_AndAsksForNothingMore()
    {
        var cut = Render<FindOrder>();
        // The storefront's own limit, as in production: 5 in 15 minutes.
        for (var i = 0; i < 5; i++)
        {
            await TypeAsync(cut, "email", "shopper@example.com");
            await TypeAsync(cut, "number", "CK-ABCDEFGHJK");
            await SendButton(cut).ClickAsync(new MouseEventArgs());
            await cut.WaitForElementAsync("[data-testid=lookup-sent]");
            await cut.FindAll("button").Single(b => b.TextContent.Trim() == "Ask again").ClickAsync(new MouseEventArgs());
        }

        await SendButton(cut).ClickAsync(new MouseEventArgs());

        Assert.Contains("try again later", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=lookup-sent]"));
        Assert.Equal(5, (await LookupsAsync()).Count);
    }

    private async Task<IRenderedComponent<FindOrder>> SendAsync(string email, string number)
    {
        var cut = Render<FindOrder>();
        await TypeAsync(cut, "email", email);
        await TypeAsync(cut, "number", number);
        await SendButton(cut).ClickAsync(new MouseEventArgs());
        await cut.WaitForElementAsync("[data-testid=lookup-sent]");
        return cut;
    }

    private async Task<List<OrderLookupRequest>> LookupsAsync()
    {
        await using var db = await Shop.DbAsync();
        var messages = await db.OutboxMessages.AsNoTracking().Where(m => m.Type == OutboxTypes.OrderLookupRequested).ToListAsync();
        return [.. messages.OrderBy(m => m.CreatedAt).Select(OrderLookupRequest.Of)];
    }

    private static Task TypeAsync(IRenderedComponent<FindOrder> cut, string field, string value) =>
        cut.Find($"[data-testid=lookup-{field}]").ChangeAsync(new ChangeEventArgs { Value = value });

    private static IElement SendButton(IRenderedComponent<FindOrder> cut) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Email me a link");

    private static string? MessageOf(IRenderedComponent<FindOrder> cut, string field) =>
        cut.Find($"[data-testid=lookup-{field}]").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();

    private static string Text(IRenderedComponent<FindOrder> cut) => cut.Find(".find-order").TextContent.Trim();
}
