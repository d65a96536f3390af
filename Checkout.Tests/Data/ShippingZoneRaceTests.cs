using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Shipping;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.Data;

/// <summary>A country is in one zone however many admins save zones at the same moment.</summary>
public abstract class ShippingZoneRaceTests(DatabaseProvider provider) : ProviderTests(provider)
{
    [Fact]
    public async Task EightAdminsClaimingOneFreeCountryAtOnce_OneZoneGetsIt_TheOthersAreToldWhich()
    {
        await using var shop = await CreateShopAsync();
        await using (var db = await shop.DbAsync())
        {
            // Australia leaves its seeded zone: free for whoever takes it first.
            var zone = await db.ShippingZones.SingleAsync(z => z.CountryCodes == "AU");
            await db.DeliveryMethods.Where(m => m.ZoneId == zone.Id).ExecuteDeleteAsync();
            await db.ShippingZones.Where(z => z.Id == zone.Id).ExecuteDeleteAsync();
        }
        var admin = shop.Get<DeliveryAdminService>();

        var saved = await Race.RunAsync(8, i => admin.CreateZoneAsync(new ShippingZoneInput($"Oceania {i}", ["AU"]), "admin@shop"));

        var winner = Assert.Single(saved, s => s.IsSuccess);
        Assert.All(saved.Where(s => !s.IsSuccess), s =>
        {
            Assert.Equal(ErrorCodes.Conflict, s.Error!.Code);
            Assert.Contains($"“{winner.Value!.Name}”", s.Error.Message, StringComparison.Ordinal);
        });
        await using var after = await shop.DbAsync();
        Assert.Equal([winner.Value!.Name], await after.ShippingZones.Where(z => z.CountryCodes.Contains("AU")).Select(z => z.Name).ToListAsync());
    }

    [Fact]
    public async Task TwoZonesTakingTheSameCountryAtOnce_OnlyOneHasItAfter()
    {
        await using var shop = await CreateShopAsync();
        var admin = shop.Get<DeliveryAdminService>();
        var zones = await admin.ListAsync();
        var canada = zones.Single(z => z.Countries.SequenceEqual(["CA"]));
        var australia = zones.Single(z => z.Countries.SequenceEqual(["AU"]));
        // The United States leaves its zone; Canada's and Australia's zones then reach for it at the same moment.
        var us = zones.Single(z => z.Countries.SequenceEqual(["US"]));
        await using (var db = await shop.DbAsync())
        {
            await db.DeliveryMethods.Where(m => m.ZoneId == us.Id).ExecuteDeleteAsync();
            await db.ShippingZones.Where(z => z.Id == us.Id).ExecuteDeleteAsync();
        }

        var saved = await Race.RunAsync(2, i => i == 0
            ? admin.ChangeZoneAsync(canada.Id, new ShippingZoneInput(canada.Name, ["CA", "US"]), "admin@shop")
            : admin.ChangeZoneAsync(australia.Id, new ShippingZoneInput(australia.Name, ["AU", "US"]), "admin@shop"));

        Assert.Single(saved, s => s.IsSuccess);
        Assert.Equal(ErrorCodes.Conflict, Assert.Single(saved, s => !s.IsSuccess).Error!.Code);
        await using var after = await shop.DbAsync();
        Assert.Single(await after.ShippingZones.Where(z => z.CountryCodes.Contains("US")).ToListAsync());
    }
}

public sealed class ShippingZoneRaceTestsOnSqlite() : ShippingZoneRaceTests(DatabaseProvider.Sqlite);

[Collection(PostgresCollection.Name)]
public sealed class ShippingZoneRaceTestsOnPostgreSQL() : ShippingZoneRaceTests(DatabaseProvider.PostgreSQL);
