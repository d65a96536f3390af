using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Inventory;

public sealed record StockView(string Sku, int Available, int Reserved, int Sold);

public sealed record ActiveHoldView(Guid HoldId, HoldOwner Owner, string Sku, int Quantity, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, bool Extended);

/// <summary>Restocks and manual adjustments of available stock, each audited with who and why (and in the audit log).</summary>
public sealed class InventoryAdminService(
    IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CheckoutEvents events, IWaitingDemand waiting)
{
    public const int MaxAdjustment = 100_000;

    /// <summary>The reason of the audit row that opens a new product's stock.</summary>
    public const string OpeningReason = "Opening stock of a new product";

    public async Task<IReadOnlyList<StockView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Inventory.AsNoTracking().OrderBy(i => i.Sku)
            .Select(i => new StockView(i.Sku, i.Quantity, i.Reserved, i.Sold)).ToListAsync(ct);
    }

    /// <summary>Holds that are active right now, soonest to expire first (waitlist offers included: their owner is the entry).</summary>
    public async Task<IReadOnlyList<ActiveHoldView>> ActiveHoldsAsync(int max = 200, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Holds.AsNoTracking().Where(h => h.Status == HoldStatus.Active).OrderBy(h => h.ExpiresAt).ThenBy(h => h.Id).Take(max)
            .Select(h => new ActiveHoldView(
                h.Id, h.CheckoutSessionId != null ? HoldOwner.Checkout(h.CheckoutSessionId.Value) : HoldOwner.WaitlistOffer(h.WaitlistEntryId!.Value), h.Sku, h.Quantity, h.CreatedAt, h.ExpiresAt, h.Extended)).ToListAsync(ct);
    }

    /// <summary>
    /// Adds (positive) or removes (negative) available units. Added units go to the SKU's waitlist first. Removing
    /// never takes stock below zero or touches held units. Recorded in the audit log as <c>stock.restocked</c> or
    /// <c>stock.adjusted</c>, with the units available before and after, in the adjustment's transaction.
    /// </summary>
    /// <param name="requestId">
    /// Names the request: an adjustment under the same id is made once, and a repeat answers with the stock as it is.
    /// </param>
    public async Task<Result<StockView>> AdjustAsync(string sku, int delta, string reason, string actor, Guid? requestId = null, CancellationToken ct = default)
    {
        if (InputRules.Sku(sku) is { } skuError)
        {
            return skuError;
        }
        if (delta == 0 || Math.Abs((long)delta) > MaxAdjustment)
        {
            return Error.Validation($"An adjustment is between 1 and {MaxAdjustment:N0} units, up or down.");
        }
        if (!InputRules.IsText(reason, 200, required: true))
        {
            return Error.Validation("An adjustment needs a reason (at most 200 printable characters).");
        }
        if (AuditLog.CheckActor(actor) is { } actorError)
        {
            return actorError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (requestId is not null && await db.InventoryAdjustments.AnyAsync(a => a.RequestId == requestId, ct))
        {
            return await StockOfAsync(db, sku, ct);
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Inventory
            .Where(i => i.Sku == sku && i.Quantity + delta >= 0)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Quantity, i => i.Quantity + delta).SetProperty(i => i.Stocked, i => i.Stocked + delta), ct);
        if (changed == 0)
        {
            await tx.RollbackAsync(ct);
            return await db.Inventory.AnyAsync(i => i.Sku == sku, ct)
                ? Error.Validation("Not that many units are available to remove.")
                : Error.NotFound($"The product {sku}");
        }
        db.AvailableMoved(sku, delta);
        var now = clock.GetUtcNow();
        db.Add(new InventoryAdjustment(sku, delta, reason.Trim(), actor, now, requestId));
        // Read under the row this transaction changed: nobody else moves its units before the commit.
        var available = await db.Inventory.AsNoTracking().Where(i => i.Sku == sku).Select(i => i.Quantity).SingleAsync(ct);
        AuditLog.Record(
            db, actor, delta > 0 ? "stock.restocked" : "stock.adjusted", AuditSubject.Stock(sku), new { Available = available - delta },
            new { Available = available, Delta = delta, Reason = reason.Trim() }, now, requestId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (requestId is not null && DbErrors.IsUniqueViolation(e))
        {
            // The same request, run twice at once: the other run made the adjustment.
            await tx.RollbackAsync(ct);
            return await StockOfAsync(db, sku, ct);
        }
        // Restocked units go to the shoppers waiting for them first: those are reserved for their offers at once.
        if (delta > 0 && await waiting.TakeAsync(db, sku, delta, now, ct) is var offered and > 0
            && !await StockLedger.TryReserveAsync(db, sku, offered, ct))
        {
            throw new InvalidOperationException($"The {offered} restocked units of {sku} offered to the waitlist could not be reserved.");
        }
        await tx.CommitAsync(ct);
        await events.PublishRaisedAsync(db);
        await events.PublishStockAsync([sku], ct);
        return await StockOfAsync(db, sku, ct);
    }

    /// <summary>
    /// Opens the stock of a product added on <paramref name="db"/> in the caller's transaction (saved with it): its row
    /// with <paramref name="quantity"/> units on sale, and the audit row of who put them there, written even for none
    /// (it records who opened the product's stock). A new SKU has nobody waiting for it.
    /// </summary>
    /// <param name="requestId">The request that adds the product: <see cref="OpenedByAsync"/> finds it again.</param>
    public static void OpenStock(CheckoutDbContext db, string sku, int quantity, string actor, DateTimeOffset now, Guid? requestId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quantity, MaxAdjustment);
        db.Inventory.Add(new InventoryItem(sku, quantity));
        db.InventoryAdjustments.Add(new InventoryAdjustment(sku, quantity, OpeningReason, actor, now, requestId));
        if (quantity > 0)
        {
            db.AvailableMoved(sku, quantity);
        }
    }

    /// <summary>Whether the stock of <paramref name="sku"/> was opened by the request <paramref name="requestId"/>.</summary>
    public static Task<bool> OpenedByAsync(CheckoutDbContext db, string sku, Guid requestId, CancellationToken ct) =>
        db.InventoryAdjustments.AnyAsync(a => a.Sku == sku && a.RequestId == requestId && a.Reason == OpeningReason, ct);

    private static async Task<Result<StockView>> StockOfAsync(CheckoutDbContext db, string sku, CancellationToken ct)
    {
        var item = await db.Inventory.AsNoTracking().SingleAsync(i => i.Sku == sku, ct);
        return new StockView(item.Sku, item.Quantity, item.Reserved, item.Sold);
    }
}
