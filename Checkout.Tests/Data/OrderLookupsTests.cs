using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// The find-my-order reads and counts on each engine: an email's orders (normalized, newest first, the last 50 only),
/// whether a number belongs to an email, and the per-address cap of lookup e-mails, which racing dispatchers never pass.
/// </summary>
public abstract class OrderLookupsTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Email = "shopper@example.com";

    [Fact]
    public async Task AnEmailsOrders_AreItsOwn_NewestFirst_AndTheLastFiftyOnly()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 1000, stock: 100);
        var placed = new List<OrderView>();
        for (var i = 0; i <= OrderQueries.MaxShopperOrders; i++)
        {
            var checkout = await shop.OpenCheckoutAsync(lines: ("MUG", 1));
            placed.Add(ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved)).Order);
            shop.Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var others = await shop.OpenCheckoutAsync("other@example.com", lines: ("MUG", 1));
        ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(others.CheckoutSessionId, Cards.Approved));

        var listed = await shop.Get<OrderQueries>().ForEmailAsync("  Shopper@EXAMPLE.com ");

        Assert.Equal(placed.AsEnumerable().Reverse().Take(OrderQueries.MaxShopperOrders).Select(o => o.OrderNumber), listed.Select(o => o.OrderNumber));
        Assert.All(listed, o => Assert.Equal((OrderStatus.Confirmed, 1000L + 499, "USD"), (o.Status, o.TotalMinor, o.Currency)));
    }

    [Fact]
    public async Task ANumber_MatchesOnlyTheEmailItWasPlacedWith()
    {
        await using var shop = await CreateShopAsync();
        var order = await shop.PlaceConfirmedOrderAsync();
        var lookups = shop.Get<OrderLookups>();

        Assert.True(await lookups.MatchesAsync(new OrderLookupRequest(Email, order.OrderNumber)));
        Assert.False(await lookups.MatchesAsync(new OrderLookupRequest("other@example.com", order.OrderNumber)));
        Assert.False(await lookups.MatchesAsync(new OrderLookupRequest(Email, "CK-ABCDEFGHJK")));
    }

    [Fact]
    public async Task LookupMailsCountedAtOnce_ForOneAddress_NeverPassTheCap()
    {
        await using var shop = await CreateShopAsync();
        var lookups = shop.Get<OrderLookups>();
        var messages = Enumerable.Range(0, 12).Select(_ => Guid.NewGuid()).ToArray();

        var raced = await Race.RunAsync(messages.Length, i => lookups.TryCountEmailAsync(messages[i], Email, 3, TimeSpan.FromHours(1)));
        // A count that lost its race more often than it is retried is tried again, as the outbox would.
        var counted = new List<bool>();
        for (var i = 0; i < messages.Length; i++)
        {
            counted.Add(raced[i].IsSuccess ? raced[i].Value : ResultAssert.Success(await lookups.TryCountEmailAsync(messages[i], Email, 3, TimeSpan.FromHours(1))));
        }

        Assert.Equal(3, counted.Count(c => c));
        await using var db = await shop.DbAsync();
        var rows = await db.OrderLookupEmails.AsNoTracking().ToListAsync();
        Assert.Equal(messages.Where((_, i) => counted[i]).Order(), rows.Select(r => r.MessageId).Order());
        // Another address has its own mails.
        Assert.True(ResultAssert.Success(await lookups.TryCountEmailAsync(Guid.NewGuid(), "other@example.com", 3, TimeSpan.FromHours(1))));
    }
}

public sealed class OrderLookupsTestsOnSqlite() : OrderLookupsTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class OrderLookupsTestsOnPostgreSQL() : OrderLookupsTests(DatabaseProvider.PostgreSQL);
