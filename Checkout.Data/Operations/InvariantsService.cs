using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Payments.Simulator;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Operations;

/// <param name="Offenders">Keys of the offending rows (SKUs, session ids, codes…), at most a page of them.</param>
public sealed record InvariantCheck(string Name, string Description, int Violations, IReadOnlyList<string> Offenders)
{
    public bool Holds => Violations == 0;
}

/// <summary>
/// The checkout's invariants, each one query over the database and expected to be zero. Operators watch them; the
/// last-unit drill and the race tests assert them.
/// </summary>
public sealed class InvariantsService(
    IDbContextFactory<CheckoutDbContext> dbFactory, SimulatorLedger gateway, TimeProvider clock, IOptions<CheckoutOptions> options)
{
    private const int MaxOffenders = 20;

    /// <summary>Authorizations checked against the shop per query.</summary>
    private const int AuthorizationsPerQuery = 200;

    /// <summary>An authorization older than this with no order is a leak the recovery should have voided.</summary>
    public static readonly TimeSpan RecoveryWindow = TimeSpan.FromMinutes(30);

    public async Task<IReadOnlyList<InvariantCheck>> CheckAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var staleHold = now - options.Value.SweepInterval;
        var staleAuthorization = now - RecoveryWindow;

        return
        [
            await CheckAsync("oversold", "Units sold or held beyond stock: quantity < 0, or available + reserved + sold ≠ stocked.",
                db.Inventory.Where(i => i.Quantity < 0 || i.Reserved < 0 || i.Quantity + i.Reserved + i.Sold != i.Stocked).Select(i => i.Sku), ct),
            await CheckAsync("orders-per-session", "Checkout sessions with more than one order.",
                db.Orders.GroupBy(o => o.CheckoutSessionId).Where(g => g.Count() > 1).Select(g => g.Key), ct),
            await OrphanAuthorizationsAsync(db, staleAuthorization, ct),
            await CheckAsync("promo-over-limit", "Promo codes used more often than their limit.",
                db.PromoCodes.Where(p => p.UsageLimit != null && (p.Used > p.UsageLimit
                    || db.PromoRedemptions.Count(r => r.Code == p.Code && r.Status != RedemptionStatus.Released) > p.UsageLimit)).Select(p => p.Code), ct),
            await CheckAsync("stale-holds", "Active holds past their expiry by more than one sweep interval.",
                db.Holds.Where(h => h.Status == HoldStatus.Active && h.ExpiresAt < staleHold).Select(h => h.Id), ct),
            await IllegalTransitionsAsync(db, ct),
        ];
    }

    /// <summary>
    /// The gateway's ledger is a store of its own, so no query joins it to the shop's tables: its stale approved
    /// authorizations are read page by page, and for each batch the shop tells which became an order's payment
    /// (through the order of the checkout session whose id is the authorization's idempotency key, an indexed
    /// search) and the ledger which of the rest were voided.
    /// </summary>
    private async Task<InvariantCheck> OrphanAuthorizationsAsync(CheckoutDbContext db, DateTimeOffset staleBefore, CancellationToken ct)
    {
        var violations = 0;
        var offenders = new SortedSet<string>(StringComparer.Ordinal);
        var stale = gateway.ListAsync(GatewayOperationKind.Authorize, ct)
            .Where(a => a.Outcome == GatewayOutcome.Approved && a.CreatedAt < staleBefore);
        await foreach (var batch in stale.Chunk(AuthorizationsPerQuery).WithCancellation(ct))
        {
            var sessionIds = batch.Select(a => Guid.TryParse(a.IdempotencyKey, out var id) ? id : (Guid?)null).OfType<Guid>().ToList();
            var paid = await db.Orders.Where(o => sessionIds.Contains(o.CheckoutSessionId))
                .Join(db.Payments, o => o.Id, p => p.OrderId, (o, p) => p.AuthorizationId)
                .ToListAsync(ct);
            var unpaid = batch.Select(a => a.TransactionId).Except(paid).ToList();
            var voided = (await gateway.WithFollowUpsAsync(unpaid, ct))
                .Where(v => v.Kind == GatewayOperationKind.Void && v.Outcome == GatewayOutcome.Approved)
                .Select(v => v.ParentTransactionId!);
            foreach (var orphan in unpaid.Except(voided))
            {
                violations++;
                offenders.Add(orphan);
                if (offenders.Count > MaxOffenders)
                {
                    offenders.Remove(offenders.Max!);
                }
            }
        }
        return new InvariantCheck("orphan-authorizations",
            $"Approved authorizations older than {RecoveryWindow.TotalMinutes:0} min with no order payment and no void.", violations, [.. offenders]);
    }

    /// <summary>The distinct (from, to) pairs in the history are few; the table judges them, then the offending orders are listed.</summary>
    private static async Task<InvariantCheck> IllegalTransitionsAsync(CheckoutDbContext db, CancellationToken ct)
    {
        var pairs = await db.OrderStatusChanges.Where(h => h.From != null)
            .GroupBy(h => new { h.From, h.To }).Select(g => new { From = g.Key.From!.Value, g.Key.To, Count = g.Count() })
            .ToListAsync(ct);
        var illegal = pairs.Where(p => !OrderTransitions.IsAllowed(p.From, p.To)).ToList();
        var offenders = new List<Guid>();
        foreach (var pair in illegal.Take(MaxOffenders))
        {
            offenders.AddRange(await db.OrderStatusChanges
                .Where(h => h.From == pair.From && h.To == pair.To).OrderBy(h => h.Id).Select(h => h.OrderId).Take(MaxOffenders).ToListAsync(ct));
        }
        return new InvariantCheck("illegal-transitions", "History rows whose from → to is not in the transition table.",
            illegal.Sum(p => p.Count), [.. offenders.Distinct().Take(MaxOffenders).Select(id => id.ToString())]);
    }

    private static async Task<InvariantCheck> CheckAsync<TKey>(string name, string description, IQueryable<TKey> offenders, CancellationToken ct)
    {
        var count = await offenders.CountAsync(ct);
        var sample = count == 0 ? [] : await offenders.OrderBy(key => key).Take(MaxOffenders).ToListAsync(ct);
        return new InvariantCheck(name, description, count, [.. sample.Select(key => key!.ToString()!)]);
    }
}
