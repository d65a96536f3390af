using Bunit;
using Checkout.Data.Fulfillment;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OutboxPage = Checkout.Web.Components.Pages.Admin.Outbox;

namespace Checkout.Tests.Components.Admin;

/// <summary>The outbox page over a real shop: failing and dead-lettered deliveries with their counts, and "retry now".</summary>
public class OutboxPageTests : AdminTestContext
{
    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(Shop.Get<OutboxAdminService>());
    }

    [Fact]
    public async Task ListsFailingAndDeadDeliveries_WithTheirCounts()
    {
        var now = Shop.Clock.GetUtcNow();
        var failing = await Shop.FailedDeliveryAsync(now, "webhooks", dead: false, error: new string('x', 300), attempts: 4);
        var dead = await Shop.FailedDeliveryAsync(now, "fulfillment", dead: true, error: "Connection refused", attempts: 30);

        var cut = RenderAdmin<OutboxPage>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=delivery-row]").Count));
        Assert.Equal("1 failing", cut.Find("[data-testid=failing-count]").TextContent.Trim());
        Assert.Equal("1 dead-lettered", cut.Find("[data-testid=dead-count]").TextContent.Trim());
        var failingRow = Row(cut, failing.Id);
        Assert.Equal(("webhooks", "4", "Failing"), (failingRow.GetAttribute("data-consumer"), Cell(failingRow, "attempts"), Cell(failingRow, "state")));
        Assert.Equal(now.AddHours(1).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), Cell(failingRow, "next-attempt"));
        Assert.Equal(new string('x', 120) + "…", Cell(failingRow, "last-error"));
        Assert.Contains(failing.AggregateId.ToString(), failingRow.TextContent, StringComparison.Ordinal);
        var deadRow = Row(cut, dead.Id);
        Assert.Equal(("30", "—", "Connection refused", "Dead"), (Cell(deadRow, "attempts"), Cell(deadRow, "next-attempt"), Cell(deadRow, "last-error"), Cell(deadRow, "state")));
    }

    [Fact]
    public async Task RetryNow_MakesADeadDeliveryDueNow_AndTheCountsFollow()
    {
        var dead = await Shop.FailedDeliveryAsync(Shop.Clock.GetUtcNow(), "webhooks", dead: true);
        Shop.Clock.Advance(TimeSpan.FromMinutes(10));
        var cut = RenderAdmin<OutboxPage>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=delivery-row]")));

        await Row(cut, dead.Id).QuerySelector("[data-testid=retry-now]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("Failing", Cell(Row(cut, dead.Id), "state")));
        Assert.Equal(("1 failing", "0 dead-lettered"),
            (cut.Find("[data-testid=failing-count]").TextContent.Trim(), cut.Find("[data-testid=dead-count]").TextContent.Trim()));
        Assert.Equal("The delivery to webhooks is due now: the next dispatcher pass attempts it.", cut.Find("[data-testid=outbox-message]").TextContent.Trim());
        await using var db = await Shop.DbAsync();
        var delivery = await db.OutboxDeliveries.AsNoTracking().SingleAsync();
        Assert.Equal((null, Shop.Clock.GetUtcNow()), (delivery.DeadAt, delivery.NextAttemptAt));
    }

    [Fact]
    public async Task WithNothingFailing_SaysSo()
    {
        await Shop.PlaceConfirmedOrderAsync();
        await Shop.Get<OutboxDispatcher>().DispatchOnceAsync();

        var cut = RenderAdmin<OutboxPage>();

        await cut.WaitForAssertionAsync(() => Assert.NotNull(cut.Find("[data-testid=no-deliveries]")));
        Assert.Equal("0 failing", cut.Find("[data-testid=failing-count]").TextContent.Trim());
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<AdminHost> cut, Guid messageId) =>
        cut.FindAll("[data-testid=delivery-row]").Single(r => r.GetAttribute("data-message") == messageId.ToString());

    private static string Cell(AngleSharp.Dom.IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}
