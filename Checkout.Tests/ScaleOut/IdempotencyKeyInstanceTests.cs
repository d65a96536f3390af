using System.Net;
using System.Text.Json;
using Checkout.Data.Idempotency;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Api;
using Checkout.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Tests.ScaleOut;

/// <summary>
/// The Idempotency-Key records live in the shared database: behind a load balancer, a retry that reaches another
/// instance gets the first instance's reply, and keyed payments spread over both instances charge once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IdempotencyKeyInstanceTests : IAsyncLifetime
{
    private TestDatabase? _database;
    private AppInstance _first = null!;
    private AppInstance _second = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(DatabaseProvider.PostgreSQL, Path.GetTempPath());
        var prefix = $"test:{Guid.NewGuid():N}:";
        // One after the other: the first migrates and seeds the shared database.
        _first = new AppInstance(_database.ConnectionString, RedisServer.Shared(), prefix).Started();
        _second = new AppInstance(_database.ConnectionString, RedisServer.Shared(), prefix).Started();
    }

    [Fact]
    public async Task CreateCart_RetriedOnTheOtherInstance_ReplaysTheFirstInstancesReply_AndCreatesOneCart()
    {
        using var one = _first.CreateClient();
        using var two = _second.CreateClient();
        const string key = "cart-across-instances";
        var carts = await CountAsync(db => db.Carts);

        var first = await Keyed.SendAsync(one, HttpMethod.Post, "/api/carts", null, key);
        var retry = await Keyed.SendAsync(two, HttpMethod.Post, "/api/carts", null, key);

        Assert.True(first.Status == HttpStatusCode.Created && !first.Replayed, $"The first instance answered {first}");
        Assert.True(retry.IsReplayOf(first), $"The second instance answered {retry}, not the first one's {first}");
        var cartId = JsonSerializer.Deserialize<CartCreatedDto>(retry.Body, ApiClient.Json)!.CartId;
        Assert.Equal(carts + 1, await CountAsync(db => db.Carts));
        Assert.Equal(1, await CountAsync(db => db.Carts.Where(c => c.Id == cartId)));
        await using var db = await _first.DbAsync();
        var record = Assert.Single(await db.IdempotencyKeys.AsNoTracking().Where(k => k.Key == key).ToListAsync());
        Assert.Equal((cartId, IdempotencyKeyStatus.Completed), (record.Id, record.Status));
    }

    [Fact]
    public async Task Complete_20TimesAtOnceWithOneKeySplitAcrossBothInstances_PlacesOneOrderWithOneCharge()
    {
        using var shopper = _first.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-GRINDER", 1));
        var key = checkout.CheckoutSessionId.ToString();
        var path = $"/api/checkouts/{key}/complete";

        var answers = await Race.RunAsync(20, async i =>
        {
            using var client = (i % 2 == 0 ? _first : _second).CreateClient();
            return await Keyed.SendAsync(client, HttpMethod.Post, path, Cards.Approved, key);
        });

        var first = Assert.Single(answers, a => !a.Replayed && !a.IsInUse());
        Assert.True(first.Status == HttpStatusCode.Created, $"The request that ran answered {first}");
        var unexpected = answers.Where(a => !ReferenceEquals(a, first) && !a.IsReplayOf(first) && !a.IsInUse()).ToList();
        Assert.True(unexpected.Count == 0, $"Neither the stored reply nor 409 in-use:\n{string.Join("\n", unexpected)}");
        using var other = _second.CreateClient();
        var retry = await Keyed.SendAsync(other, HttpMethod.Post, path, Cards.Approved, key);
        Assert.True(retry.IsReplayOf(first), $"The retry got {retry}, not the stored {first}");
        var placed = JsonSerializer.Deserialize<PlacedDto>(first.Body, ApiClient.Json)!;
        await using var db = await _first.DbAsync();
        Assert.Equal(placed.OrderId, (await db.Orders.AsNoTracking().SingleAsync()).Id);
        Assert.Equal(1, await _first.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await _first.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal(1, await db.IdempotencyKeys.CountAsync(k => k.Key == key));
    }

    private async Task<int> CountAsync<T>(Func<CheckoutDbContext, IQueryable<T>> query)
    {
        await using var db = await _first.DbAsync();
        return await query(db).CountAsync();
    }

    // Also after a failed start: whatever was started is stopped, and the database dropped.
    public async Task DisposeAsync()
    {
        foreach (var started in new IAsyncDisposable?[] { _second, _first, _database })
        {
            if (started is not null)
            {
                await started.DisposeAsync();
            }
        }
    }
}
