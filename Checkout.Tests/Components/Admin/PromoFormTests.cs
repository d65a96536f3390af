using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Promotions;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Admin;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The promo form states each rule of <see cref="PromoTerms.Validate"/> on its own field before anything is sent, saves
/// a valid code through the real service, and shows the shop's own refusals.
/// </summary>
public class PromoFormTests : AdminTestContext
{
    private PromoView? _saved;

    [Theory]
    [InlineData("code", "ab", "A promo code is 3–32 letters, digits or dashes.")]
    [InlineData("code", "NO SPACES", "A promo code is 3–32 letters, digits or dashes.")]
    [InlineData("percent", "0", "A percentage is between 1 and 100.")]
    [InlineData("percent", "101", "A percentage is between 1 and 100.")]
    [InlineData("amount", "0", "A fixed amount is more than 0 (and at most 100,000.00).")]
    [InlineData("amount", "100000.01", "A fixed amount is more than 0 (and at most 100,000.00).")]
    [InlineData("amount", "2.005", "Amounts have at most 2 decimals.")]
    [InlineData("ends", "2026-03-01T09:00", "A promo must end after it starts.")]
    [InlineData("usage-limit", "0", "Usage limits are at least 1.")]
    [InlineData("per-customer", "0", "Usage limits are at least 1.")]
    [InlineData("min-subtotal", "-1", "The minimum subtotal is between 0 and 100,000.00.")]
    [InlineData("scope-sku", "NOT A SKU", "A SKU is 1–32 letters, digits or dashes.")]
    public async Task EachRule_ShowsItsErrorOnItsField_AndNothingIsSaved(string field, string value, string error)
    {
        var cut = RenderForm();
        await FillValidAsync(cut);
        if (field == "amount")
        {
            await cut.Find("input[data-testid=kind-fixed]").PressAsync();
            await Input(cut, "amount").SetAsync("5");
        }
        if (field == "ends")
        {
            await Input(cut, "starts").SetAsync("2026-03-01T10:00");
        }

        await Input(cut, field).SetAsync(value);
        await SaveAsync(cut);

        Assert.Equal([error], Errors(cut, field));
        Assert.Single(cut.FindAll(".mud-input-helper-text.mud-input-error"));
        Assert.Null(_saved);
        Assert.Equal(0, await Shop.CountAsync(db => db.PromoCodes));
    }

    [Fact]
    public async Task AnEmptyForm_AsksForTheCodeAndTheDiscount()
    {
        var cut = RenderForm();

        await SaveAsync(cut);

        Assert.Equal(["A promo code is 3–32 letters, digits or dashes."], Errors(cut, "code"));
        Assert.Equal(["A percentage is between 1 and 100."], Errors(cut, "percent"));
        Assert.Equal(0, await Shop.CountAsync(db => db.PromoCodes));
    }

    [Fact]
    public async Task AFieldIsCheckedAsItChanges_BeforeAnySave()
    {
        var cut = RenderForm();

        await Input(cut, "usage-limit").SetAsync("0");

        Assert.Equal(["Usage limits are at least 1."], Errors(cut, "usage-limit"));
        await Input(cut, "usage-limit").SetAsync("5");
        Assert.Empty(Errors(cut, "usage-limit"));
    }

    [Fact]
    public async Task AValidForm_SavesTheCode_WithEveryTerm()
    {
        var cut = RenderForm();
        await Input(cut, "code").SetAsync(" spring-10 ");
        await cut.Find("input[data-testid=kind-fixed]").PressAsync();
        await Input(cut, "amount").SetAsync("7.50");
        await Input(cut, "starts").SetAsync("2026-03-01T00:00");
        await Input(cut, "ends").SetAsync("2026-04-01T00:00");
        await Input(cut, "usage-limit").SetAsync("100");
        await Input(cut, "per-customer").SetAsync("2");
        await Input(cut, "min-subtotal").SetAsync("30");
        await Input(cut, "scope-category").SetAsync("Mugs");

        await SaveAsync(cut);

        Assert.Empty(cut.FindAll(".mud-input-helper-text.mud-input-error"));
        Assert.Equal("SPRING-10", _saved?.Code);
        await using var db = await Shop.DbAsync();
        var promo = await db.PromoCodes.AsNoTracking().SingleAsync();
        Assert.Equal(
            ("SPRING-10", PromoKind.FixedAmount, 750L, 100, 2, 3000L, "Mugs", (string?)null, true),
            (promo.Code, promo.Kind, promo.Value, promo.UsageLimit!.Value, promo.PerCustomerLimit!.Value, promo.MinSubtotalMinor, promo.ScopeCategory, promo.ScopeSku, promo.Enabled));
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), promo.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), promo.EndsAt);
    }

    [Fact]
    public async Task ACodeThatExists_IsRefusedByTheShop_AndShownAboveTheForm()
    {
        await Shop.AddPromoAsync(new PromoCode("TAKEN", PromoKind.Percentage, 5));
        var cut = RenderForm();
        await FillValidAsync(cut, code: "taken");

        await SaveAsync(cut);

        Assert.Equal("The code TAKEN already exists.", cut.Find("[data-testid=promo-refusal]").TextContent.Trim());
        Assert.Null(_saved);
        await using var db = await Shop.DbAsync();
        Assert.Equal(5, (await db.PromoCodes.AsNoTracking().SingleAsync()).Value);
    }

    [Fact]
    public async Task Editing_KeepsTheCode_AndTheShopRefusesALimitBelowTheUsesTaken()
    {
        await Shop.AddProductAsync("MUG", stock: 10);
        await Shop.AddPromoAsync(new PromoCode("TWICE", PromoKind.Percentage, 10, usageLimit: 5));
        await Shop.OpenCheckoutAsync("a@example.com", "TWICE", ("MUG", 1));
        await Shop.OpenCheckoutAsync("b@example.com", "TWICE", ("MUG", 1));
        var existing = (await Shop.Get<PromoAdminService>().ListAsync()).Single();
        var cut = RenderForm(existing);
        Assert.True(Input(cut, "code").HasAttribute("disabled"));
        Assert.Equal("10", Input(cut, "percent").GetAttribute("value"));

        await Input(cut, "usage-limit").SetAsync("1");
        await SaveAsync(cut);

        Assert.Equal("The usage limit cannot go below the 2 uses already taken.", cut.Find("[data-testid=promo-refusal]").TextContent.Trim());
        Assert.Null(_saved);

        await Input(cut, "usage-limit").SetAsync("3");
        await Input(cut, "percent").SetAsync("15");
        await SaveAsync(cut);

        Assert.Equal((15L, 3), (_saved?.Value, _saved?.UsageLimit));
        await using var db = await Shop.DbAsync();
        var promo = await db.PromoCodes.AsNoTracking().SingleAsync();
        Assert.Equal((15L, 3, 2), (promo.Value, promo.UsageLimit!.Value, promo.Used));
    }

    private IRenderedComponent<AdminHost> RenderForm(PromoView? existing = null) =>
        RenderAdmin<PromoForm>(p => p
            .Add(form => form.Existing, existing)
            .Add(form => form.OnSaved, (PromoView saved) => _saved = saved));

    private static async Task FillValidAsync(IRenderedComponent<AdminHost> cut, string code = "VALID-10")
    {
        await Input(cut, "code").SetAsync(code);
        await Input(cut, "percent").SetAsync("10");
    }

    private static Task SaveAsync(IRenderedComponent<AdminHost> cut) => cut.Find("[data-testid=save-promo]").PressAsync();

    private static IElement Input(IRenderedComponent<AdminHost> cut, string field) => cut.Find($"[data-testid=field-{field}] input");

    private static string[] Errors(IRenderedComponent<AdminHost> cut, string field) =>
        [.. cut.FindAll($"[data-testid=field-{field}] .mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim())];
}

/// <summary>The promo list and a code's page: usage, window and state of each code, disabling, and usage per day.</summary>
public class PromoPagesTests : AdminTestContext
{
    [Fact]
    public async Task TheList_ShowsUsage_Window_AndTheStateOfEachCode()
    {
        var now = TestShop.Start;
        await Shop.AddPromoAsync(new PromoCode("ACTIVE", PromoKind.Percentage, 10, usageLimit: 50, perCustomerLimit: 1));
        await Shop.AddPromoAsync(new PromoCode("LATER", PromoKind.FreeShipping, 0, startsAt: now.AddDays(1)));
        await Shop.AddPromoAsync(new PromoCode("OVER", PromoKind.FixedAmount, 500, startsAt: now.AddDays(-10), endsAt: now.AddDays(-1)));
        await Shop.AddPromoAsync(new PromoCode("OFF", PromoKind.Percentage, 5));
        ResultAssert.Success(await Shop.Get<PromoAdminService>().DisableAsync("OFF", "admin@shop"));
        await Shop.AddProductAsync("MUG");
        await Shop.OpenCheckoutAsync("a@example.com", "ACTIVE", ("MUG", 1));

        var cut = RenderAdmin<Promos>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(4, cut.FindAll("[data-testid=promo-row]").Count));
        Assert.Equal(("active", "1 / 50", "1"), (Cell(cut, "ACTIVE", "promo-state"), Cell(cut, "ACTIVE", "usage"), Cell(cut, "ACTIVE", "per-customer")));
        Assert.Equal("scheduled", Cell(cut, "LATER", "promo-state"));
        Assert.Equal("expired", Cell(cut, "OVER", "promo-state"));
        Assert.Equal(("disabled", "0 / no limit", "no limit"), (Cell(cut, "OFF", "promo-state"), Cell(cut, "OFF", "usage"), Cell(cut, "OFF", "per-customer")));
        Assert.Contains("2026-02-19 12:00 UTC – 2026-02-28 12:00 UTC", Row(cut, "OVER").TextContent, StringComparison.Ordinal);
        Assert.Contains("USD 5.00 off", Row(cut, "OVER").TextContent, StringComparison.Ordinal);
        Assert.Null(Row(cut, "OFF").QuerySelector("[data-testid=disable]"));
    }

    [Fact]
    public async Task Disable_AsksFirst_ThenTheCodeIsDisabled()
    {
        await Shop.AddPromoAsync(new PromoCode("GOODBYE", PromoKind.Percentage, 10));
        var cut = RenderAdmin<Promos>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=promo-row]")));

        await Row(cut, "GOODBYE").QuerySelector("[data-testid=disable]")!.PressAsync();
        Assert.True((await EnabledAsync("GOODBYE")));
        await cut.Find("[data-testid=confirm-disable]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal("disabled", Cell(cut, "GOODBYE", "promo-state")));
        Assert.False(await EnabledAsync("GOODBYE"));
        Assert.Contains("GOODBYE is disabled", cut.Find("[data-testid=promos-message]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACodesPage_ChartsItsUsesPerDay()
    {
        await Shop.AddProductAsync("MUG", stock: 10);
        await Shop.AddPromoAsync(new PromoCode("CHART", PromoKind.Percentage, 10));
        await Shop.OpenCheckoutAsync("a@example.com", "CHART", ("MUG", 1));
        Shop.Clock.Advance(TimeSpan.FromDays(2));
        await Shop.OpenCheckoutAsync("b@example.com", "CHART", ("MUG", 1));
        await Shop.OpenCheckoutAsync("c@example.com", "CHART", ("MUG", 1));

        var cut = RenderAdmin<PromoEditor>(p => p.Add(page => page.Code, "chart"));

        await cut.WaitForAssertionAsync(() => Assert.Equal(
            "3 uses in all; 3 in the last 30 days (UTC).", cut.Find("[data-testid=usage-summary]").TextContent.Trim()));
        var chart = cut.Find("[data-testid=promo-usage] [role=img]");
        var today = DateOnly.FromDateTime(Shop.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal($"Uses of CHART per day, last 30 days (UTC): 3 in all; highest 2 ({Day(today)}).", chart.GetAttribute("aria-label"));
        Assert.NotNull(chart.QuerySelector("svg"));
        var days = cut.FindAll("[data-testid=promo-usage] table tbody tr")
            .Select(row => string.Join(" ", row.Children.Select(cell => cell.TextContent.Trim()))).ToList();
        Assert.Equal(30, days.Count);
        Assert.Equal([$"{Day(today.AddDays(-2))} 1", $"{Day(today.AddDays(-1))} 0", $"{Day(today)} 2"], days[^3..]);
        Assert.Equal("active", cut.Find("[data-testid=promo-state]").TextContent.Trim());
        Assert.True(cut.Find("[data-testid=field-code] input").HasAttribute("disabled"));
    }

    [Fact]
    public async Task ACodeWithoutUses_SaysSo()
    {
        await Shop.AddPromoAsync(new PromoCode("QUIET", PromoKind.Percentage, 10));

        var cut = RenderAdmin<PromoEditor>(p => p.Add(page => page.Code, "QUIET"));

        await cut.WaitForAssertionAsync(() => Assert.Equal("No uses yet.", cut.Find("[data-testid=usage-summary]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=promo-usage] svg"));
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<bool> EnabledAsync(string code)
    {
        await using var db = await Shop.DbAsync();
        return (await db.PromoCodes.AsNoTracking().SingleAsync(p => p.Code == code)).Enabled;
    }

    private static IElement Row(IRenderedComponent<AdminHost> cut, string code) => cut.Find($"[data-testid=promo-row][data-code={code}]");

    private static string Cell(IRenderedComponent<AdminHost> cut, string code, string testId) =>
        Row(cut, code).QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
}
