using System.Data.Common;
using System.Text.Json;
using Checkout.Data.Audit;
using Checkout.Data.Catalog;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Tests.Data;

/// <summary>
/// The audit log (ADR 15): each admin action writes one entry with its actor and the subject's state before and after,
/// in the action's own transaction; a refused action writes none, and an entry that cannot be written takes its action
/// with it. Then the filters of the log's reader.
/// </summary>
public abstract class AuditLogTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Admin = "admin@shop";

    [Fact]
    public async Task PartialRefund_IsRecordedAsRefundCreated_ByItsAdmin_WithItsAmountAndLines()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("MUG", quantity: 2);

        var refund = ResultAssert.Success(await shop.Get<RefundService>().RefundAsync(
            order.OrderId, new RefundRequest(null, [new RefundLineRequest("MUG", 1)], "Chipped", Admin)));

        var entry = Assert.Single(await EntriesAsync(shop));
        Assert.Equal((Admin, "refund.created", AuditSubject.OrderType, AuditSubject.Key(order.OrderId), TestShop.Start),
            (entry.Actor, entry.Action, entry.SubjectType, entry.SubjectId, entry.At));
        Assert.Null(entry.Before);
        var after = JsonDocument.Parse(entry.After!).RootElement;
        Assert.Equal(refund.RefundId, after.GetProperty("refundId").GetGuid());
        Assert.Equal(2500, after.GetProperty("amountMinor").GetInt64());
        Assert.Equal("Chipped", after.GetProperty("reason").GetString());
        Assert.Equal("""[{"sku":"MUG","quantity":1,"amountMinor":2500}]""", after.GetProperty("lines").GetRawText());
    }

    [Fact]
    public async Task RefusedRefund_WritesNoEntry()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync("MUG");

        await shop.AssertRefusedAsync(ErrorCodes.Validation,
            () => shop.Get<RefundService>().RefundAsync(order.OrderId, new RefundRequest(order.TotalMinor + 1, null, "Too much", Admin)));

        Assert.Empty(await EntriesAsync(shop));
    }

    [Fact]
    public async Task Shipping_IsRecordedWithTheStatusBeforeAndAfter_AndTheTrackingNumber()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync();

        ResultAssert.Success(await shop.Orders.ShipAsync(order.OrderId, new TransitionRequest(Admin, "Shipped", "TRACK-1")));

        var entry = Assert.Single(await EntriesAsync(shop));
        Assert.Equal(("order.shipped", """{"status":"CONFIRMED"}"""), (entry.Action, entry.Before));
        Assert.Equal(
            [new AuditChange("status", "\"CONFIRMED\"", "\"SHIPPED\""), new AuditChange("reason", null, "\"Shipped\""), new AuditChange("trackingNumber", null, "\"TRACK-1\"")],
            AuditChange.Between(entry.Before, entry.After));
    }

    [Fact]
    public async Task IllegalTransition_WritesNoEntry()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync();

        await shop.AssertRefusedAsync(ErrorCodes.IllegalTransition, () => shop.Orders.DeliverAsync(order.OrderId, new TransitionRequest(Admin)));

        Assert.Empty(await EntriesAsync(shop));
    }

    [Fact]
    public async Task Promos_CreatedUpdatedAndDisabled_AreEachRecorded_AndARefusedUpdateIsNot()
    {
        await using var shop = await CreateShopAsync();
        var promos = shop.Get<PromoAdminService>();

        ResultAssert.Success(await promos.CreateAsync(new PromoTerms("SPRING", PromoKind.Percentage, 10), Admin));
        ResultAssert.Success(await promos.UpdateAsync("SPRING", new PromoTerms("SPRING", PromoKind.Percentage, 15), "other@shop"));
        await shop.AssertRefusedAsync(ErrorCodes.Validation, () => promos.UpdateAsync("SPRING", new PromoTerms("SPRING", PromoKind.Percentage, 150), Admin));
        ResultAssert.Success(await promos.DisableAsync("SPRING", Admin));

        var entries = (await EntriesAsync(shop)).OrderBy(e => e.Action, StringComparer.Ordinal).ToList();
        Assert.Equal(["promo.created", "promo.disabled", "promo.updated"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal((AuditSubject.PromoType, "SPRING"), (e.SubjectType, e.SubjectId)));
        Assert.Equal([new AuditChange("value", "10", "15")], AuditChange.Between(entries[2].Before, entries[2].After));
        Assert.Equal("other@shop", entries[2].Actor);
        Assert.Equal([new AuditChange("enabled", "true", "false")], AuditChange.Between(entries[1].Before, entries[1].After));
    }

    [Fact]
    public async Task Restock_IsRecordedWithTheUnitsAvailableBeforeAndAfter()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", stock: 3);

        ResultAssert.Success(await shop.Get<InventoryAdminService>().AdjustAsync("MUG", 5, "Delivery", Admin));
        ResultAssert.Failure(await shop.Get<InventoryAdminService>().AdjustAsync("MUG", -50, "Broken", Admin), ErrorCodes.Validation);

        var entry = Assert.Single(await EntriesAsync(shop));
        Assert.Equal(("stock.restocked", AuditSubject.StockType, "MUG"), (entry.Action, entry.SubjectType, entry.SubjectId));
        Assert.Equal([new AuditChange("available", "3", "8"), new AuditChange("delta", null, "5"), new AuditChange("reason", null, "\"Delivery\"")],
            AuditChange.Between(entry.Before, entry.After));
    }

    [Fact]
    public async Task ProductChanges_AreRecorded_ButArchivingAnArchivedProductChangesNothingAndIsNot()
    {
        await using var shop = await CreateShopAsync();
        var products = shop.Get<ProductAdminService>();
        ResultAssert.Success(await products.CreateAsync(new NewProductInput("CUP", "Cup", "", "Gear", 900, 200, Stock: 4), Admin));

        ResultAssert.Success(await products.ChangeAsync("CUP", new ProductInput("Tasse à café", "", "Gear", 1100, 200), Admin));
        ResultAssert.Success(await products.ArchiveAsync("CUP", Admin));
        ResultAssert.Success(await products.ArchiveAsync("CUP", Admin));

        var entries = await EntriesAsync(shop);
        Assert.Equal(["product.archived", "product.created", "product.updated"], entries.Select(e => e.Action).Order(StringComparer.Ordinal));
        var created = entries.Single(e => e.Action == "product.created");
        Assert.Equal(4, JsonDocument.Parse(created.After!).RootElement.GetProperty("stock").GetInt32());
        var updated = entries.Single(e => e.Action == "product.updated");
        // Letters of any script are kept as they are, not escaped.
        Assert.Equal([new AuditChange("name", "\"Cup\"", "\"Tasse à café\""), new AuditChange("priceMinor", "900", "1100")],
            AuditChange.Between(updated.Before, updated.After));
    }

    [Fact]
    public async Task HoldRelease_ByAnAdmin_IsRecorded_ButTheShoppersOwnCancellationIsNot()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAST", stock: 2);
        var released = await shop.OpenCheckoutAsync("first@example.com", null, ("LAST", 1));
        var givenUp = await shop.OpenCheckoutAsync("second@example.com", null, ("LAST", 1));

        ResultAssert.Success(await shop.Checkouts.ReleaseHoldsAsync(released.CheckoutSessionId, Admin));
        ResultAssert.Success(await shop.Checkouts.ReleaseHoldsAsync(released.CheckoutSessionId, Admin));
        ResultAssert.Success(await shop.Checkouts.CancelAsync(givenUp.CheckoutSessionId));

        var entry = Assert.Single(await EntriesAsync(shop));
        Assert.Equal(("hold.released", AuditSubject.CheckoutType, AuditSubject.Key(released.CheckoutSessionId)), (entry.Action, entry.SubjectType, entry.SubjectId));
    }

    [Fact]
    public async Task WaitlistOfferRelease_ByAnAdmin_IsRecorded()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("LAST", stock: 1);
        var first = await shop.OpenCheckoutAsync("first@example.com", null, ("LAST", 1));
        var entry = ResultAssert.Success(await shop.Get<WaitlistService>().JoinAsync("LAST", "waiting@example.com"));
        ResultAssert.Success(await shop.Checkouts.CancelAsync(first.CheckoutSessionId));

        ResultAssert.Success(await shop.Get<WaitlistService>().ReleaseOfferAsync(entry.EntryId, Admin));

        var recorded = Assert.Single(await EntriesAsync(shop));
        Assert.Equal(("hold.released", AuditSubject.WaitlistEntryType, AuditSubject.Key(entry.EntryId)), (recorded.Action, recorded.SubjectType, recorded.SubjectId));
    }

    [Fact]
    public async Task DeliveryTaxAndOutboxActions_AreRecorded()
    {
        await using var shop = await CreateShopAsync();
        var delivery = shop.Get<DeliveryAdminService>();
        // Every country is in a seeded zone: the Netherlands leave Europe's for a zone of their own.
        ResultAssert.Success(await delivery.ChangeZoneAsync(ShippingZoneConfiguration.Europe, new ShippingZoneInput("Europe", ["GB", "DE", "FR"]), Admin));
        var zone = ResultAssert.Success(await delivery.CreateZoneAsync(new ShippingZoneInput("Benelux", ["NL"]), Admin));
        var method = ResultAssert.Success(await delivery.AddMethodAsync(zone.Id, new DeliveryMethodInput("Post", null, 900), Admin));
        ResultAssert.Success(await delivery.SetMethodActiveAsync(method.Id, false, Admin));
        var rate = ResultAssert.Success(await shop.Get<TaxAdminService>().AddAsync(new TaxRateInput("US", "OR", 5m, "Sales tax"), Admin));
        ResultAssert.Success(await shop.Get<TaxAdminService>().DeleteAsync(rate.Id, Admin));
        var failed = await shop.FailedDeliveryAsync(TestShop.Start, "webhooks", dead: true);
        ResultAssert.Success(await shop.Get<OutboxAdminService>().RetryNowAsync(failed.Id, "webhooks", Admin));

        Assert.Equal(
            [
                "delivery-method.created", "delivery-method.disabled", "outbox.retried", "shipping-zone.created", "shipping-zone.updated",
                "tax-rate.created", "tax-rate.deleted",
            ],
            (await EntriesAsync(shop)).Select(e => e.Action).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnEntryThatCannotBeWritten_TakesItsActionWithIt()
    {
        var failing = new FailAuditInsert();
        await using var shop = await CreateShopAsync(interceptors: [failing]);
        var order = await shop.PlaceConfirmedOrderAsync();
        await shop.Get<PromoAdminService>().CreateAsync(new PromoTerms("SPRING", PromoKind.Percentage, 10), Admin);
        var before = await shop.SnapshotAsync();
        failing.Armed = true;

        await Assert.ThrowsAnyAsync<Exception>(() => shop.Orders.ShipAsync(order.OrderId, new TransitionRequest(Admin, TrackingNumber: "TRACK-1")));
        await Assert.ThrowsAnyAsync<Exception>(() => shop.Get<PromoAdminService>().UpdateAsync("SPRING", new PromoTerms("SPRING", PromoKind.Percentage, 20), Admin));
        await Assert.ThrowsAnyAsync<Exception>(() => shop.Get<RefundService>().RefundAsync(order.OrderId, new RefundRequest(100, null, "Goodwill", Admin)));

        await shop.AssertUnchangedAsync(before, "An action whose audit entry failed");
        Assert.Equal(0, await shop.GatewayCallsAsync(Checkout.Data.Payments.GatewayOperationKind.Refund));
    }

    [Fact]
    public async Task Queries_FilterByActorActionSubjectAndPeriod_NewestFirst_APageAtATime()
    {
        await using var shop = await CreateShopAsync();
        var promos = shop.Get<PromoAdminService>();
        ResultAssert.Success(await promos.CreateAsync(new PromoTerms("ONE", PromoKind.Percentage, 10), Admin));
        shop.Clock.Advance(TimeSpan.FromHours(1));
        ResultAssert.Success(await promos.CreateAsync(new PromoTerms("TWO", PromoKind.Percentage, 10), "other@shop"));
        shop.Clock.Advance(TimeSpan.FromHours(1));
        ResultAssert.Success(await promos.DisableAsync("ONE", Admin));
        var queries = shop.Get<AuditQueries>();

        async Task<IEnumerable<string>> ListAsync(AuditFilter filter) =>
            ResultAssert.Success(await queries.ListAsync(filter)).Items.Select(e => $"{e.Action} {e.SubjectId}");

        Assert.Equal(["promo.disabled ONE", "promo.created TWO", "promo.created ONE"], await ListAsync(new AuditFilter()));
        Assert.Equal(["promo.disabled ONE", "promo.created ONE"], await ListAsync(new AuditFilter(Actor: Admin)));
        Assert.Equal(["promo.created TWO", "promo.created ONE"], await ListAsync(new AuditFilter(Action: "promo.created")));
        Assert.Equal(3, (await ListAsync(new AuditFilter(Action: "promo"))).Count());
        Assert.Empty(await ListAsync(new AuditFilter(Action: "prom")));
        Assert.Equal(["promo.disabled ONE", "promo.created ONE"], await ListAsync(new AuditFilter(SubjectType: "promo", SubjectId: "ONE")));
        Assert.Equal(["promo.created TWO"], await ListAsync(new AuditFilter(From: TestShop.Start.AddMinutes(30), To: TestShop.Start.AddHours(2))));
        var second = ResultAssert.Success(await queries.ListAsync(new AuditFilter(Page: 2, PageSize: 2)));
        Assert.Equal((3, "promo.created ONE"), (second.Total, Assert.Single(second.Items).Action + " " + second.Items[0].SubjectId));
    }

    [Theory]
    [InlineData(null, "Order.Cancelled", null, null, 1, 50, "action")]
    [InlineData(null, null, "planet", null, 1, 50, "subjectType")]
    [InlineData(null, null, null, "ONE", 1, 50, "subjectId")]
    [InlineData(null, null, null, null, 0, 50, "page")]
    [InlineData(null, null, null, null, 1, 201, "pageSize")]
    public async Task Queries_RefuseAFilterTheyCannotRead_ByField(
        string? actor, string? action, string? subjectType, string? subjectId, int page, int pageSize, string field)
    {
        await using var shop = await CreateShopAsync();

        var error = ResultAssert.Failure(
            await shop.Get<AuditQueries>().ListAsync(new AuditFilter(actor, action, subjectType, subjectId, Page: page, PageSize: pageSize)), ErrorCodes.Validation);

        Assert.Contains(field, ((IReadOnlyDictionary<string, string[]>)error.Details!["errors"]!).Keys);
    }

    [Fact]
    public async Task Queries_RefuseAPeriodThatEndsBeforeItStarts()
    {
        await using var shop = await CreateShopAsync();

        ResultAssert.Failure(await shop.Get<AuditQueries>().ListAsync(new AuditFilter(From: TestShop.Start, To: TestShop.Start)), ErrorCodes.Validation);
    }

    private static async Task<List<AuditEntry>> EntriesAsync(TestShop shop)
    {
        await using var db = await shop.DbAsync();
        return await db.AuditEntries.AsNoTracking().ToListAsync();
    }

    /// <summary>Once armed, every statement that writes an audit entry fails, as a full disk would at that moment.</summary>
    private sealed class FailAuditInsert : DbCommandInterceptor
    {
        public bool Armed { get; set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
            Writes(command) ? throw new InvalidOperationException("The audit log could not be written.") : ValueTask.FromResult(result);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            Writes(command) ? throw new InvalidOperationException("The audit log could not be written.") : ValueTask.FromResult(result);

        // PostgreSQL's statements name the table unquoted, the others quoted.
        private bool Writes(DbCommand command) =>
            Armed && command.CommandText.Contains("INSERT INTO", StringComparison.Ordinal) && command.CommandText.Contains("audit_entries", StringComparison.Ordinal);
    }
}

public sealed class AuditLogTestsOnSqlite() : AuditLogTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class AuditLogTestsOnPostgreSQL() : AuditLogTests(DatabaseProvider.PostgreSQL);
