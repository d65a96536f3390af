using Checkout.Data.Fulfillment;
using Checkout.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Notifications;

/// <summary>A confirmed order's receipt goes out through the outbox to a real SMTP server, and none is lost while the server is down.</summary>
public sealed class ReceiptEmailTests
{
    [Fact]
    public async Task AConfirmedOrder_ItsReceiptArrives_WithTheTotalsTheAddressAndTheOrdersLink()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 2));

        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        await using (var db = await api.DbAsync())
        {
            var delivery = await db.OutboxDeliveries.AsNoTracking().SingleAsync(d => d.Consumer == "receipt-email");
            Assert.True(delivery.DeliveredAt is not null, $"The receipt was not delivered: {delivery.LastError}");
        }
        var receipt = Assert.Single(await smtp.ArrivedAsync(await ReceiptIdAsync(api, placed.OrderId)));
        Assert.Equal(ApiClient.ShopperEmail, receipt.To.Mailboxes.Single().Address);
        Assert.Contains(placed.OrderNumber, receipt.Subject, StringComparison.Ordinal);
        // 2 × 24.90 and Standard delivery to Portland, Oregon (no sales tax).
        foreach (var body in new[] { receipt.TextBody, receipt.HtmlBody })
        {
            Assert.Contains("USD 54.79", body, StringComparison.Ordinal);
            Assert.Contains("Portland, OR 97201", body, StringComparison.Ordinal);
            Assert.Contains("Standard", body, StringComparison.Ordinal);
        }
        Assert.Contains($"orders/{placed.OrderNumber}?key=", receipt.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSmtpServerDownWhileOrdersAreConfirmed_EveryReceiptArrivesOnceItIsBack()
    {
        await using var smtp = await SmtpTestServer.StartAsync();
        await smtp.StopAsync();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        var orders = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            orders.Add((await shopper.ConfirmedOrderAsync(("TEA-SENCHA", 1))).OrderId);
        }

        await api.Get<OutboxDispatcher>().DispatchOnceAsync();
        await using (var db = await api.DbAsync())
        {
            var receipts = await db.OutboxDeliveries.AsNoTracking().Where(d => d.Consumer == "receipt-email").ToListAsync();
            Assert.Equal(3, receipts.Count);
            Assert.All(receipts, d => Assert.Equal((1, (DateTimeOffset?)null), (d.Attempts, d.DeliveredAt)));
        }

        await smtp.StartAgainAsync();
        api.Clock.Advance(TimeSpan.FromHours(1));
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        foreach (var order in orders)
        {
            Assert.Single(await smtp.ArrivedAsync(await ReceiptIdAsync(api, order)));
        }
    }

    /// <summary>The receipt's Message-ID: the order's confirmation message, as the receipt consumer keys it.</summary>
    private static async Task<string> ReceiptIdAsync(ApiFactory api, Guid orderId)
    {
        await using var db = await api.DbAsync();
        var confirmation = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AggregateId == orderId && m.Type == OutboxTypes.OrderConfirmed);
        return $"{confirmation.Id:N}.order@checkout.local";
    }
}
