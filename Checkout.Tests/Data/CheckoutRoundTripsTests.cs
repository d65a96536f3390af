using Checkout.Data.Persistence;
using Checkout.Tests.Builders;

namespace Checkout.Tests.Data;

/// <summary>
/// What a checkout's start and its payment cost on PostgreSQL, once the delivery methods and tax rates are in memory.
/// A start: one read of the cart with its open checkout, one of the prices and stock, one write unit. A payment: one
/// read of the checkout with whether it has an order, then its three write units (and the gateway's own calls).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CheckoutRoundTripsTests
{
    [Fact]
    public async Task AStart_IsThreeRoundTrips_TheCartWithItsOpenCheckout_ThePrices_AndItsWriteUnit()
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        await shop.AddProductAsync("TRIPS-1", stock: 10);
        ResultAssert.Success(await shop.StartCheckoutAsync(await shop.CartWithAsync(("TRIPS-1", 1))));
        var cartId = await shop.CartWithAsync(("TRIPS-1", 2));
        using var trips = new RoundTrips(shop);

        ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        var sent = trips.All();
        Assert.Equal(3, sent.Count);
        Assert.Contains("checkout_sessions", sent[0]);
        Assert.Contains("cart_lines", sent[0]);
        Assert.Contains("products", sent[1]);
        Assert.Contains("INSERT INTO \"holds\"", sent[2]);
    }

    [Fact]
    public async Task AStartAgain_AnsweredByTheOpenCheckout_IsOneRoundTrip()
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        await shop.AddProductAsync("TRIPS-2", stock: 10);
        var cartId = await shop.CartWithAsync(("TRIPS-2", 1));
        var first = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));
        using var trips = new RoundTrips(shop);

        var again = ResultAssert.Success(await shop.StartCheckoutAsync(cartId));

        Assert.Equal(first.CheckoutSessionId, again.CheckoutSessionId);
        Assert.Single(trips.All());
    }

    [Fact]
    public async Task APayment_ReadsItsCheckoutOnce_ThenWritesItsThreeUnits()
    {
        await using var shop = await TestShop.CreateAsync(provider: DatabaseProvider.PostgreSQL);
        await shop.AddProductAsync("TRIPS-3", stock: 10);
        var started = ResultAssert.Success(await shop.StartCheckoutAsync(await shop.CartWithAsync(("TRIPS-3", 1))));
        using var trips = new RoundTrips(shop);

        ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(started.CheckoutSessionId, Cards.Approved));

        var shops = trips.All().Where(sql => !sql.Contains("sim_gateway_operations", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, shops.Count);
        Assert.StartsWith("SELECT", shops[0].TrimStart(), StringComparison.Ordinal);
        Assert.Contains("checkout_sessions", shops[0]);
        Assert.Contains("orders", shops[0]);
        Assert.Contains("""INSERT INTO "orders" """, shops[1]);
        Assert.Contains("""INSERT INTO "payments" """, shops[2]);
        Assert.Contains("""INSERT INTO "outbox_messages" """, shops[3]);
    }
}
