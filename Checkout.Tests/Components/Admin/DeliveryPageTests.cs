using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Persistence;
using Checkout.Data.Shipping;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The delivery page over a real shop: the zones with their countries and methods, zones and methods added and changed
/// through forms that show the shop's refusals under the fields they are about, and methods switched off and on.
/// </summary>
public class DeliveryPageTests : AdminTestContext
{
    private DeliveryAdminService Delivery => Shop.Get<DeliveryAdminService>();

    protected override void AddServices(IServiceCollection services)
    {
        base.AddServices(services);
        services.AddSingleton(Shop.Get<DeliveryAdminService>());
    }

    [Fact]
    public async Task ListsEveryZone_WithItsCountries_AndItsMethodsInATable()
    {
        var cut = RenderAdmin<Delivery>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(4, cut.FindAll("[data-testid=zone]").Count));
        Assert.Equal(
            ["Australia", "Canada", "United Kingdom and Europe", "United States"],
            cut.FindAll("[data-testid=zone-name]").Select(n => n.TextContent.Trim()));
        Assert.Equal("Germany, France, United Kingdom, Netherlands", Zone(cut, ShippingZoneConfiguration.Europe).QuerySelector("[data-testid=zone-countries]")!.TextContent.Trim());
        var us = Zone(cut, ShippingZoneConfiguration.UnitedStates);
        Assert.Equal("Delivery methods of United States: at the same price, checkouts list them in this order.", us.QuerySelector("caption")!.TextContent.Trim());
        Assert.Equal(
            [("Standard", "USD 4.99", "USD 100.00", "Active"), ("Express", "USD 14.99", "never", "Active")],
            us.QuerySelectorAll("[data-testid=method-row]").Select(row => (
                row.QuerySelector("strong")!.TextContent.Trim(), Cell(row, "rate"), Cell(row, "free-from"), Cell(row, "method-state"))));
        Assert.Empty(cut.FindAll("[data-testid=unzoned]"));
        // Every seeded zone has methods, which orders name: none can be deleted.
        Assert.Empty(cut.FindAll("[data-testid=delete-zone]"));
    }

    [Fact]
    public async Task ANewZone_WithACountryAnotherZoneHolds_IsRefusedUnderTheCountries()
    {
        var cut = RenderAdmin<Delivery>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=zone]")));
        await cut.Find("[data-testid=new-zone]").PressAsync();

        await Field(cut, "zone-form", "name").SetAsync("Benelux");
        await cut.Find("[data-testid=zone-form] [data-testid=country-NL] input").ChangeAsync(new ChangeEventArgs { Value = true });
        await cut.Find("[data-testid=save-zone]").PressAsync();

        Assert.Equal(
            ["Netherlands is in the zone “United Kingdom and Europe” already: take it out of that zone first."],
            cut.FindAll("[data-testid=field-countries] [data-testid=field-error]").Select(e => e.TextContent.Trim()));
        Assert.Contains("Netherlands (now in United Kingdom and Europe)", cut.Find("[data-testid=zone-form] [data-testid=country-NL]").TextContent, StringComparison.Ordinal);
        Assert.Equal(4, (await Delivery.ListAsync()).Count);
    }

    [Fact]
    public async Task ANewZone_WithoutANameOrCountries_ShowsEachFieldsMessage()
    {
        var cut = RenderAdmin<Delivery>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=zone]")));
        await cut.Find("[data-testid=new-zone]").PressAsync();

        await cut.Find("[data-testid=save-zone]").PressAsync();

        Assert.Equal(["Name the zone in 1–60 printable characters."], Errors(cut, "zone-form", "name"));
        Assert.Equal(["Choose at least one country."], cut.FindAll("[data-testid=field-countries] [data-testid=field-error]").Select(e => e.TextContent.Trim()));
    }

    [Fact]
    public async Task ACountryTakenOutOfItsZone_CanMakeAZoneOfItsOwn_WhichIsDeletedWhileItHasNoMethods()
    {
        var cut = RenderAdmin<Delivery>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=zone]")));

        await Zone(cut, ShippingZoneConfiguration.Europe).QuerySelector("[data-testid=edit-zone]")!.PressAsync();
        await cut.Find("[data-testid=zone-form] [data-testid=country-NL] input").ChangeAsync(new ChangeEventArgs { Value = false });
        await cut.Find("[data-testid=save-zone]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Contains("No zone holds Netherlands", cut.Find("[data-testid=unzoned]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Saved the zone United Kingdom and Europe.", cut.Find("[data-testid=delivery-message]").TextContent.Trim());

        await cut.Find("[data-testid=new-zone]").PressAsync();
        await Field(cut, "zone-form", "name").SetAsync("Netherlands");
        await cut.Find("[data-testid=zone-form] [data-testid=country-NL] input").ChangeAsync(new ChangeEventArgs { Value = true });
        await cut.Find("[data-testid=save-zone]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(5, cut.FindAll("[data-testid=zone]").Count));
        Assert.Empty(cut.FindAll("[data-testid=unzoned]"));
        var made = Assert.Single(await Delivery.ListAsync(), z => z.Name == "Netherlands");
        Assert.Equal(["NL"], made.Countries);
        Assert.Contains("No delivery methods", Zone(cut, made.Id).TextContent, StringComparison.Ordinal);

        await Zone(cut, made.Id).QuerySelector("[data-testid=delete-zone]")!.PressAsync();
        await Zone(cut, made.Id).QuerySelector("[data-testid=confirm-delete-zone]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(4, cut.FindAll("[data-testid=zone]").Count));
        Assert.DoesNotContain(await Delivery.ListAsync(), z => z.Id == made.Id);
    }

    [Fact]
    public async Task ANewMethod_WithBadTerms_ShowsEachFieldsMessage_ThenIsAdded()
    {
        var cut = RenderAdmin<Delivery>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=zone]")));
        await Zone(cut, ShippingZoneConfiguration.Canada).QuerySelector("[data-testid=add-method]")!.PressAsync();

        await Field(cut, "method-form", "rate").SetAsync("-1");
        await Field(cut, "method-form", "free-from").SetAsync("-5");
        await cut.Find("[data-testid=save-method]").PressAsync();

        Assert.Equal(["Name the method in 1–60 printable characters."], Errors(cut, "method-form", "name"));
        Assert.Equal(["The rate is 0 (free) up to USD 100000.00."], Errors(cut, "method-form", "rate"));
        Assert.Equal(["Free from is an amount from 0 up to USD 100000.00, or empty for never free."], Errors(cut, "method-form", "free-from"));

        await Field(cut, "method-form", "rate").SetAsync("24.505");
        await cut.Find("[data-testid=save-method]").PressAsync();

        Assert.Equal(["Amounts have at most 2 decimals."], Errors(cut, "method-form", "rate"));

        await Field(cut, "method-form", "name").SetAsync("Express");
        await Field(cut, "method-form", "description").SetAsync("2–3 business days");
        await Field(cut, "method-form", "rate").SetAsync("24.50");
        await Field(cut, "method-form", "free-from").SetAsync("");
        await Field(cut, "method-form", "sort-order").SetAsync("2");
        await cut.Find("[data-testid=save-method]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Empty(cut.FindAll("[data-testid=method-form]")));
        var canada = (await Delivery.ListAsync()).Single(z => z.Id == ShippingZoneConfiguration.Canada);
        var added = Assert.Single(canada.Methods, m => m.Name == "Express");
        Assert.Equal(("2–3 business days", 2450L, (long?)null, 2, true), (added.Description, added.RateMinor, added.FreeFromMinor, added.SortOrder, added.Active));
        var row = Zone(cut, ShippingZoneConfiguration.Canada).QuerySelector($"[data-testid=method-row][data-method='{added.Id}']")!;
        Assert.Equal(("USD 24.50", "never"), (Cell(row, "rate"), Cell(row, "free-from")));
    }

    [Fact]
    public async Task AMethodsRate_IsChangedInItsForm()
    {
        var standard = (await Delivery.ListAsync()).Single(z => z.Id == ShippingZoneConfiguration.UnitedStates).Methods.Single(m => m.Name == "Standard");
        var cut = RenderAdmin<Delivery>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=method-row]")));

        await MethodRow(cut, standard.Id).QuerySelector("[data-testid=edit-method]")!.PressAsync();
        Assert.Equal("4.99", Field(cut, "method-form", "rate").GetAttribute("value"));
        await Field(cut, "method-form", "rate").SetAsync("6");
        await cut.Find("[data-testid=save-method]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("USD 6.00", Cell(MethodRow(cut, standard.Id), "rate")));
        Assert.Equal("Saved the method Standard.", cut.Find("[data-testid=delivery-message]").TextContent.Trim());
        var changed = (await Delivery.ListAsync()).SelectMany(z => z.Methods).Single(m => m.Id == standard.Id);
        Assert.Equal(standard with { RateMinor = 600 }, changed);
    }

    [Fact]
    public async Task AMethodsRatePerKilogram_IsSetInItsForm_AndShownInItsRow()
    {
        var standard = (await Delivery.ListAsync()).Single(z => z.Id == ShippingZoneConfiguration.UnitedStates).Methods.Single(m => m.Name == "Standard");
        var cut = RenderAdmin<Delivery>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=method-row]")));
        Assert.Equal("none", Cell(MethodRow(cut, standard.Id), "per-kg"));

        await MethodRow(cut, standard.Id).QuerySelector("[data-testid=edit-method]")!.PressAsync();
        Assert.Null(Field(cut, "method-form", "per-kg").GetAttribute("value"));
        await Field(cut, "method-form", "per-kg").SetAsync("-1");
        await cut.Find("[data-testid=save-method]").PressAsync();

        Assert.Equal(["The rate per started kilogram is 0 (a flat rate) up to USD 100000.00."], Errors(cut, "method-form", "per-kg"));

        await Field(cut, "method-form", "per-kg").SetAsync("1.5");
        await cut.Find("[data-testid=save-method]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("USD 1.50", Cell(MethodRow(cut, standard.Id), "per-kg")));
        var changed = (await Delivery.ListAsync()).SelectMany(z => z.Methods).Single(m => m.Id == standard.Id);
        Assert.Equal(standard with { PerKgMinor = 150 }, changed);

        await MethodRow(cut, standard.Id).QuerySelector("[data-testid=edit-method]")!.PressAsync();

        Assert.Equal("1.50", Field(cut, "method-form", "per-kg").GetAttribute("value"));
    }

    [Fact]
    public async Task AMethod_IsDeactivated_AndActivatedAgain()
    {
        var express = (await Delivery.ListAsync()).Single(z => z.Id == ShippingZoneConfiguration.UnitedStates).Methods.Single(m => m.Name == "Express");
        var cut = RenderAdmin<Delivery>();
        await cut.WaitForAssertionAsync(() => Assert.NotEmpty(cut.FindAll("[data-testid=method-row]")));

        await MethodRow(cut, express.Id).QuerySelector("[data-testid=deactivate]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("Inactive", Cell(MethodRow(cut, express.Id), "method-state")));
        Assert.Equal("Express is no longer offered; orders that used it keep its name.", cut.Find("[data-testid=delivery-message]").TextContent.Trim());
        Assert.False(await ActiveAsync(express.Id));

        await MethodRow(cut, express.Id).QuerySelector("[data-testid=activate]")!.PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("Active", Cell(MethodRow(cut, express.Id), "method-state")));
        Assert.True(await ActiveAsync(express.Id));
    }

    private async Task<bool> ActiveAsync(Guid methodId) =>
        (await Delivery.ListAsync()).SelectMany(z => z.Methods).Single(m => m.Id == methodId).Active;

    private static IElement Zone(IRenderedComponent<AdminHost> cut, Guid zoneId) => cut.Find($"[data-testid=zone][data-zone='{zoneId}']");

    private static IElement MethodRow(IRenderedComponent<AdminHost> cut, Guid methodId) => cut.Find($"[data-testid=method-row][data-method='{methodId}']");

    private static string Cell(IElement row, string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();

    private static IElement Field(IRenderedComponent<AdminHost> cut, string form, string field) =>
        cut.Find($"[data-testid={form}] [data-testid=field-{field}] input");

    private static string[] Errors(IRenderedComponent<AdminHost> cut, string form, string field) =>
        [.. cut.FindAll($"[data-testid={form}] [data-testid=field-{field}] .mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim())];
}
