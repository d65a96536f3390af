using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Checkout.Tests.Builders;
using Checkout.Web.Orders;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Tests.Api;

/// <summary>Two shoppers, each with a confirmed order placed through the API and the key it came with.</summary>
public sealed class OrderKeyShop : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();
    public ApiClient Owner { get; private set; } = null!;
    public ApiClient Other { get; private set; } = null!;
    public PlacedDto Order { get; private set; } = null!;
    public PlacedDto OthersOrder { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Owner = Api.Shopper();
        Other = Api.Shopper();
        Order = await Owner.ConfirmedOrderAsync(("GEAR-MUG", 1));
        OthersOrder = await Other.ConfirmedOrderAsync(("TEA-SENCHA", 1));
    }

    public async Task DisposeAsync()
    {
        Owner.Dispose();
        Other.Dispose();
        await Api.DisposeAsync();
    }
}

/// <summary>
/// The shopper's order routes open only to the order's key: without it, with a wrong one or another order's, the
/// answer is the 404 of an unknown order and nothing changes.
/// </summary>
public class OrderKeyTests(OrderKeyShop shop) : IClassFixture<OrderKeyShop>
{
    public static TheoryData<string?, string> Refused
    {
        get
        {
            var data = new TheoryData<string?, string>();
            foreach (var action in new string?[] { null, "cancel", "return" })
            {
                foreach (var key in new[] { "missing", "empty", "made up", "another order's", "tampered", "cut short", "from another key ring" })
                {
                    data.Add(action, key);
                }
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task OrderRequest_WithoutTheOrdersKey_IsTheUnknownOrder404AndChangesNothing(string? action, string keyKind)
    {
        var because = $"{action ?? "read"} with a {keyKind} key";
        var key = KeyOf(keyKind);
        var before = await shop.Api.SnapshotAsync();

        var response = await shop.Owner.SendOrderAsync(shop.Order.OrderId, action, key);

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.NotFound, "not-found");
        // The shop's answer for an order that does not exist, asked with a key the shop made for it: the same words.
        var unknownId = Guid.NewGuid();
        var unknown = await ProblemAssert.IsAsync(
            await shop.Owner.SendOrderAsync(unknownId, action, shop.Api.Services.GetRequiredService<OrderLinks>().Issue(unknownId)), HttpStatusCode.NotFound, "not-found");
        Assert.Equal(Answer(unknown), Answer(problem));
        await shop.Api.AssertUnchangedAsync(before, because);
    }

    [Fact]
    public async Task Read_WithTheOrdersKey_ShowsTheOrder()
    {
        var order = await ApiClient.ReadAsync<OrderDto>(await shop.Owner.SendOrderAsync(shop.Order.OrderId, null, shop.Order.OrderKey), HttpStatusCode.OK);

        Assert.Equal((shop.Order.OrderId, shop.Order.OrderNumber, "CONFIRMED"), (order.OrderId, order.OrderNumber, order.Status));
    }

    [Fact]
    public async Task Return_WithTheOrdersKey_ReachesTheStateMachine()
    {
        var before = await shop.Api.SnapshotAsync();

        // The key lets the request through; the order is not delivered yet, so the state machine says no.
        var response = await shop.Owner.SendOrderAsync(shop.Order.OrderId, "return", shop.Order.OrderKey);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "illegal-transition");
        await shop.Api.AssertUnchangedAsync(before, "Return before delivery");
    }

    [Fact]
    public async Task OpenApiDocument_AsksForTheKeyHeaderOnEveryRouteOfAnOrder()
    {
        var document = JsonSerializer.Deserialize<JsonElement>(await (await shop.Owner.GetAsync("/openapi/v1.json")).Content.ReadAsStringAsync());

        // Finding one's orders (lookup, mine) comes before any key: those routes are no order's.
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/api/orders/{orderId}", StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Name: $"{operation.Name} {path.Name}", Operation: operation.Value)))
            .ToList();

        Assert.Equal(["get /api/orders/{orderId}", "post /api/orders/{orderId}/cancel", "post /api/orders/{orderId}/return"], operations.Select(o => o.Name).Order());
        Assert.All(operations, o =>
        {
            Assert.Contains(o.Operation.GetProperty("parameters").EnumerateArray(),
                p => p.GetProperty("name").GetString() == ApiClient.OrderKeyHeader && p.GetProperty("in").GetString() == "header");
            Assert.Contains(ApiClient.OrderKeyHeader, o.Operation.GetProperty("description").GetString(), StringComparison.Ordinal);
        });
    }

    private string? KeyOf(string kind) => kind switch
    {
        "missing" => null,
        "empty" => "",
        "made up" => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(shop.Order.OrderKey.Length * 3 / 4)),
        "another order's" => shop.OthersOrder.OrderKey,
        "tampered" => Tampered(shop.Order.OrderKey),
        "cut short" => shop.Order.OrderKey[..^4],
        // The right order id, protected for the same purpose, but by a key ring other than the shop's.
        "from another key ring" => Base64Url.EncodeToString(
            new EphemeralDataProtectionProvider().CreateProtector(OrderLinks.Purpose).Protect(shop.Order.OrderId.ToByteArray())),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The key with one bit flipped in the middle of its bytes (not in the encoding's spare bits).</summary>
    private static string Tampered(string key)
    {
        var bytes = Base64Url.DecodeFromChars(key);
        bytes[bytes.Length / 2] ^= 0x01;
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>What a client reads from the problem: everything but the trace id, which differs per request.</summary>
    private static string Answer(JsonElement problem) =>
        string.Join('\n', problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"));
}
