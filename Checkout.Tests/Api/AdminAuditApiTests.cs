using System.Net;
using System.Text.Json;
using Checkout.Data.Audit;

namespace Checkout.Tests.Api;

/// <summary>
/// The audit log through the admin API: only for the admin, an action made through the API listed with its key as the
/// actor, filters narrowing the list, and filters it cannot read refused as problems.
/// </summary>
public class AdminAuditApiTests(AdminShop shop) : IClassFixture<AdminShop>
{
    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task TheLog_WithoutTheAdminKey_Is401Problem(string? key)
    {
        using var client = shop.Api.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/audit");
        if (key is not null)
        {
            request.Headers.Add("X-Admin-Key", key);
        }

        await ProblemAssert.IsAsync(await client.SendAsync(request), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task ARefundMadeThroughTheApi_IsListedUnderItsOrder_ByTheKey_WithItsAmount()
    {
        await ApiClient.ReadAsync<JsonElement>(
            await shop.Admin.PostAsync($"/api/admin/orders/{shop.OrderId}/refunds", new { amountMinor = 150, reason = "Late delivery" }), HttpStatusCode.Created);
        await ApiClient.ReadAsync<JsonElement>(
            await shop.Admin.PostAsync("/api/admin/inventory/COF-ESPRESSO/restock", new { quantity = 2, reason = "delivery" }), HttpStatusCode.OK);

        var page = await ApiClient.ReadAsync<JsonElement>(
            await shop.Admin.GetAsync($"/api/admin/audit?subjectType=order&subjectId={shop.OrderId}&action=refund&actor=api-key"), HttpStatusCode.OK);

        var entry = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(("api-key", "refund.created", "order", shop.OrderId.ToString()),
            (entry.GetProperty("actor").GetString(), entry.GetProperty("action").GetString(), entry.GetProperty("subjectType").GetString(),
             entry.GetProperty("subjectId").GetString()));
        Assert.Equal(150, entry.GetProperty("after").GetProperty("amountMinor").GetInt64());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("before").ValueKind);
        Assert.Contains(entry.GetProperty("changes").EnumerateArray(), c => c.GetProperty("field").GetString() == "amountMinor" && c.GetProperty("after").GetString() == "150");
        Assert.Equal((1, 1), (page.GetProperty("total").GetInt32(), page.GetProperty("page").GetInt32()));
        var stock = await ApiClient.ReadAsync<JsonElement>(await shop.Admin.GetAsync("/api/admin/audit?subjectType=stock&subjectId=COF-ESPRESSO"), HttpStatusCode.OK);
        Assert.Equal("stock.restocked", Assert.Single(stock.GetProperty("items").EnumerateArray()).GetProperty("action").GetString());
    }

    [Theory]
    [InlineData("?pageSize=500", "pageSize")]
    [InlineData("?page=0", "page")]
    [InlineData("?subjectType=planet", "subjectType")]
    [InlineData("?subjectId=SPRING", "subjectId")]
    [InlineData("?action=Refund%20created", "action")]
    [InlineData("?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to")]
    public async Task AFilterTheLogCannotRead_Is422Problem_NamingTheField(string query, string field)
    {
        var problem = await ProblemAssert.IsAsync(await shop.Admin.GetAsync("/api/admin/audit" + query), HttpStatusCode.UnprocessableEntity, "validation");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"The problem names no {field}: {problem}");
    }

    [Fact]
    public async Task AMomentThatIsNoMoment_Is400Problem()
    {
        await ProblemAssert.IsAsync(await shop.Admin.GetAsync("/api/admin/audit?from=yesterday"), HttpStatusCode.BadRequest, null);
    }

    [Fact]
    public void EverySubjectTypeTheLogWrites_IsOneTheFilterAccepts()
    {
        Assert.All(AuditSubject.Types, type => Assert.Null(AuditQueries.Check(new AuditFilter(SubjectType: type))));
    }
}
