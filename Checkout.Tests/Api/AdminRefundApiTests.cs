using System.Net;
using Checkout.Data.Payments;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Api;

/// <summary>
/// <c>POST /api/admin/orders/{id}/refunds</c> and its list: 201 with the refund, field-by-field refusals, 409 for an
/// order that is over, and one refund per Idempotency-Key. The access rules are <see cref="AdminApiTests"/>' (every route).
/// </summary>
public sealed class AdminRefundApiTests
{
    [Fact]
    public async Task RefundByLinesThenByAmount_Is201WithTheRefund_AndTheListShowsBothOldestFirst()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 2));
        var path = $"/api/admin/orders/{placed.OrderId}/refunds";

        var created = await admin.PostAsync(path, new { lines = new[] { new { sku = "TEA-MATCHA", quantity = 1 } }, reason = "Tin arrived dented" });
        var byLines = await ApiClient.ReadAsync<RefundDto>(created, HttpStatusCode.Created);
        api.Clock.Advance(TimeSpan.FromMinutes(5));
        var byAmount = await ApiClient.ReadAsync<RefundDto>(await admin.PostAsync(path, new { amountMinor = 250, reason = "Late delivery" }), HttpStatusCode.Created);

        Assert.Equal(path, created.Headers.Location?.OriginalString);
        Assert.Equal(("SUCCEEDED", "Tin arrived dented", "TEA-MATCHA", 1), (byLines.Status, byLines.Reason, Assert.Single(byLines.Lines).Sku, byLines.Lines[0].Quantity));
        Assert.Equal(byLines.AmountMinor, byLines.Lines[0].AmountMinor);
        Assert.Equal((250L, 0), (byAmount.AmountMinor, byAmount.Lines.Count));
        var listed = await ApiClient.ReadAsync<List<RefundDto>>(await admin.GetAsync(path), HttpStatusCode.OK);
        Assert.Equal([byLines.RefundId, byAmount.RefundId], listed.Select(r => r.RefundId));
        var order = await shopper.OrderAsync(placed.OrderId);
        Assert.Equal(("CAPTURED", byLines.AmountMinor + 250), (order.Payment!.Status, order.Payment.RefundedMinor));
    }

    [Fact]
    public async Task Refund_OfMoreUnitsThanLeft_Is422NamingTheLinesQuantity()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 2));
        var path = $"/api/admin/orders/{placed.OrderId}/refunds";
        await ApiClient.ReadAsync<RefundDto>(await admin.PostAsync(path, new { lines = new[] { new { sku = "TEA-MATCHA", quantity = 1 } }, reason = "Dented" }), HttpStatusCode.Created);

        var problem = await ProblemAssert.IsAsync(
            await admin.PostAsync(path, new { lines = new[] { new { sku = "TEA-MATCHA", quantity = 2 } }, reason = "Dented" }), HttpStatusCode.UnprocessableEntity, "validation");

        var errors = problem.GetProperty("errors");
        Assert.Equal(["lines[0].quantity"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal("At most 1 of TEA-MATCHA is left to refund.", errors.GetProperty("lines[0].quantity")[0].GetString());
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Refund));
    }

    [Fact]
    public async Task Refund_OfACancelledOrder_Is409()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 1));
        await ApiClient.ReadAsync<OrderDto>(await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/cancel"), HttpStatusCode.OK);
        var before = await api.SnapshotAsync();

        await ProblemAssert.IsAsync(
            await admin.PostAsync($"/api/admin/orders/{placed.OrderId}/refunds", new { amountMinor = 100, reason = "Goodwill" }), HttpStatusCode.Conflict, "illegal-transition");

        await api.AssertUnchangedAsync(before, "a refund of a cancelled order");
    }

    [Fact]
    public async Task Refund_SentTwiceWithOneIdempotencyKey_RefundsOnce_AndReplaysTheFirstAnswer()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        using var admin = api.Admin();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 2));
        var path = $"/api/admin/orders/{placed.OrderId}/refunds";
        var body = new { amountMinor = 300, reason = "Goodwill" };

        var first = await admin.PostAsync(path, body, idempotencyKey: "refund-once");
        var again = await admin.PostAsync(path, body, idempotencyKey: "refund-once");

        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Refund));
        Assert.Equal(300, (await shopper.OrderAsync(placed.OrderId)).Payment!.RefundedMinor);
    }

    private sealed record RefundDto(
        Guid RefundId, long AmountMinor, IReadOnlyList<RefundLineDto> Lines, string Reason, string Actor, DateTimeOffset RequestedAt, string Status,
        DateTimeOffset? CompletedAt);

    private sealed record RefundLineDto(string Sku, int Quantity, long AmountMinor);
}
