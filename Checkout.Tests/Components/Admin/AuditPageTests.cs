using Bunit;
using Checkout.Data.Audit;
using Checkout.Data.Promotions;
using Checkout.Tests.Builders;
using Microsoft.Extensions.DependencyInjection;
using AuditPage = Checkout.Web.Components.Pages.Admin.Audit;

namespace Checkout.Tests.Components.Admin;

/// <summary>The audit log page over a real shop: entries newest first with what each changed, and filters kept in the address.</summary>
public class AuditPageTests : AdminTestContext
{
    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(Shop.Get<AuditQueries>());
    }

    [Fact]
    public async Task ListsEntriesNewestFirst_WithWhoWhatSubjectAndTheFieldsTheyChanged()
    {
        await ArrangePromoAsync();

        var cut = RenderAdmin<AuditPage>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=audit-entry]").Count));
        var rows = cut.FindAll("[data-testid=audit-entry]");
        Assert.Equal(["promo.updated", "promo.created"], rows.Select(r => r.GetAttribute("data-action")));
        Assert.Equal(("other@shop", "promo.updated"), (Text(rows[0], "actor"), Text(rows[0], "action")));
        Assert.Contains("SPRING", Text(rows[0], "subject"), StringComparison.Ordinal);
        var change = Assert.Single(rows[0].QuerySelectorAll("[data-testid=change]"));
        Assert.Equal("value", change.GetAttribute("data-field"));
        Assert.Equal("value: 10 → 15", Squash(change.TextContent));
        // A creation shows every field it set, each without a value before.
        Assert.Contains(rows[1].QuerySelectorAll("[data-testid=change]"), c => Squash(c.TextContent) == "code: SPRING");
        Assert.Equal("Page 1 of 1 · 2 entries", Squash(cut.Find("[data-testid=pager] p").TextContent));
    }

    [Fact]
    public async Task TheFiltersInTheAddress_NarrowTheEntries()
    {
        await ArrangePromoAsync();
        Navigation.NavigateTo("/admin/audit?actor=admin%40shop&subjectType=promo&subjectId=SPRING");

        var cut = RenderAdmin<AuditPage>();

        await cut.WaitForAssertionAsync(() => Assert.Equal("promo.created", Assert.Single(cut.FindAll("[data-testid=audit-entry]")).GetAttribute("data-action")));
        Assert.Equal("admin@shop", cut.Find("input[data-testid=filter-actor]").GetAttribute("value"));
    }

    [Fact]
    public async Task Filtering_PutsTheFiltersInTheAddress()
    {
        await ArrangePromoAsync();
        var cut = RenderAdmin<AuditPage>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=audit-entry]").Count));

        await cut.Find("input[data-testid=filter-action]").SetAsync("promo.updated");
        await cut.Find("form").SubmitAsync();

        Assert.Equal("http://localhost/admin/audit?action=promo.updated", Navigation.Uri);
    }

    [Fact]
    public async Task AFilterTheLogCannotRead_IsExplained_AndNothingIsListed()
    {
        Navigation.NavigateTo("/admin/audit?subjectType=planet");

        var cut = RenderAdmin<AuditPage>();

        await cut.WaitForAssertionAsync(() => Assert.StartsWith("Check the filter: A subject type is one of", cut.Find("[data-testid=audit-error]").TextContent.Trim(), StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=audit-entry]"));
    }

    [Fact]
    public async Task WithNoEntries_SaysSo()
    {
        var cut = RenderAdmin<AuditPage>();

        await cut.WaitForAssertionAsync(() => Assert.Equal("No admin action matches these filters.", cut.Find("[data-testid=no-entries]").TextContent.Trim()));
    }

    /// <summary>SPRING created by admin@shop, then changed from 10 % to 15 % an hour later by other@shop.</summary>
    private async Task ArrangePromoAsync()
    {
        var promos = Shop.Get<PromoAdminService>();
        ResultAssert.Success(await promos.CreateAsync(new PromoTerms("SPRING", PromoKind.Percentage, 10), "admin@shop"));
        Shop.Clock.Advance(TimeSpan.FromHours(1));
        ResultAssert.Success(await promos.UpdateAsync("SPRING", new PromoTerms("SPRING", PromoKind.Percentage, 15), "other@shop"));
    }

    private static string Text(AngleSharp.Dom.IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    private static string Squash(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
