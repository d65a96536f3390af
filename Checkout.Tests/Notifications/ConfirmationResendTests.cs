using System.Net;
using Checkout.Data.Fulfillment;
using Checkout.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Notifications;

/// <summary>Staff send an order's confirmation again: it reaches the shopper's inbox through the outbox, once per request.</summary>
public sealed class ConfirmationResendTests
{
    [Fact]
    public async Task AResend_TheReceiptArrivesAgain_OncePerRequest_AndNothingIsShippedAgain()
    {
        var smtp = SmtpTestServer.Shared();
        await using var api = new ApiFactory(smtp.SendThrough);
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("COF-ESPRESSO", 1));
        var key = Guid.NewGuid().ToString();

        var first = await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/resend-email", idempotencyKey: key);
        var replay = await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/resend-email", idempotencyKey: key);
        await api.Get<OutboxDispatcher>().DispatchOnceAsync();

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var resend = await ApiClient.ReadAsync<ResendDto>(first, HttpStatusCode.Accepted);
        Assert.Equal((placed.OrderId, placed.OrderNumber, ApiClient.ShopperEmail), (resend.OrderId, resend.OrderNumber, resend.Email));
        var receipt = Assert.Single(await smtp.ArrivedAsync($"{resend.RequestId:N}.order@checkout.local"));
        Assert.Equal(ApiClient.ShopperEmail, receipt.To.Mailboxes.Single().Address);
        Assert.Contains(placed.OrderNumber, receipt.Subject, StringComparison.Ordinal);
        Assert.Contains($"orders/{placed.OrderNumber}?key=", receipt.HtmlBody, StringComparison.Ordinal);
        await using var db = await api.DbAsync();
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.AggregateId == placed.OrderId && m.Type == OutboxTypes.OrderConfirmationResent));
        Assert.Equal(1, await db.ShipmentRequests.CountAsync(s => s.OrderId == placed.OrderId));
        var audit = Assert.Single(await db.AuditEntries.Where(e => e.Action == "order.email.resent").ToListAsync());
        Assert.Equal(resend.Actor, audit.Actor);
        Assert.Contains(ApiClient.ShopperEmail, audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AResend_OfAnUnknownOrder_IsNotFound()
    {
        await using var api = new ApiFactory();
        using var admin = api.Admin();

        var response = await admin.PostAsync($"/api/admin/orders/{Guid.NewGuid()}/resend-email");

        await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not-found");
    }

    private sealed record ResendDto(Guid RequestId, Guid OrderId, string OrderNumber, string Email, string Actor, DateTimeOffset RequestedAt);
}
