using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Shipping;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>
/// Where a checkout goes, as the shopper meets it through <see cref="CheckoutService"/>, <see cref="CheckoutFlow"/> and
/// <see cref="PlaceOrderService"/>: no payment without an address, the delivery method and the destination's tax on the
/// quote, and an address that follows the items when a declined card starts the checkout again.
/// </summary>
public abstract class ShippingCheckoutTests(DatabaseProvider provider) : ProviderTests(provider)
{
    private const string Shopper = "shopper@example.com";

    /// <summary>San Francisco: 7.25 % sales tax on the goods and the shipping.</summary>
    private static readonly ShippingAddressInput California = TestAddresses.Portland with { City = "San Francisco", Region = "CA", PostalCode = "94103" };

    /// <summary>Sydney: in the seeded Australia zone, whose only method is "International".</summary>
    private static readonly ShippingAddressInput Sydney = TestAddresses.Portland with { City = "Sydney", Region = "NSW", PostalCode = "2000", Country = "AU" };

    [Fact]
    public async Task Pay_WithoutAnAddress_IsRefusedAndChargesNothing_ThenAnAddressGivenLaterLetsItPay_AndTheOrderShipsThere()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 5);
        var cartId = await shop.CartWithAsync(("MUG", 2));
        var started = ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(cartId, Shopper, "Sam Shopper")));
        Assert.Null(started.Delivery);
        Assert.Equal((0L, 0L, 5_000L), (started.ShippingMinor, started.TaxMinor, started.TotalMinor));

        var refused = await shop.AssertRefusedAsync(
            ErrorCodes.ShippingAddressRequired, () => shop.PlaceOrders.PlaceAsync(started.CheckoutSessionId, Cards.Approved));
        // Through the flow too: a missing address is not a declined card, so nothing is started again.
        ResultAssert.Failure(await shop.Get<CheckoutFlow>().PayAsync(started.CheckoutSessionId, Cards.Approved), ErrorCodes.ShippingAddressRequired);

        Assert.Contains("nothing was charged", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await shop.CountAsync(db => db.Orders));
        Assert.Equal(0, await shop.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await shop.CountAsync(db => db.CheckoutSessions.Where(s => s.Status == CheckoutSessionStatus.Open)));

        var shipped = ResultAssert.Success(await shop.Checkouts.SetShippingAsync(started.CheckoutSessionId, TestAddresses.Portland, null));

        Assert.Equal(started.CheckoutSessionId, shipped.CheckoutSessionId);
        Assert.Equal("Standard", shipped.Delivery?.MethodName);
        Assert.Equal((499L, 0L, 5_499L), (shipped.ShippingMinor, shipped.TaxMinor, shipped.TotalMinor));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(started.CheckoutSessionId, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        var order = ResultAssert.Success(await shop.Orders.GetAsync(placed.Order.OrderId));
        AssertShipsTo(TestAddresses.Portland, order.Delivery?.Address);
        Assert.Equal("Standard", order.Delivery?.MethodName);
        Assert.Equal((499L, 0L, 5_499L), (order.ShippingMinor, order.TaxMinor, order.TotalMinor));
        Assert.Equal(5_499L, order.Payment?.AmountMinor);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SetShipping_WithABadPostalCode_SaysWhichField_AndChangesNothing(bool hadAnAddress)
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 5);
        var cartId = await shop.CartWithAsync(("MUG", 1));
        var started = ResultAssert.Success(await shop.Checkouts.StartAsync(
            new StartCheckout(cartId, Shopper, "Sam Shopper", ShippingAddress: hadAnAddress ? TestAddresses.Portland : null)));

        var error = await shop.AssertRefusedAsync(ErrorCodes.Validation,
            () => shop.Checkouts.SetShippingAsync(started.CheckoutSessionId, California with { PostalCode = "9410" }, null));

        var errors = Assert.IsAssignableFrom<IReadOnlyDictionary<string, string[]>>(error.Details!["errors"]);
        Assert.Equal(["postalCode"], errors.Keys);
        Assert.Contains("ZIP code", Assert.Single(errors["postalCode"]), StringComparison.Ordinal);
        var after = ResultAssert.Success(await shop.Checkouts.GetAsync(started.CheckoutSessionId));
        Assert.Equal(started.Delivery, after.Delivery);
        Assert.Equal(started.Tax, after.Tax);
        Assert.Equal((started.ShippingMinor, started.TotalMinor), (after.ShippingMinor, after.TotalMinor));
        if (hadAnAddress)
        {
            AssertShipsTo(TestAddresses.Portland, after.Delivery?.Address);
        }
        else
        {
            Assert.Null(after.Delivery);
        }
    }

    [Fact]
    public async Task ACalifornianAddress_AddsSalesTaxRoundedLineByLine_OnTheGoodsAndTheShipping()
    {
        await using var shop = await CreateShopAsync();
        // Two lines of 25.00: each line's 7.25 % is 181.25, rounded to 181, and the shipping's (4.99) 36.1775 to 36.
        // Taxed as one amount (54.99) it would have been 398.6775, rounded to 399.
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 5);
        await shop.AddProductAsync("TOTE", priceMinor: 2_500, stock: 5);
        var cartId = await shop.CartWithAsync(("MUG", 1), ("TOTE", 1));

        var view = ResultAssert.Success(await shop.Checkouts.StartAsync(new StartCheckout(cartId, Shopper, "Sam Shopper", ShippingAddress: California)));

        Assert.Equal((5_000L, 0L, 499L), (view.SubtotalMinor, view.DiscountMinor, view.ShippingMinor));
        Assert.Equal(181 + 181 + 36, view.TaxMinor);
        Assert.Equal((7.25m, "Sales tax", false), (view.Tax!.RatePercent, view.Tax.Name, view.Tax.Included));
        Assert.Equal(view.SubtotalMinor - view.DiscountMinor + view.ShippingMinor + view.TaxMinor, view.TotalMinor);
        Assert.Equal(5_897L, view.TotalMinor);
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(view.CheckoutSessionId, Cards.Approved));
        Assert.Equal((398L, 5_897L), (placed.Order.TaxMinor, placed.Order.TotalMinor));
        Assert.Equal(5_897L, placed.Order.Payment?.AmountMinor);
        AssertShipsTo(California, placed.Order.Delivery?.Address);
    }

    [Fact]
    public async Task Express_ChosenByItsId_CostsItsRateEvenAboveTheFreeShippingAmount_AndTheOrderGoesExpress()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("KETTLE", priceMinor: 15_000, stock: 5);
        var started = await shop.OpenCheckoutAsync(lines: ("KETTLE", 1));
        Assert.Equal(("Standard", 0L), (started.Delivery?.MethodName, started.ShippingMinor));

        var options = ResultAssert.Success(await shop.Checkouts.DeliveryOptionsAsync(started.CheckoutSessionId, "US"));
        Assert.Equal([("Standard", 0L), ("Express", 1_499L)], options.Select(o => (o.Name, o.PriceMinor)));
        var express = options.Single(o => o.Name == "Express");
        var view = ResultAssert.Success(await shop.Checkouts.SetShippingAsync(started.CheckoutSessionId, TestAddresses.Portland, express.MethodId));

        Assert.Equal((express.MethodId, "Express"), (view.Delivery?.MethodId, view.Delivery?.MethodName));
        Assert.Equal((1_499L, 0L, 16_499L), (view.ShippingMinor, view.TaxMinor, view.TotalMinor));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(view.CheckoutSessionId, Cards.Approved));
        Assert.Equal(("Express", 1_499L, 16_499L), (placed.Order.Delivery?.MethodName, placed.Order.ShippingMinor, placed.Order.TotalMinor));

        // Asked for at the start, the same id prices the same.
        var cartId = await shop.CartWithAsync(("KETTLE", 1));
        var atStart = ResultAssert.Success(await shop.Checkouts.StartAsync(
            new StartCheckout(cartId, Shopper, "Sam Shopper", ShippingAddress: TestAddresses.Portland, DeliveryMethodId: express.MethodId)));
        Assert.Equal(("Express", 1_499L), (atStart.Delivery?.MethodName, atStart.ShippingMinor));
    }

    [Fact]
    public async Task AMethodOfAnotherZone_ForAUsAddress_IsRefusedAsUnavailable_AtTheStartAndLater()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 5);
        var australian = await AustraliaMethodAsync(shop);
        var cartId = await shop.CartWithAsync(("MUG", 1));

        var error = await shop.AssertRefusedAsync(ErrorCodes.DeliveryMethodUnavailable, () => shop.Checkouts.StartAsync(
            new StartCheckout(cartId, Shopper, "Sam Shopper", ShippingAddress: TestAddresses.Portland, DeliveryMethodId: australian)));

        var offered = Assert.IsAssignableFrom<IReadOnlyList<DeliveryOption>>(error.Details!["deliveryMethods"]);
        Assert.Equal(["Standard", "Express"], offered.Select(o => o.Name));
        Assert.DoesNotContain(offered, o => o.MethodId == australian);

        var started = await shop.OpenCheckoutAsync(lines: ("MUG", 1));
        await shop.AssertRefusedAsync(ErrorCodes.DeliveryMethodUnavailable,
            () => shop.Checkouts.SetShippingAsync(started.CheckoutSessionId, TestAddresses.Portland, australian));
        var after = ResultAssert.Success(await shop.Checkouts.GetAsync(started.CheckoutSessionId));
        Assert.Equal(("Standard", 499L), (after.Delivery?.MethodName, after.ShippingMinor));
    }

    [Fact]
    public async Task AFreeShippingCode_MakesTheChosenMethodFree()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 5);
        await shop.AddPromoAsync(new PromoCode("FREESHIP", PromoKind.FreeShipping, 0));
        var express = await MethodIdAsync(shop, "US", "Express");
        var cartId = await shop.CartWithAsync(("MUG", 1));

        var view = ResultAssert.Success(await shop.Checkouts.StartAsync(
            new StartCheckout(cartId, Shopper, "Sam Shopper", "FREESHIP", ShippingAddress: California, DeliveryMethodId: express)));

        Assert.Equal(("FREESHIP", "Express"), (view.PromoCode, view.Delivery?.MethodName));
        // Free shipping is not taxed: 7.25 % of 25.00 only.
        Assert.Equal((0L, 0L, 181L, 2_681L), (view.ShippingMinor, view.DiscountMinor, view.TaxMinor, view.TotalMinor));
        var options = ResultAssert.Success(await shop.Checkouts.DeliveryOptionsAsync(view.CheckoutSessionId, "US"));
        Assert.All(options, o => Assert.Equal(0L, o.PriceMinor));

        // Changing the address keeps the code's free shipping on the method chosen.
        var moved = ResultAssert.Success(await shop.Checkouts.SetShippingAsync(view.CheckoutSessionId, TestAddresses.Portland, express));
        Assert.Equal(("Express", 0L, 0L, 2_500L), (moved.Delivery?.MethodName, moved.ShippingMinor, moved.TaxMinor, moved.TotalMinor));
        var placed = ResultAssert.Success(await shop.PlaceOrders.PlaceAsync(view.CheckoutSessionId, Cards.Approved));
        Assert.Equal(("Express", 0L, 2_500L), (placed.Order.Delivery?.MethodName, placed.Order.ShippingMinor, placed.Order.TotalMinor));
    }

    [Fact]
    public async Task ACountryWhoseZoneHasNoMethodsLeft_GetsNoDeliveryMethod_WithAClearMessage()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 5);
        // Sydney is delivered to while the Australia zone has its method.
        var before = ResultAssert.Success(await shop.Checkouts.StartAsync(
            new StartCheckout(await shop.CartWithAsync(("MUG", 1)), Shopper, "Sam Shopper", ShippingAddress: Sydney)));
        Assert.Equal(("International", 2_499L), (before.Delivery?.MethodName, before.ShippingMinor));
        await using (var db = await shop.DbAsync())
        {
            // The admin switches off the zone's one method.
            var zone = await db.ShippingZones.AsNoTracking().SingleAsync(z => z.CountryCodes == "AU");
            var method = await db.DeliveryMethods.AsNoTracking().SingleAsync(m => m.ZoneId == zone.Id);
            ResultAssert.Success(await shop.Get<DeliveryAdminService>().SetMethodActiveAsync(method.Id, active: false, "admin@shop"));
        }
        var cartId = await shop.CartWithAsync(("MUG", 1));

        var refused = await shop.AssertRefusedAsync(ErrorCodes.NoDeliveryMethod,
            () => shop.Checkouts.StartAsync(new StartCheckout(cartId, "other@example.com", "Sam Shopper", ShippingAddress: Sydney)));
        var started = await shop.OpenCheckoutAsync("third@example.com", lines: ("MUG", 1));
        var later = await shop.AssertRefusedAsync(ErrorCodes.NoDeliveryMethod,
            () => shop.Checkouts.SetShippingAsync(started.CheckoutSessionId, Sydney, null));

        Assert.Equal("We don't deliver to Australia yet; choose another address.", refused.Message);
        Assert.Equal(refused.Message, later.Message);
        Assert.Empty(ResultAssert.Success(await shop.Checkouts.DeliveryOptionsAsync(started.CheckoutSessionId, "AU")));
        AssertShipsTo(TestAddresses.Portland, ResultAssert.Success(await shop.Checkouts.GetAsync(started.CheckoutSessionId)).Delivery?.Address);
    }

    [Fact]
    public async Task StartAgain_AfterADeclinedCard_KeepsTheAddressAndTheMethod()
    {
        await using var shop = await CreateShopAsync();
        await shop.AddProductAsync("MUG", priceMinor: 2_500, stock: 1);
        var express = await MethodIdAsync(shop, "US", "Express");
        var cartId = await shop.CartWithAsync(("MUG", 1));
        var flow = shop.Get<CheckoutFlow>();
        var first = ResultAssert.Success(await flow.StartAsync(
            new StartCheckout(cartId, Shopper, "Sam Shopper", ShippingAddress: California, DeliveryMethodId: express)));

        var declined = ResultAssert.Failure(await flow.PayAsync(first.Checkout.CheckoutSessionId, Cards.Declined), ErrorCodes.PaymentDeclined);

        var retry = Assert.IsType<Guid>(declined.Details?[CheckoutFlow.RetryCheckoutDetail]);
        Assert.NotEqual(first.Checkout.CheckoutSessionId, retry);
        var held = ResultAssert.Success(await shop.Checkouts.GetAsync(retry));
        Assert.Equal(first.Checkout.Delivery, held.Delivery);
        AssertShipsTo(California, held.Delivery?.Address);
        Assert.Equal(("Express", 1_499L), (held.Delivery?.MethodName, held.ShippingMinor));
        Assert.Equal((first.Checkout.TaxMinor, first.Checkout.TotalMinor), (held.TaxMinor, held.TotalMinor));
        var placed = ResultAssert.Success(await flow.PayAsync(retry, Cards.Approved));
        Assert.Equal(OrderStatus.Confirmed, placed.Order.Status);
        AssertShipsTo(California, placed.Order.Delivery?.Address);
        Assert.Equal(("Express", first.Checkout.TotalMinor), (placed.Order.Delivery?.MethodName, placed.Order.TotalMinor));
    }

    /// <summary>The stored address is the one sent (these test addresses are already written as they are stored).</summary>
    private static void AssertShipsTo(ShippingAddressInput sent, ShippingAddress? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (sent.Name, sent.Line1, sent.Line2, sent.City, sent.Region, sent.PostalCode, sent.Country, sent.Phone),
            (actual.Name, actual.Line1, actual.Line2, actual.City, actual.Region, actual.PostalCode, actual.Country, actual.Phone));
    }

    private static async Task<Guid> MethodIdAsync(TestShop shop, string country, string name)
    {
        await using var db = await shop.DbAsync();
        var zone = (await db.ShippingZones.AsNoTracking().ToListAsync()).Single(z => z.Countries.Contains(country));
        return await db.DeliveryMethods.Where(m => m.ZoneId == zone.Id && m.Name == name).Select(m => m.Id).SingleAsync();
    }

    private static Task<Guid> AustraliaMethodAsync(TestShop shop) => MethodIdAsync(shop, "AU", "International");
}

public sealed class ShippingCheckoutTestsOnSqlite() : ShippingCheckoutTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class ShippingCheckoutTestsOnPostgreSQL() : ShippingCheckoutTests(DatabaseProvider.PostgreSQL);
