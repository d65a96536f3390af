using AngleSharp.Dom;
using Bunit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Admin;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Components.Admin;

/// <summary>
/// The inventory page over a real shop: stock per SKU, audited restocks and adjustments that need a reason, and the
/// active holds, each of which an admin can release to give its units back.
/// </summary>
public class InventoryPageTests : AdminTestContext
{
    [Fact]
    public async Task EverySku_ShowsItsAvailable_Reserved_AndSoldUnits()
    {
        await Shop.PlaceConfirmedOrderAsync("MUG", quantity: 2, stock: 10);
        await Shop.OpenCheckoutAsync("held@example.com", null, ("MUG", 3));
        await Shop.AddProductAsync("TOTE", stock: 4);

        var cut = RenderAdmin<Inventory>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(2, cut.FindAll("[data-testid=stock-row]").Count));
        Assert.Equal(("5", "3", "2"), Figures(cut, "MUG"));
        Assert.Equal(("4", "0", "0"), Figures(cut, "TOTE"));
    }

    [Fact]
    public async Task Restock_UpdatesTheRow_AndWritesAnAuditRow()
    {
        await Shop.AddProductAsync("MUG", stock: 3);
        var cut = RenderAdmin<Inventory>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(("3", "0", "0"), Figures(cut, "MUG")));

        await Row(cut, "MUG").QuerySelector("[data-testid=restock]")!.PressAsync();
        await Field(cut, "quantity").SetAsync("12");
        await Field(cut, "reason").SetAsync("Delivery from the supplier");
        await cut.Find("[data-testid=save-adjustment]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(("15", "0", "0"), Figures(cut, "MUG")));
        Assert.Empty(cut.FindAll("[data-testid=stock-adjust]"));
        Assert.Contains("MUG: restocked; 15 available now.", cut.Find("[data-testid=inventory-message]").TextContent, StringComparison.Ordinal);
        var audit = await AuditAsync();
        Assert.Equal([("MUG", 12, "Delivery from the supplier", AdminName)], audit);
        Assert.Equal(15, (await Shop.InventoryAsync("MUG")).Quantity);
    }

    [Fact]
    public async Task Adjust_RemovesUnits_WithinWhatIsAvailable()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var cut = RenderAdmin<Inventory>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(("5", "0", "0"), Figures(cut, "MUG")));
        await Row(cut, "MUG").QuerySelector("[data-testid=adjust]")!.PressAsync();
        await Field(cut, "reason").SetAsync("Damaged in the warehouse");

        await Field(cut, "quantity").SetAsync("6");
        await cut.Find("[data-testid=save-adjustment]").PressAsync();

        Assert.Equal(["Only 5 units are available to remove."], Errors(cut, "quantity"));
        Assert.Empty(await AuditAsync());

        await Field(cut, "quantity").SetAsync("2");
        await cut.Find("[data-testid=save-adjustment]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(("3", "0", "0"), Figures(cut, "MUG")));
        Assert.Equal([("MUG", -2, "Damaged in the warehouse", AdminName)], await AuditAsync());
    }

    [Fact]
    public async Task AnAdjustmentWithoutAReason_IsNotSent()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var cut = RenderAdmin<Inventory>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=stock-row]")));
        await Row(cut, "MUG").QuerySelector("[data-testid=restock]")!.PressAsync();

        await Field(cut, "quantity").SetAsync("4");
        await Field(cut, "reason").SetAsync("   ");
        await cut.Find("[data-testid=save-adjustment]").PressAsync();

        Assert.Equal(["Give a reason (at most 200 characters)."], Errors(cut, "reason"));
        Assert.Empty(await AuditAsync());
        Assert.Equal(5, (await Shop.InventoryAsync("MUG")).Quantity);
        Assert.Equal(("5", "0", "0"), Figures(cut, "MUG"));
    }

    [Fact]
    public async Task ActiveHolds_AreListedWithTheirExpiry()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var checkout = await Shop.OpenCheckoutAsync("held@example.com", null, ("MUG", 2));
        Shop.Clock.Advance(TimeSpan.FromMinutes(4));

        var cut = RenderAdmin<Inventory>();

        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=hold-row]")));
        var hold = cut.Find("[data-testid=hold-row]");
        Assert.Equal(checkout.CheckoutSessionId.ToString(), hold.GetAttribute("data-owner"));
        var cells = hold.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(("MUG", "2"), (cells[0], cells[1]));
        Assert.Contains($"{checkout.HoldExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC", cells[4], StringComparison.Ordinal);
        var left = checkout.HoldExpiresAt - Shop.Clock.GetUtcNow();
        Assert.Contains($"(in {Math.Ceiling(left.TotalMinutes)} min)", cells[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleasingACheckoutsHold_GivesTheStockBack()
    {
        await Shop.AddProductAsync("MUG", stock: 5);
        var checkout = await Shop.OpenCheckoutAsync("held@example.com", null, ("MUG", 2));
        var cut = RenderAdmin<Inventory>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(("3", "2", "0"), Figures(cut, "MUG")));

        await cut.Find("[data-testid=hold-row] [data-testid=release]").PressAsync();
        Assert.Equal(2, (await Shop.InventoryAsync("MUG")).Reserved);
        await cut.Find("[data-testid=hold-row] [data-testid=confirm-release]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(("5", "0", "0"), Figures(cut, "MUG")));
        Assert.Empty(cut.FindAll("[data-testid=hold-row]"));
        Assert.NotNull(cut.Find("[data-testid=no-holds]"));
        var stock = await Shop.InventoryAsync("MUG");
        Assert.Equal((5, 0), (stock.Quantity, stock.Reserved));
        Assert.Equal(CheckoutSessionStatus.Cancelled, ResultAssert.Success(await Shop.Checkouts.GetAsync(checkout.CheckoutSessionId)).Status);
        Assert.Equal(0, await Shop.CountAsync(db => db.Holds.Where(h => h.Status == HoldStatus.Active)));
    }

    [Fact]
    public async Task ReleasingAWaitlistOffer_TakesTheEntryOutOfLine_AndPutsTheUnitBackOnSale()
    {
        await Shop.AddProductAsync("LAST", stock: 1);
        var first = await Shop.OpenCheckoutAsync("first@example.com", null, ("LAST", 1));
        var entry = ResultAssert.Success(await Shop.Get<WaitlistService>().JoinAsync("LAST", "waiting@example.com"));
        // The first shopper gives up: the unit is offered to the waitlist as a hold owned by the entry.
        ResultAssert.Success(await Shop.Checkouts.CancelAsync(first.CheckoutSessionId));
        Assert.Equal(WaitlistStatus.Offered, ResultAssert.Success(await Shop.Get<WaitlistService>().GetAsync(entry.EntryId)).Status);
        var cut = RenderAdmin<Inventory>();
        await cut.WaitForAssertionAsync(() => Assert.Equal(entry.EntryId.ToString(), cut.Find("[data-testid=hold-row]").GetAttribute("data-owner")));

        await cut.Find("[data-testid=hold-row] [data-testid=release]").PressAsync();
        await cut.Find("[data-testid=hold-row] [data-testid=confirm-release]").PressAsync();

        await cut.WaitForAssertionAsync(() => Assert.Equal(("1", "0", "0"), Figures(cut, "LAST")));
        Assert.Contains("Released the waitlist offer", cut.Find("[data-testid=inventory-message]").TextContent, StringComparison.Ordinal);
        Assert.Equal(WaitlistStatus.Cancelled, ResultAssert.Success(await Shop.Get<WaitlistService>().GetAsync(entry.EntryId)).Status);
        Assert.Equal(0, await Shop.CountAsync(db => db.Holds.Where(h => h.Status == HoldStatus.Active)));
    }

    [Fact]
    public async Task TheDashboardsLink_ShowsOneSku()
    {
        await Shop.AddProductAsync("MUG");
        await Shop.AddProductAsync("TOTE");
        Navigation.NavigateTo("/admin/inventory?sku=tote");

        var cut = RenderAdmin<Inventory>();

        await cut.WaitForAssertionAsync(() => Assert.Equal(["TOTE"], cut.FindAll("[data-testid=stock-row]").Select(r => r.GetAttribute("data-sku"))));
        Assert.NotNull(cut.Find("[data-testid=sku-filter]"));
    }

    private async Task<List<(string Sku, int Delta, string Reason, string Actor)>> AuditAsync()
    {
        await using var db = await Shop.DbAsync();
        var rows = await db.InventoryAdjustments.AsNoTracking().OrderBy(a => a.Id).ToListAsync();
        return [.. rows.Select(a => (a.Sku, a.Delta, a.Reason, a.Actor))];
    }

    private static IElement Row(IRenderedComponent<AdminHost> cut, string sku) => cut.Find($"[data-testid=stock-row][data-sku={sku}]");

    private static (string Available, string Reserved, string Sold) Figures(IRenderedComponent<AdminHost> cut, string sku)
    {
        var row = Row(cut, sku);
        return (Cell("available"), Cell("reserved"), Cell("sold"));

        string Cell(string testId) => row.QuerySelector($"[data-testid={testId}]")!.TextContent.Trim();
    }

    private static IElement Field(IRenderedComponent<AdminHost> cut, string field) => cut.Find($"[data-testid=field-{field}] input");

    private static string[] Errors(IRenderedComponent<AdminHost> cut, string field) =>
        [.. cut.FindAll($"[data-testid=field-{field}] .mud-input-helper-text.mud-input-error").Select(e => e.TextContent.Trim())];
}
