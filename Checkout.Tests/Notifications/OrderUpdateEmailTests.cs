using System.Net;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Tests.Api;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Checkout.Tests.Notifications;

/// <summary>What happens to an order after the sale reaches the shopper's inbox: shipped, delivered, cancelled, refunded after a return.</summary>
public sealed class OrderUpdateEmailTests
{
    [Fact]
    public async Task AShippedThenDeliveredOrder_EachEmailArrives_TheFirstWithTheTrackingNumber_BothWithTheOrdersLink()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));

        await ApiClient.ReadAsync<OrderDto>(
            await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/ship", new { trackingNumber = "1Z999AA10123456784" }), HttpStatusCode.OK);
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        var shipped = Assert.Single(await smtp.ArrivedAsync(await MessageIdAsync(api, placed.OrderId, OutboxTypes.OrderShipped, "shipped")));
        Assert.Equal(ApiClient.ShopperEmail, shipped.To.Mailboxes.Single().Address);
        Assert.Contains($"{placed.OrderNumber} has shipped", shipped.Subject, StringComparison.Ordinal);
        Assert.All(new[] { shipped.TextBody, shipped.HtmlBody }, body => Assert.Contains("1Z999AA10123456784", body, StringComparison.Ordinal));
        Assert.Contains($"orders/{placed.OrderNumber}?key=", shipped.HtmlBody, StringComparison.Ordinal);

        await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/deliver"), HttpStatusCode.OK);
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        var delivered = Assert.Single(await smtp.ArrivedAsync(await MessageIdAsync(api, placed.OrderId, OutboxTypes.OrderDelivered, "delivered")));
        Assert.Equal(ApiClient.ShopperEmail, delivered.To.Mailboxes.Single().Address);
        Assert.Contains($"{placed.OrderNumber} was delivered", delivered.Subject, StringComparison.Ordinal);
        Assert.All(new[] { delivered.TextBody, delivered.HtmlBody }, body => Assert.Contains($"Your order {placed.OrderNumber} was delivered.", body, StringComparison.Ordinal));
        Assert.Contains($"orders/{placed.OrderNumber}?key=", delivered.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACancelledConfirmedOrder_OneEmailSaysCancelledAndWhatIsReturned_TheRefundIsNotToldTwice()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 2));

        await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/cancel"), HttpStatusCode.OK);
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        var cancelled = Assert.Single(await smtp.ArrivedAsync(await MessageIdAsync(api, placed.OrderId, OutboxTypes.OrderCancelled, "cancelled")));
        var total = (await shopper.OrderAsync(placed.OrderId)).TotalMinor;
        Assert.Contains($"{placed.OrderNumber} was cancelled", cancelled.Subject, StringComparison.Ordinal);
        Assert.Contains(Money.Format(total, "USD"), cancelled.TextBody, StringComparison.Ordinal);
        // The refund was delivered to the e-mail consumer too, which sent nothing for it.
        await using var db = await api.DbAsync();
        var refund = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AggregateId == placed.OrderId && m.Type == OutboxTypes.OrderRefunded);
        var delivery = await db.OutboxDeliveries.AsNoTracking().SingleAsync(d => d.MessageId == refund.Id && d.Consumer == "order-update-email");
        Assert.NotNull(delivery.DeliveredAt);
        Assert.Empty(smtp.ArrivedSoFar($"{refund.Id:N}.refunded@checkout.local"));
    }

    [Fact]
    public async Task AReturnedOrder_ItsRefundEmailArrives_WithTheAmount()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("COF-GRINDER", 1));
        var orderPath = $"/api/admin/orders/{placed.OrderId}";
        await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"{orderPath}/ship", new { trackingNumber = "1Z999" }), HttpStatusCode.OK);
        await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"{orderPath}/deliver"), HttpStatusCode.OK);
        await ApiClient.ReadAsync<OrderDto>(await shopper.ReturnOrderAsync(placed.OrderId), HttpStatusCode.OK);

        var returned = await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"{orderPath}/complete-return"), HttpStatusCode.OK);
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        MimeMessage refunded = Assert.Single(await smtp.ArrivedAsync(await MessageIdAsync(api, placed.OrderId, OutboxTypes.OrderRefunded, "refunded")));
        Assert.Contains($"{placed.OrderNumber} was refunded", refunded.Subject, StringComparison.Ordinal);
        Assert.All(new[] { refunded.TextBody, refunded.HtmlBody }, body =>
            Assert.Contains(Money.Format(returned.Payment!.RefundedMinor, "USD"), body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task APartialRefund_ItsEmailSaysThisRefundsAmount_AndWhatIsRefundedInTotal()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        var path = $"/api/admin/orders/{placed.OrderId}/refunds";
        await admin.PostAsync(path, new { amountMinor = 400, reason = "Late delivery" });
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        var second = await admin.PostAsync(path, new { amountMinor = 250, reason = "Missing leaflet" });
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        await using var db = await api.DbAsync();
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.AggregateId == placed.OrderId && m.Type == OutboxTypes.OrderRefunded).ToListAsync();
        var last = messages.OrderBy(m => m.Sequence).Last();
        MimeMessage refunded = Assert.Single(await smtp.ArrivedAsync($"{last.Id:N}.refunded@checkout.local"));
        Assert.Contains($"{placed.OrderNumber} was refunded", refunded.Subject, StringComparison.Ordinal);
        Assert.All(new[] { refunded.TextBody, refunded.HtmlBody }, body =>
        {
            Assert.Contains($"We refunded {Money.Format(250, "USD")} for your order {placed.OrderNumber}.", body, StringComparison.Ordinal);
            Assert.Contains($"In total, {Money.Format(650, "USD")} of this order has been refunded.", body, StringComparison.Ordinal);
        });
    }

    /// <summary>The Message-ID of the order's e-mail of <paramref name="kind"/>: its outbox message's id, as the consumer keys it.</summary>
    private static async Task<string> MessageIdAsync(ApiFactory api, Guid orderId, string type, string kind)
    {
        await using var db = await api.DbAsync();
        var message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.AggregateId == orderId && m.Type == type);
        return $"{message.Id:N}.{kind}@checkout.local";
    }
}
