using System.Diagnostics;
using System.Security.Cryptography;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Payments.Simulator;
using Checkout.Data.Persistence;
using Checkout.Data.Shipping;
using Checkout.Data.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Operations;

public sealed record DrillResult(
    string Sku, int Units, int Buyers, int Orders, int OutOfStock, int OtherFailures, IReadOnlyList<InvariantCheck> Invariants, TimeSpan Elapsed)
{
    /// <summary>Every unit sold exactly once and every invariant at zero.</summary>
    public bool Passed => Orders == Units && Invariants.All(i => i.Holds);
}

/// <summary>
/// Sells the last units of a scratch SKU to many concurrent buyers through the real services, checks the
/// invariants, then removes every row it made.
/// </summary>
public sealed class LastUnitDrill(
    IDbContextFactory<CheckoutDbContext> dbFactory, CartService carts, CheckoutService checkouts, PlaceOrderService placeOrders,
    InvariantsService invariants, SimulatorLedger gateway)
{
    public const int MaxUnits = 100;
    public const int MaxBuyers = 200;
    private static readonly CardDetails DrillCard = new(SimulatedPaymentGateway.ApprovedCard, "12/99", "123");

    /// <summary>Where the drill's orders would go: a delivery address is part of every order.</summary>
    private static readonly ShippingAddressInput DrillAddress = new("Drill buyer", "1 Test Street", null, "Portland", "OR", "97201", "US", null);

    public async Task<Result<DrillResult>> RunAsync(int units = 1, int buyers = 50, CancellationToken ct = default)
    {
        if (units is < 1 or > MaxUnits || buyers is < 2 or > MaxBuyers || buyers < units)
        {
            return Error.Validation($"A drill sells 1–{MaxUnits} units to 2–{MaxBuyers} buyers, at least as many buyers as units.");
        }
        var sku = "DRILL-" + RandomNumberGenerator.GetHexString(8);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Products.Add(new Product(sku, "Last-unit drill", "Drill", "🧪", 100));
            db.Inventory.Add(new InventoryItem(sku, units));
            await db.SaveChangesAsync(ct);
        }
        var cartIds = new List<Guid>();
        using var quiet = CheckoutMetrics.Suppress();
        try
        {
            for (var i = 0; i < buyers; i++)
            {
                var cartId = await carts.CreateAsync(ct: ct);
                cartIds.Add(cartId);
                await carts.SetQuantityAsync(cartId, sku, 1, ct);
            }
            var started = Stopwatch.StartNew();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var outcomes = cartIds.Select((cartId, i) => Task.Run(async () =>
            {
                await go.Task;
                var checkout = await checkouts.StartAsync(new StartCheckout(cartId, $"drill{i}@example.invalid", $"Drill buyer {i}", ShippingAddress: DrillAddress), ct);
                if (!checkout.IsSuccess)
                {
                    return checkout.Error.Code;
                }
                var placed = await placeOrders.PlaceAsync(checkout.Value.CheckoutSessionId, DrillCard, ct);
                return placed.IsSuccess ? "ordered" : placed.Error.Code;
            }, ct)).ToList();
            go.SetResult();
            var results = await Task.WhenAll(outcomes);
            var elapsed = started.Elapsed;
            return new DrillResult(
                sku, units, buyers, results.Count(r => r == "ordered"), results.Count(r => r == ErrorCodes.OutOfStock),
                results.Count(r => r != "ordered" && r != ErrorCodes.OutOfStock), await invariants.CheckAsync(ct), elapsed);
        }
        finally
        {
            await RemoveAsync(sku, cartIds, CancellationToken.None);
        }
    }

    private async Task RemoveAsync(string sku, List<Guid> cartIds, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sessionIds = await db.Holds.Where(h => h.Sku == sku && h.CheckoutSessionId != null).Select(h => h.CheckoutSessionId!.Value).Distinct().ToListAsync(ct);
        var orderIds = await db.Orders.Where(o => sessionIds.Contains(o.CheckoutSessionId)).Select(o => o.Id).ToListAsync(ct);

        // An authorization's idempotency key is its checkout session's id; its captures, voids and refunds go with it.
        await gateway.ForgetAuthorizationsAsync(sessionIds.Select(id => id.ToString()), ct);
        await db.ShipmentRequests.Where(s => orderIds.Contains(s.OrderId)).ExecuteDeleteAsync(ct);
        await db.OutboxMessages.Where(m => orderIds.Contains(m.AggregateId)).ExecuteDeleteAsync(ct);
        await db.Payments.Where(p => orderIds.Contains(p.OrderId)).ExecuteDeleteAsync(ct);
        await db.OrderStatusChanges.Where(h => orderIds.Contains(h.OrderId)).ExecuteDeleteAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM order_lines WHERE \"Sku\" = {sku}", ct);
        await db.Orders.Where(o => orderIds.Contains(o.Id)).ExecuteDeleteAsync(ct);
        await db.Holds.Where(h => h.Sku == sku).ExecuteDeleteAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM checkout_session_lines WHERE \"Sku\" = {sku}", ct);
        await db.CheckoutSessions.Where(s => sessionIds.Contains(s.Id)).ExecuteDeleteAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM cart_lines WHERE \"Sku\" = {sku}", ct);
        await db.Carts.Where(c => cartIds.Contains(c.Id)).ExecuteDeleteAsync(ct);
        await db.Inventory.Where(i => i.Sku == sku).ExecuteDeleteAsync(ct);
        await db.Products.Where(p => p.Sku == sku).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
    }
}
