using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Checkout.Data.Idempotency;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Tests.Admin;
using Checkout.Tests.Builders;
using Checkout.Web.Api;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Api;

/// <summary>
/// The Idempotency-Key contract of the mutating API routes, proved by what lands in the database: the first reply is
/// stored and replayed byte for byte, a reused key with another request is refused, a key in use is refused with
/// Retry-After, a 5xx is not stored, and a reply survives a restart until its retention ends.
/// </summary>
public class IdempotencyKeyTests
{
    [Fact]
    public async Task Complete_50TimesAtOnceWithTheSessionIdAsKey_PlacesOneOrderWithOneCharge_AndAnswersTheStoredReplyOr409InUse()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-GRINDER", 1));
        var key = checkout.CheckoutSessionId.ToString();
        var path = $"/api/checkouts/{key}/complete";

        var answers = await Race.RunAsync(50, async _ =>
        {
            using var client = api.CreateClient();
            return await Keyed.SendAsync(client, HttpMethod.Post, path, Cards.Approved, key);
        });

        // One request ran and answered 201; every other one got that very reply back, or was told the key is in use.
        var first = Assert.Single(answers, a => !a.Replayed && !a.IsInUse());
        Assert.True(first.Status == HttpStatusCode.Created, $"The request that ran answered {first}");
        var unexpected = answers.Where(a => !ReferenceEquals(a, first) && !a.IsReplayOf(first) && !a.IsInUse()).ToList();
        Assert.True(unexpected.Count == 0, $"Neither the stored reply nor 409 in-use:\n{string.Join("\n", unexpected)}");
        var placed = JsonSerializer.Deserialize<PlacedDto>(first.Body, ApiClient.Json)!;
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
        Assert.Equal(placed.OrderId, (await api.OrderIdsAsync()).Single());
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal((2, 0, 1), await api.StockAsync("COF-GRINDER"));

        // After they all finished, the key answers with the stored 201, byte for byte.
        using var late = api.CreateClient();
        var retry = await Keyed.SendAsync(late, HttpMethod.Post, path, Cards.Approved, key);
        Assert.True(retry.IsReplayOf(first), $"The retry got {retry}, not the stored {first}");
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.Equal($"/api/orders/{placed.OrderId}", retry.Location);
        var record = Assert.Single(await api.KeyRecordsAsync(key));
        Assert.Equal((IdempotencyKeyStatus.Completed, 201), (record.Status, record.ResponseStatus));
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
    }

    [Fact]
    public async Task CreateCart_50TimesAtOnceWithOneKey_CreatesOneCartWhoseIdIsTheKeysRecordId_AndEverySuccessNamesIt()
    {
        await using var api = new ApiFactory();
        var before = await api.CountAsync(db => db.Carts);
        const string key = "cart-key-0001";

        var answers = await Race.RunAsync(50, async _ =>
        {
            using var client = api.CreateClient();
            return await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);
        });

        var first = Assert.Single(answers, a => !a.Replayed && !a.IsInUse());
        Assert.True(first.Status == HttpStatusCode.Created, $"The request that ran answered {first}");
        var unexpected = answers.Where(a => !ReferenceEquals(a, first) && !a.IsReplayOf(first) && !a.IsInUse()).ToList();
        Assert.True(unexpected.Count == 0, $"Neither the stored reply nor 409 in-use:\n{string.Join("\n", unexpected)}");
        var cartIds = answers.Where(a => a.Status == HttpStatusCode.Created)
            .Select(a => JsonSerializer.Deserialize<CartCreatedDto>(a.Body, ApiClient.Json)!.CartId).Distinct().ToList();
        var cartId = Assert.Single(cartIds);
        Assert.Equal(before + 1, await api.CountAsync(db => db.Carts));
        Assert.Equal(1, await api.CountAsync(db => db.Carts.Where(c => c.Id == cartId)));
        var record = Assert.Single(await api.KeyRecordsAsync(key));
        Assert.Equal(cartId, record.Id);
        Assert.Equal(IdempotencyKeyStatus.Completed, record.Status);
    }

    [Fact]
    public async Task StartCheckout_20TimesAtOnceForOneCartWithoutAKey_OpensOneCheckoutAndHoldsOnce_201OnceAnd200WithTheSameSession()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        // Plenty of stock: every racer could hold its units, so only the one-open-checkout-per-cart rule keeps it to one.
        var cartId = await shopper.CartWithAsync(("TEA-SENCHA", 2));
        // Every start first looks for the cart's open checkout: all 20 find none.
        api.Reads.Arm("checkout_sessions", participants: 20);

        var responses = await Race.RunAsync(20, async _ =>
        {
            using var client = api.CreateClient();
            var response = await new ApiClient(client).StartCheckoutAsync(cartId);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        });

        Assert.True(api.Reads.AllArrived, "The 20 starts did not all look for the cart's open checkout before one opened it.");
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.Created) == 1 && responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 19,
            $"Unexpected answers: {string.Join("; ", responses.Select(r => $"{(int)r.StatusCode} {r.Body}"))}");
        var sessionIds = responses.Select(r => JsonSerializer.Deserialize<CheckoutDto>(r.Body, ApiClient.Json)!.CheckoutSessionId).Distinct().ToList();
        var sessionId = Assert.Single(sessionIds);
        Assert.Equal(1, await api.CountAsync(db => db.CheckoutSessions));
        Assert.Equal(1, await api.CountAsync(db => db.CheckoutSessions.Where(s => s.Id == sessionId && s.CartId == cartId)));
        Assert.Equal(1, await api.CountAsync(db => db.Holds));
        Assert.Equal((33, 2, 0), await api.StockAsync("TEA-SENCHA"));
        Assert.Equal(0, await api.CountAsync(db => db.IdempotencyKeys));
    }

    [Fact]
    public async Task StartTwiceAndPayTwice_WithoutKeys_PlacesOneOrderWithOneCharge()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.CartWithAsync(("COF-KETTLE", 1));

        var started = await ApiClient.ReadAsync<CheckoutDto>(await shopper.StartCheckoutAsync(cartId), HttpStatusCode.Created);
        var startedAgain = await ApiClient.ReadAsync<CheckoutDto>(await shopper.StartCheckoutAsync(cartId), HttpStatusCode.OK);
        var paid = await shopper.ReadPlacedAsync(await shopper.CompleteAsync(started.CheckoutSessionId, Cards.Approved), HttpStatusCode.Created);
        var paidAgain = await shopper.ReadPlacedAsync(await shopper.CompleteAsync(startedAgain.CheckoutSessionId, Cards.Approved), HttpStatusCode.OK);

        Assert.Equal(started.CheckoutSessionId, startedAgain.CheckoutSessionId);
        Assert.Equal((paid.OrderId, paid.OrderNumber), (paidAgain.OrderId, paidAgain.OrderNumber));
        Assert.Equal(1, await api.CountAsync(db => db.CheckoutSessions));
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Capture));
        Assert.Equal((11, 0, 1), await api.StockAsync("COF-KETTLE"));
    }

    [Fact]
    public async Task SetCartItem_SameKeyWithAnotherQuantity_Is422ReusedAndChangesNothing_WhileTheFirstRequestStillReplays()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var cartId = await shopper.NewCartAsync();
        var path = $"/api/carts/{cartId}/items/TEA-MATCHA";
        const string key = "set-matcha";
        var first = await Keyed.SendAsync(shopper.Http, HttpMethod.Put, path, new { quantity = 1 }, key);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var before = await api.SnapshotAsync(withKeys: true);

        var reused = await Keyed.SendAsync(shopper.Http, HttpMethod.Put, path, new { quantity = 2 }, key);

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, IdempotencyKeys.ReusedCode);
        Assert.False(reused.Replayed);
        await api.AssertUnchangedAsync(before, "Reusing a key for another quantity", withKeys: true);
        Assert.Equal(1, Assert.Single((await ApiClient.ReadAsync<CartDto>(await shopper.GetAsync($"/api/carts/{cartId}"), HttpStatusCode.OK)).Lines).Quantity);
        var again = await Keyed.SendAsync(shopper.Http, HttpMethod.Put, path, new { quantity = 1 }, key);
        Assert.True(again.IsReplayOf(first), $"The first request sent again got {again}, not the stored {first}");
    }

    [Fact]
    public async Task Restock_SameKeyWithAnotherQuantity_Is422ReusedAndChangesNothing()
    {
        await using var api = new ApiFactory();
        using var admin = api.Admin();
        const string path = "/api/admin/inventory/COF-ESPRESSO/restock";
        const string key = "restock-espresso";
        var first = await Keyed.SendAsync(admin.Http, HttpMethod.Post, path, new { quantity = 5, reason = "delivery" }, key);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var before = await api.SnapshotAsync(withKeys: true);

        var reused = await Keyed.SendAsync(admin.Http, HttpMethod.Post, path, new { quantity = 6, reason = "delivery" }, key);

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, IdempotencyKeys.ReusedCode);
        await api.AssertUnchangedAsync(before, "Reusing a restock key for another quantity", withKeys: true);
        Assert.Equal((45, 0, 0), await api.StockAsync("COF-ESPRESSO"));
    }

    [Fact]
    public async Task Restock_RepeatedWithTheSameKey_RaisesStockOnce_AndTheRepeatIsTheStoredReplyMarkedReplayed()
    {
        await using var api = new ApiFactory();
        using var admin = api.Admin();
        const string path = "/api/admin/inventory/GEAR-FLASK/restock";
        const string key = "restock-flask-1";
        var body = new { quantity = 4, reason = "Supplier delivery" };

        var first = await Keyed.SendAsync(admin.Http, HttpMethod.Post, path, body, key);
        var repeat = await Keyed.SendAsync(admin.Http, HttpMethod.Post, path, body, key);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(first.Replayed);
        Assert.Equal(new StockDto("GEAR-FLASK", 5, 0, 0), JsonSerializer.Deserialize<StockDto>(first.Body, ApiClient.Json));
        Assert.True(repeat.IsReplayOf(first), $"The repeat got {repeat}, not the stored {first}");
        Assert.Equal((5, 0, 0), await api.StockAsync("GEAR-FLASK"));
        var record = Assert.Single(await api.KeyRecordsAsync(key));
        await using var db = await api.DbAsync();
        var adjustment = Assert.Single(await db.InventoryAdjustments.AsNoTracking().Where(a => a.Sku == "GEAR-FLASK").ToListAsync());
        Assert.Equal((4, (Guid?)record.Id), (adjustment.Delta, adjustment.RequestId));
    }

    [Fact]
    public async Task Complete_WhenTheFirstAnswerIs504_IsNotStored_AndTheRetryWithTheSameKeyRunsAgainAndAnswers201()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-KETTLE", 1));
        var key = checkout.CheckoutSessionId.ToString();
        var path = $"/api/checkouts/{key}/complete";

        var timedOut = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, path, Cards.TimesOutOnce, key);

        await timedOut.AssertProblemAsync(HttpStatusCode.GatewayTimeout, "payment-pending");
        Assert.Empty(await api.KeyRecordsAsync(key));
        var retry = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, path, Cards.TimesOutOnce, key);
        Assert.True(retry.Status == HttpStatusCode.Created && !retry.Replayed, $"The retry got {retry}");
        var placed = JsonSerializer.Deserialize<PlacedDto>(retry.Body, ApiClient.Json)!;
        Assert.Equal("CONFIRMED", placed.Status);
        var record = Assert.Single(await api.KeyRecordsAsync(key));
        Assert.Equal((IdempotencyKeyStatus.Completed, 201), (record.Status, record.ResponseStatus));
        var third = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, path, Cards.TimesOutOnce, key);
        Assert.True(third.IsReplayOf(retry), $"The third call got {third}, not the stored {retry}");
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Capture));
    }

    [Fact]
    public async Task Complete_WhileARequestWithTheSameKeyIsStillRunning_Is409InUseWithRetryAfter_AndRunsNothing()
    {
        var gate = new AuthorizationGate();
        await using var api = new ApiFactory(web => web.HoldAuthorizations(gate));
        using var shopper = api.Shopper();
        var checkout = await shopper.OpenCheckoutAsync(("COF-KETTLE", 1));
        var key = checkout.CheckoutSessionId.ToString();
        var path = $"/api/checkouts/{key}/complete";
        using var firstClient = api.CreateClient();
        var running = Keyed.SendAsync(firstClient, HttpMethod.Post, path, Cards.Approved, key);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(10));

        var inUse = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, path, Cards.Approved, key);
        var otherCard = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, path, Cards.Declined, key);

        await inUse.AssertProblemAsync(HttpStatusCode.Conflict, IdempotencyKeys.InUseCode);
        Assert.True(int.TryParse(inUse.RetryAfter, out var seconds) && seconds is >= 1 and <= 60, $"Retry-After: '{inUse.RetryAfter}'");
        // Another request with the held key is not the first one: it is refused as a reuse, still without running.
        await otherCard.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, IdempotencyKeys.ReusedCode);
        Assert.Equal(1, gate.Authorizations);
        var record = Assert.Single(await api.KeyRecordsAsync(key));
        Assert.Equal(IdempotencyKeyStatus.Running, record.Status);

        gate.Release();
        var first = await running;
        Assert.True(first.Status == HttpStatusCode.Created && !first.Replayed, $"The held request answered {first}");
        var retry = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, path, Cards.Approved, key);
        Assert.True(retry.IsReplayOf(first), $"The retry got {retry}, not the stored {first}");
        Assert.Equal(1, gate.Authorizations);
        Assert.Equal(1, await api.CountAsync(db => db.Orders));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Authorize));
        Assert.Equal(1, await api.GatewayCallsAsync(GatewayOperationKind.Capture));
    }

    [Fact]
    public async Task Complete_RetriedAfterTheAppRestarted_ReplaysTheStoredReply_AndTheReplayedOrderKeyStillOpensTheOrder()
    {
        var folder = Directory.CreateTempSubdirectory("checkout-api-restart-");
        try
        {
            Answer first;
            string key;
            await using (var before = new ApiFactory(folder: folder))
            {
                using var shopper = before.Shopper();
                var checkout = await shopper.OpenCheckoutAsync(("COF-GRINDER", 1));
                key = checkout.CheckoutSessionId.ToString();
                first = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, $"/api/checkouts/{key}/complete", Cards.Approved, key);
                Assert.True(first.Status == HttpStatusCode.Created && !first.Replayed, $"The first payment answered {first}");
            }

            await using var after = new ApiFactory(folder: folder);
            using var again = after.Shopper();
            var retry = await Keyed.SendAsync(again.Http, HttpMethod.Post, $"/api/checkouts/{key}/complete", Cards.Approved, key);

            Assert.True(retry.IsReplayOf(first), $"After the restart the retry got {retry}, not the stored {first}");
            var placed = JsonSerializer.Deserialize<PlacedDto>(retry.Body, ApiClient.Json)!;
            var order = await again.SendOrderAsync(placed.OrderId, null, placed.OrderKey);
            Assert.Equal("CONFIRMED", (await ApiClient.ReadAsync<OrderDto>(order, HttpStatusCode.OK)).Status);
            Assert.Equal(1, await after.CountAsync(db => db.Orders));
            Assert.Equal(1, await after.GatewayCallsAsync(GatewayOperationKind.Authorize));
            Assert.Equal(1, await after.GatewayCallsAsync(GatewayOperationKind.Capture));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A connection still finalizing holds the file; the OS temp cleaner gets it later.
            }
        }
    }

    [Fact]
    public async Task EveryMutatingApiEndpoint_IsUnderTheContract()
    {
        await using var api = new ApiFactory();
        var endpoints = api.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .ToList();
        var mutating = endpoints
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Endpoint: e, Method: m)))
            .Where(x => !HttpMethods.IsGet(x.Method) && !HttpMethods.IsHead(x.Method) && !HttpMethods.IsOptions(x.Method))
            .ToList();
        var routes = mutating.Select(x => $"{x.Method} {x.Endpoint.RoutePattern.RawText}").ToList();

        Assert.Contains("POST /api/checkouts/{checkoutSessionId:guid}/complete", routes);
        Assert.Contains("POST /api/admin/inventory/{sku}/restock", routes);
        Assert.Contains("PUT /api/carts/{cartId:guid}/items/{sku}", routes);
        Assert.Contains("POST /api/orders/{orderId:guid}/cancel", routes);
        Assert.All(mutating, x => Assert.True(IdempotencyKeys.Covers(x.Endpoint, x.Method), $"{x.Method} {x.Endpoint.RoutePattern.RawText} is not under the contract."));
        // Reads are not: a GET with a key runs as a GET.
        var reads = endpoints.Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") == true).ToList();
        Assert.NotEmpty(reads);
        Assert.All(reads, e => Assert.False(IdempotencyKeys.Covers(e, "GET"), $"GET {e.RoutePattern.RawText} claims keys."));
    }

    [Fact]
    public async Task AKey_IsKeptForItsRetention_ThenSweptAndTheSameKeyRunsAsNew()
    {
        // The default retention; the workers that tick every second or minute tick hourly, so that a day on the fake clock is cheap.
        await using var api = new ApiFactory(web => web
            .UseSetting("Checkout:OutboxInterval", "01:00:00")
            .UseSetting("Checkout:SweepInterval", "01:00:00")
            .UseSetting("Checkout:ReconcileInterval", "01:00:00"));
        using var client = api.CreateClient();
        const string key = "cart-kept-a-day";
        var store = api.Services.GetRequiredService<IdempotencyStore>();
        var first = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);
        var firstCart = JsonSerializer.Deserialize<CartCreatedDto>(first.Body, ApiClient.Json)!.CartId;

        api.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        await store.SweepOnceAsync();
        Assert.Single(await api.KeyRecordsAsync(key));
        var withinRetention = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);
        Assert.True(withinRetention.IsReplayOf(first), $"A day less a second later the key got {withinRetention}, not the stored {first}");

        api.Clock.Advance(TimeSpan.FromSeconds(2));
        await store.SweepOnceAsync();
        Assert.Empty(await api.KeyRecordsAsync(key));
        var carts = await api.CountAsync(db => db.Carts);
        var afterRetention = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);

        Assert.True(afterRetention.Status == HttpStatusCode.Created && !afterRetention.Replayed, $"After the retention the key got {afterRetention}");
        var newCart = JsonSerializer.Deserialize<CartCreatedDto>(afterRetention.Body, ApiClient.Json)!.CartId;
        Assert.NotEqual(firstCart, newCart);
        Assert.Equal(carts + 1, await api.CountAsync(db => db.Carts));
        Assert.Equal(newCart, Assert.Single(await api.KeyRecordsAsync(key)).Id);
    }

    [Fact]
    public async Task AdminKey_IsScopedToTheAdmin_TheScriptAndASignedInAdminWithOneKeyEachRestockOnce()
    {
        await using var app = new AdminFactory();
        var sku = await app.ProductAsync();
        using var script = app.Script();
        using var browser = await app.SignedInAsync(AdminFactory.AdminEmail, AdminFactory.AdminPassword);
        var path = $"/api/admin/inventory/{sku}/restock";
        var body = new { quantity = 5, reason = "delivery" };
        const string key = "shared-admin-key";

        var byScript = await Keyed.SendAsync(script, HttpMethod.Post, path, body, key);
        var byAdmin = await Keyed.SendAsync(browser, HttpMethod.Post, path, body, key);
        var scriptAgain = await Keyed.SendAsync(script, HttpMethod.Post, path, body, key);
        var adminAgain = await Keyed.SendAsync(browser, HttpMethod.Post, path, body, key);

        Assert.True(byScript.Status == HttpStatusCode.OK && !byScript.Replayed, $"The script got {byScript}");
        Assert.True(byAdmin.Status == HttpStatusCode.OK && !byAdmin.Replayed, $"The signed-in admin got {byAdmin}, not a restock of its own");
        Assert.Equal(105, JsonSerializer.Deserialize<StockDto>(byScript.Body, ApiClient.Json)!.Available);
        Assert.Equal(110, JsonSerializer.Deserialize<StockDto>(byAdmin.Body, ApiClient.Json)!.Available);
        Assert.True(scriptAgain.IsReplayOf(byScript), $"The script's repeat got {scriptAgain}, not its own reply {byScript}");
        Assert.True(adminAgain.IsReplayOf(byAdmin), $"The admin's repeat got {adminAgain}, not its own reply {byAdmin}");
        await using var db = await app.DbAsync();
        Assert.Equal(110, (await db.Inventory.AsNoTracking().SingleAsync(i => i.Sku == sku)).Quantity);
        var adjustments = await db.InventoryAdjustments.AsNoTracking().Where(a => a.Sku == sku).ToListAsync();
        Assert.Equal([AdminFactory.AdminEmail, "api-key"], adjustments.Select(a => a.Actor).Order(StringComparer.Ordinal));
        Assert.Equal(2, await db.IdempotencyKeys.CountAsync(k => k.Key == key));
    }

    [Fact]
    public async Task CreateCart_WhoseReplyCouldNotBeStored_Is409UntilTheLeaseEnds_ThenTheRetryResumesAndFindsTheSameCart()
    {
        var failing = new FailReplyStore();
        await using var api = new ApiFactory(web => web.ConfigureServices(services =>
            services.ConfigureDbContext<SqliteCheckoutDbContext>(options => options.AddInterceptors(failing))));
        using var client = api.CreateClient();
        const string key = "cart-reply-lost";
        var carts = await api.CountAsync(db => db.Carts);
        failing.Armed = true;

        var first = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);

        Assert.True(first.Status == HttpStatusCode.Created, $"The first request answered {first}");
        Assert.False(failing.Armed, "The reply's store was never attempted.");
        var cartId = JsonSerializer.Deserialize<CartCreatedDto>(first.Body, ApiClient.Json)!.CartId;
        Assert.Equal(IdempotencyKeyStatus.Running, Assert.Single(await api.KeyRecordsAsync(key)).Status);
        var duringLease = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);
        await duringLease.AssertProblemAsync(HttpStatusCode.Conflict, IdempotencyKeys.InUseCode);

        api.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var resumed = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);

        Assert.True(resumed.Status == HttpStatusCode.Created, $"The resumed request answered {resumed}");
        Assert.Equal(cartId, JsonSerializer.Deserialize<CartCreatedDto>(resumed.Body, ApiClient.Json)!.CartId);
        Assert.Equal(carts + 1, await api.CountAsync(db => db.Carts));
        var record = Assert.Single(await api.KeyRecordsAsync(key));
        Assert.Equal((cartId, IdempotencyKeyStatus.Completed), (record.Id, record.Status));
        var replay = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);
        Assert.True(replay.IsReplayOf(resumed), $"After the resume the key got {replay}, not the stored {resumed}");
    }

    [Fact]
    public async Task Restock_WhoseReplyCouldNotBeStored_ResumedAfterTheLease_FindsItsAdjustmentAndAddsNothing()
    {
        var failing = new FailReplyStore();
        await using var api = new ApiFactory(web => web.ConfigureServices(services =>
            services.ConfigureDbContext<SqliteCheckoutDbContext>(options => options.AddInterceptors(failing))));
        using var admin = api.Admin();
        const string path = "/api/admin/inventory/GEAR-SCALE/restock";
        const string key = "restock-reply-lost";
        var body = new { quantity = 7, reason = "delivery" };
        failing.Armed = true;

        var first = await Keyed.SendAsync(admin.Http, HttpMethod.Post, path, body, key);
        Assert.True(first.Status == HttpStatusCode.OK, $"The first restock answered {first}");
        Assert.False(failing.Armed, "The reply's store was never attempted.");

        api.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var resumed = await Keyed.SendAsync(admin.Http, HttpMethod.Post, path, body, key);

        Assert.True(resumed.Status == HttpStatusCode.OK && !resumed.Replayed, $"The resumed restock answered {resumed}");
        Assert.Equal((27, 0, 0), await api.StockAsync("GEAR-SCALE"));
        Assert.Equal(new StockDto("GEAR-SCALE", 27, 0, 0), JsonSerializer.Deserialize<StockDto>(resumed.Body, ApiClient.Json));
        await using var db = await api.DbAsync();
        var record = Assert.Single(await db.IdempotencyKeys.AsNoTracking().Where(k => k.Key == key).ToListAsync());
        var adjustment = Assert.Single(await db.InventoryAdjustments.AsNoTracking().Where(a => a.Sku == "GEAR-SCALE").ToListAsync());
        Assert.Equal((IdempotencyKeyStatus.Completed, (Guid?)record.Id), (record.Status, adjustment.RequestId));
    }

    /// <summary>
    /// A creation resumed after its reply was lost must answer with what the first run created, as a resumed cart
    /// creation does, not refuse it as someone else's.
    /// </summary>
    [Fact]
    public async Task CreatePromo_WhoseReplyCouldNotBeStored_ResumedAfterTheLease_AnswersThePromoItCreated_NotAConflict()
    {
        var failing = new FailReplyStore();
        await using var api = new ApiFactory(web => web.ConfigureServices(services =>
            services.ConfigureDbContext<SqliteCheckoutDbContext>(options => options.AddInterceptors(failing))));
        using var admin = api.Admin();
        const string key = "promo-reply-lost";
        var body = new { code = "RESUME10", kind = "Percentage", value = 10 };
        failing.Armed = true;

        var first = await Keyed.SendAsync(admin.Http, HttpMethod.Post, "/api/admin/promos", body, key);
        Assert.True(first.Status == HttpStatusCode.Created, $"The first creation answered {first}");
        Assert.False(failing.Armed, "The reply's store was never attempted.");

        api.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var resumed = await Keyed.SendAsync(admin.Http, HttpMethod.Post, "/api/admin/promos", body, key);

        Assert.Equal(1, await api.CountAsync(db => db.PromoCodes.Where(p => p.Code == "RESUME10")));
        Assert.True(resumed.Status == HttpStatusCode.Created, $"The resumed creation answered {resumed}, not the promo its first run created: {first}");
        Assert.Equal(first.Location, resumed.Location);
    }

    /// <summary>
    /// The order routes answer a caller without the order's key as if the order did not exist; a key's stored reply
    /// must not hand that caller what the order's shopper was answered.
    /// </summary>
    [Fact]
    public async Task CancelOrder_SentAgainWithTheSameKeyButWithoutTheOrdersKey_IsRefusedAsAnotherRequest_NotGivenTheShoppersReply()
    {
        await using var api = new ApiFactory();
        using var shopper = api.Shopper();
        var placed = await shopper.ConfirmedOrderAsync(("TEA-MATCHA", 1));
        var path = $"/api/orders/{placed.OrderId}/cancel";
        const string key = "cancel-my-order";
        var cancelled = await Keyed.SendAsync(shopper.Http, HttpMethod.Post, path, null, [key], (ApiClient.OrderKeyHeader, shopper.KeyOf(placed.OrderId)));
        Assert.True(cancelled.Status == HttpStatusCode.OK, $"The shopper's cancel answered {cancelled}");
        using var stranger = api.CreateClient();

        var withoutOrderKey = await Keyed.SendAsync(stranger, HttpMethod.Post, path, null, key);

        Assert.DoesNotContain(placed.OrderNumber, withoutOrderKey.Text, StringComparison.Ordinal);
        await withoutOrderKey.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }

    /// <summary>Once armed, the next statement that stores a reply on a key fails, as a database gone at that moment would.</summary>
    private sealed class FailReplyStore : DbCommandInterceptor
    {
        private int _armed;

        public bool Armed
        {
            get => Volatile.Read(ref _armed) == 1;
            set => Volatile.Write(ref _armed, value ? 1 : 0);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            command.CommandText.Contains("UPDATE \"idempotency_keys\"", StringComparison.Ordinal)
                && command.CommandText.Contains("\"ResponseBody\"", StringComparison.Ordinal)
                && Interlocked.CompareExchange(ref _armed, 0, 1) == 1
                ? throw new SqliteException("disk I/O error", 10)
                : ValueTask.FromResult(result);
    }
}

/// <summary>One shop for the tests of keys that are refused before anything runs: each checks that the database did not move.</summary>
public sealed class IdempotencyKeyShop() : SharedApiShop;

public class IdempotencyKeyValidationTests(IdempotencyKeyShop shop) : IClassFixture<IdempotencyKeyShop>
{
    private const string Restock = "/api/admin/inventory/TEA-INFUSER/restock";

    public static TheoryData<string, string> InvalidKeys()
    {
        var data = new TheoryData<string, string>();
        foreach (var route in new[] { "/api/carts", Restock })
        {
            foreach (var key in new[] { "empty", "256 characters", "a control character", "two header values" })
            {
                data.Add(route, key);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task InvalidKey_Is400KeyInvalid_AndChangesNothing(string route, string invalid)
    {
        var before = await shop.Api.SnapshotAsync(withKeys: true);
        using var client = shop.Api.CreateClient();
        object? body = route == Restock ? new { quantity = 3, reason = "delivery" } : null;
        var adminKey = route == Restock ? ApiFactory.AdminKey : null;
        (string, string)[] headers = adminKey is null ? [] : [("X-Admin-Key", adminKey)];

        var answer = invalid switch
        {
            "empty" => await Keyed.SendAsync(client, HttpMethod.Post, route, body, [""], headers),
            "256 characters" => await Keyed.SendAsync(client, HttpMethod.Post, route, body, [new string('k', 256)], headers),
            "a control character" => await Keyed.SendAsync(client, HttpMethod.Post, route, body, ["key\twith-a-tab"], headers),
            _ => await Keyed.SendRawAsync(client.BaseAddress!, route, body, adminKey, "key-one", "key-two"),
        };

        await answer.AssertProblemAsync(HttpStatusCode.BadRequest, IdempotencyKeys.InvalidCode);
        await shop.Api.AssertUnchangedAsync(before, $"POST {route} with {invalid} as Idempotency-Key", withKeys: true);
    }

    [Fact]
    public async Task KeyOf255PrintableCharacters_WithSpacesAndPunctuation_IsAcceptedAndReplayed()
    {
        using var client = shop.Api.CreateClient();
        var key = "a b~!" + new string('x', 250);
        var carts = await shop.Api.CountAsync(db => db.Carts);

        var first = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);
        var again = await Keyed.SendAsync(client, HttpMethod.Post, "/api/carts", null, key);

        Assert.True(first.Status == HttpStatusCode.Created && !first.Replayed, $"A 255-character key got {first}");
        Assert.True(again.IsReplayOf(first), $"Its repeat got {again}, not the stored {first}");
        Assert.Equal(carts + 1, await shop.Api.CountAsync(db => db.Carts));
    }
}

/// <summary>One answer, read whole: what a replay must repeat byte for byte, and the contract's headers.</summary>
public sealed record Answer(HttpStatusCode Status, byte[] Body, string? ContentType, string? Location, bool Replayed, string? RetryAfter)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>The stored reply of <paramref name="first"/>: its status, headers and body, marked as replayed.</summary>
    public bool IsReplayOf(Answer first) =>
        Replayed && Status == first.Status && ContentType == first.ContentType && Location == first.Location && Body.AsSpan().SequenceEqual(first.Body);

    /// <summary>409 idempotency-key-in-use with a Retry-After.</summary>
    public bool IsInUse() =>
        Status == HttpStatusCode.Conflict && !Replayed && RetryAfter is { Length: > 0 } && Code() == IdempotencyKeys.InUseCode;

    public string? Code()
    {
        try
        {
            var problem = JsonSerializer.Deserialize<JsonElement>(Body);
            return problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The problem document of the status, its type ending in <paramref name="code"/> and <c>code</c> the same.</summary>
    public Task AssertProblemAsync(HttpStatusCode status, string code)
    {
        Assert.True(Status == status, $"Expected {(int)status}, got {this}");
        Assert.True(ContentType?.StartsWith("application/problem+json", StringComparison.Ordinal) == true, $"Not a problem document: {this}");
        var problem = JsonSerializer.Deserialize<JsonElement>(Body);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.EndsWith("/" + code, problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), $"No title: {this}");
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), $"No detail: {this}");
        return Task.CompletedTask;
    }

    public override string ToString() =>
        $"{(int)Status}{(Replayed ? " (replayed)" : "")} {ContentType} {Location} Retry-After={RetryAfter}: {Text}";
}

/// <summary>Requests with Idempotency-Key headers exactly as given, and reading their answers whole.</summary>
public static class Keyed
{
    public static Task<Answer> SendAsync(HttpClient http, HttpMethod method, string path, object? body, string key) =>
        SendAsync(http, method, path, body, [key]);

    /// <param name="headers">Other headers of the request (an admin key, an order's key).</param>
    public static async Task<Answer> SendAsync(
        HttpClient http, HttpMethod method, string path, object? body, string[] keys, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, options: ApiClient.Json) };
        foreach (var key in keys)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, key), $"HttpClient would not send '{key}'.");
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }
        using var response = await http.SendAsync(request);
        return new Answer(
            response.StatusCode,
            await response.Content.ReadAsByteArrayAsync(),
            response.Content.Headers.ContentType?.ToString(),
            response.Headers.Location?.OriginalString,
            response.Headers.TryGetValues(IdempotencyKeys.ReplayedHeader, out var replayed) && replayed.SingleOrDefault() == "true",
            response.Headers.TryGetValues("Retry-After", out var retryAfter) ? string.Join(",", retryAfter) : null);
    }

    /// <summary>
    /// A POST written on the socket, with one Idempotency-Key header line per key: HttpClient folds several values of a
    /// header into one line, which the server reads as one value.
    /// </summary>
    public static async Task<Answer> SendRawAsync(Uri server, string path, object? body, string? adminKey, params string[] keys)
    {
        var content = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, ApiClient.Json);
        var head = new StringBuilder($"POST {path} HTTP/1.0\r\nHost: {server.Authority}\r\n");
        foreach (var key in keys)
        {
            head.Append($"{IdempotencyKeys.Header}: {key}\r\n");
        }
        if (adminKey is not null)
        {
            head.Append($"X-Admin-Key: {adminKey}\r\n");
        }
        head.Append($"Content-Type: application/json\r\nContent-Length: {content.Length}\r\n\r\n");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        await stream.WriteAsync(content);
        using var reply = new MemoryStream();
        // HTTP/1.0: the server closes the connection after the body, which ends the copy.
        await stream.CopyToAsync(reply).WaitAsync(TimeSpan.FromSeconds(30));
        var raw = reply.ToArray();
        var split = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        Assert.True(split > 0, $"No HTTP answer: {Encoding.ASCII.GetString(raw)}");
        var lines = Encoding.ASCII.GetString(raw, 0, split).Split("\r\n");
        string? Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault();
        return new Answer(
            (HttpStatusCode)int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture),
            raw[(split + 4)..],
            Header("Content-Type"),
            Header("Location"),
            Header(IdempotencyKeys.ReplayedHeader) == "true",
            Header("Retry-After"));
    }
}

/// <summary>What the idempotency tests read in the database beyond <see cref="TestShopExtras"/>.</summary>
public static class IdempotencyDb
{
    public static async Task<IReadOnlyList<IdempotencyKey>> KeyRecordsAsync(this ApiFactory api, string key)
    {
        await using var db = await api.DbAsync();
        return await db.IdempotencyKeys.AsNoTracking().Where(k => k.Key == key).ToListAsync();
    }

    public static async Task<IReadOnlyList<Guid>> OrderIdsAsync(this ApiFactory api)
    {
        await using var db = await api.DbAsync();
        return await db.Orders.AsNoTracking().Select(o => o.Id).ToListAsync();
    }
}
