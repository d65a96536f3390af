using System.Globalization;
using Checkout.E2E.Infrastructure;
using Checkout.E2E.Pages.Admin;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Specs;

/// <summary>The audit log in a real browser: an admin refunds one line of an order and finds the refund in the log, by them.</summary>
public sealed class AuditLogTests(StorefrontFixture fixture, ITestOutputHelper output)
    : BrowserTest<StorefrontFixture>(fixture, output)
{
    [Fact]
    public Task AnAdminPartiallyRefundsAnOrder_AndSeesTheRefundInTheAuditLog() => JourneyAsync(async journey =>
    {
        var placed = await Shop.PlaceOrderAsync("audited@example.com", "COF-KETTLE", quantity: 2);
        var unitPrice = placed.Lines.Single().UnitPriceMinor;
        var page = await journey.NewPageAsync("admin");
        var dashboard = await SignInPage.SignInAsAdminAsync(page, Shop.AdminEmail, Shop.AdminPassword);
        await dashboard.NavLink("Orders").ClickAsync();
        var detail = await new OrdersPage(page).FindAndOpenAsync(placed.OrderNumber);

        await detail.RefundUnitsAsync("COF-KETTLE", 1, "Dented lid");

        // No discount, no tax to Portland: one unit gives back its price.
        await Expect(detail.PaymentRow("Refunded")).ToContainTextAsync(Usd(unitPrice));
        await detail.AuditLink.ClickAsync();
        var log = new AuditLogPage(page);
        await Expect(log.Heading).ToBeVisibleAsync();
        var entry = log.Entry("refund.created");
        await Expect(entry).ToHaveCountAsync(1);
        await Expect(entry).ToContainTextAsync(Shop.AdminEmail);
        await Expect(entry).ToContainTextAsync(placed.OrderId.ToString());
        await Expect(AuditLogPage.Change(entry, "amountMinor")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex($@"amountMinor:\s*{unitPrice}$"));
        await Expect(AuditLogPage.Change(entry, "reason")).ToContainTextAsync("Dented lid");
        await Expect(log.Entries).ToHaveCountAsync(1);
    });

    private static string Usd(long minor) => $"USD {(minor / 100m).ToString("0.00", CultureInfo.InvariantCulture)}";
}
