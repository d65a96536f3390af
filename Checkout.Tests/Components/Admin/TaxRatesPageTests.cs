using AngleSharp.Dom;
using Bunit;
using Checkout.Data;
using Checkout.Data.Tax;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaxRatesPage = Checkout.Web.Components.Pages.Admin.TaxRates;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The tax page over a real shop: the table with the store's mode explained, rows added for a country or one of its
/// regions, changed and deleted, and the shop's refusals shown under the fields they are about.
/// </summary>
public class TaxRatesPageTests : AdminTestContext
{
    private TaxAdminService Tax => Shop.Get<TaxAdminService>();

    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(Shop.Get<TaxAdminService>());
    }

    [Fact]
    public async Task ShowsEveryRow_AndTheStoresModeExplained()
    {
        var cut = RenderAdmin<TaxRatesPage>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(12, cut.FindAll("[data-testid=tax-row]").Count));
        Assert.StartsWith("The rate of each destination", cut.Find("[data-testid=tax-rates] caption").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal(["Canada", "whole country", "GST", "5 %"], Cells(Row(cut, "CA", null)));
        Assert.Equal(["Canada", "Quebec (QC)", "GST + QST", "14.975 %"], Cells(Row(cut, "CA", "QC")));
        Assert.Equal(["United States", "California (CA)", "Sales tax", "7.25 %"], Cells(Row(cut, "US", "CA")));
        Assert.StartsWith("Prices exclude tax; tax is added at checkout.", cut.Find("[data-testid=tax-mode]").TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AShopWhosePricesIncludeTax_SaysSo()
    {
        // As Checkout:TaxMode=Inclusive configures it: the options object the shop was given.
        Shop.Get<IOptions<CheckoutOptions>>().Value.TaxMode = TaxMode.Inclusive;

        var cut = RenderAdmin<TaxRatesPage>();

        await cut.WaitForAssertionAsync(() => Assert.StartsWith("Prices include tax.", cut.Find("[data-testid=tax-mode]").TextContent.Trim(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARegionsRate_IsAdded()
    {
        var cut = RenderAdmin<TaxRatesPage>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=tax-row]")));
        await cut.Find("[data-testid=new-rate]").PressAsync();

        await ChooseAsync(cut, "country", "United States");
        await ChooseAsync(cut, "region", "Oregon (OR)");
        await Field(cut, "name").SetAsync("Sales tax");
        await Field(cut, "rate").SetAsync("8.875");
        await cut.Find("[data-testid=save-rate]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(["United States", "Oregon (OR)", "Sales tax", "8.875 %"], Cells(Row(cut, "US", "OR"))));
        Assert.Empty(cut.FindAll("[data-testid=tax-form]"));
        Assert.Equal("Saved Sales tax at 8.875 %; the next checkout uses it.", cut.Find("[data-testid=tax-message]").TextContent.Trim());
        var added = Assert.Single(await Tax.ListAsync(), r => r.Region == "OR");
        Assert.Equal(("US", 8.875m, "Sales tax"), (added.Country, added.RatePercent, added.Name));
    }

    [Fact]
    public async Task ASecondRowForACountry_IsRefusedUnderTheCountry()
    {
        var cut = RenderAdmin<TaxRatesPage>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=tax-row]")));
        await cut.Find("[data-testid=new-rate]").PressAsync();

        await ChooseAsync(cut, "country", "Canada");
        await Field(cut, "name").SetAsync("GST");
        await Field(cut, "rate").SetAsync("6");
        await cut.Find("[data-testid=save-rate]").PressAsync();

        Assert.Equal(["Canada as a whole has a rate already: GST at 5 %. Change that row instead."], Errors(cut, "country"));
        Assert.Equal(12, (await Tax.ListAsync()).Count);
    }

    [Fact]
    public async Task ANewRow_WithoutACountry_WithABadRateAndNoName_ShowsEachFieldsMessage()
    {
        var cut = RenderAdmin<TaxRatesPage>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=tax-row]")));
        await cut.Find("[data-testid=new-rate]").PressAsync();

        await Field(cut, "rate").SetAsync("101");
        await cut.Find("[data-testid=save-rate]").PressAsync();

        Assert.Equal(["Choose a country."], Errors(cut, "country"));
        Assert.Equal(["A rate is between 0 and 100 %."], Errors(cut, "rate"));
        Assert.Equal(["Name the tax as the receipt shows it (Sales tax, VAT, GST…) in 1–40 printable characters."], Errors(cut, "name"));
        Assert.Equal(12, (await Tax.ListAsync()).Count);
    }

    [Fact]
    public async Task ARowsRate_IsChangedInItsForm_AndABadOneIsRefused()
    {
        var cut = RenderAdmin<TaxRatesPage>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=tax-row]")));
        await Row(cut, "CA", null).QuerySelector("[data-testid=edit-rate]")!.PressAsync();
        Assert.Equal("Canada", cut.Find("[data-testid=tax-form] [data-testid=destination]").TextContent.Trim());

        await Field(cut, "rate").SetAsync("5.1234");
        await cut.Find("[data-testid=save-rate]").PressAsync();

        Assert.Equal(["A rate has at most three decimals, like 8.875."], Errors(cut, "rate"));

        await Field(cut, "rate").SetAsync("5.5");
        await cut.Find("[data-testid=save-rate]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(["Canada", "whole country", "GST", "5.5 %"], Cells(Row(cut, "CA", null))));
        Assert.Equal(5.5m, (await Tax.ListAsync()).Single(r => r.Country == "CA" && r.Region is null).RatePercent);
    }

    [Fact]
    public async Task ARow_IsDeletedOnceConfirmed()
    {
        var cut = RenderAdmin<TaxRatesPage>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=tax-row]")));

        await Row(cut, "US", "TX").QuerySelector("[data-testid=delete-rate]")!.PressAsync();
        Assert.Equal(12, (await Tax.ListAsync()).Count);
        await Row(cut, "US", "TX").QuerySelector("[data-testid=confirm-delete]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(11, cut.FindAll("[data-testid=tax-row]").Count));
        Assert.Equal("Deleted the Sales tax row of United States, Texas (TX).", cut.Find("[data-testid=tax-message]").TextContent.Trim());
        Assert.DoesNotContain(await Tax.ListAsync(), r => r.Region == "TX");
    }

    /// <summary>Opens the form's select as a person does and picks the item reading <paramref name="text"/>.</summary>
    private static async Task ChooseAsync(IRenderedComponent<AdminHost> cut, string field, string text)
    {
        await cut.Find($"[data-testid=tax-form] [data-testid=field-{field}] .mud-input-control").MouseDownAsync(new MouseEventArgs());
        await cut.WaitForAssertionAsync(() => Assert.Contains(cut.FindAll(".mud-popover-open .mud-list-item"), item => item.TextContent.Trim() == text));
        await cut.FindAll(".mud-popover-open .mud-list-item").Single(item => item.TextContent.Trim() == text).PressAsync();
    }

    private static IElement Row(IRenderedComponent<AdminHost> cut, string country, string? region) =>
        cut.FindAll("[data-testid=tax-row]").Single(r => r.GetAttribute("data-country") == country && r.GetAttribute("data-region") == region);

    private static string[] Cells(IElement row) => [.. row.QuerySelectorAll("td").Take(4).Select(td => td.TextContent.Trim())];

    private static IElement Field(IRenderedComponent<AdminHost> cut, string field) => cut.Find($"[data-testid=tax-form] [data-testid=field-{field}] input");

    private static string[] Errors(IRenderedComponent<AdminHost> cut, string field) =>
        [.. cut.FindAll($"[data-testid=tax-form] [data-testid=field-{field}] .mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim())];
}
