using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.HotStock;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Promotions;

public sealed record PromoView(
    string Code, PromoKind Kind, long Value, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? UsageLimit, int Used,
    int? PerCustomerLimit, long MinSubtotalMinor, string? ScopeSku, string? ScopeCategory, bool Enabled);

/// <summary>Store admins create, change and disable promo codes; each change is recorded in the audit log in its own transaction.</summary>
public sealed class PromoAdminService(IDbContextFactory<CheckoutDbContext> dbFactory, RedisCounters counters, TimeProvider clock)
{
    public async Task<IReadOnlyList<PromoView>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var promos = await db.PromoCodes.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct);
        return [.. promos.Select(ToView)];
    }

    /// <param name="requestId">
    /// Names the request: the same request run again (resumed after a crash) finds the code it created and answers with
    /// it; any other request for an existing code is refused.
    /// </param>
    /// <param name="actor">The admin who creates it, for the audit log (<c>promo.created</c>).</param>
    public async Task<Result<PromoView>> CreateAsync(PromoTerms terms, string actor, Guid? requestId = null, CancellationToken ct = default)
    {
        if ((terms.Validate() ?? AuditLog.CheckActor(actor)) is { } error)
        {
            return error;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var promo = new PromoCode(terms, requestId);
        db.PromoCodes.Add(promo);
        AuditLog.Record(db, actor, "promo.created", AuditSubject.Promo(promo.Code), before: null, ToView(promo), clock.GetUtcNow(), requestId);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            var existing = requestId is null ? null
                : await db.PromoCodes.AsNoTracking().FirstOrDefaultAsync(p => p.Code == promo.Code && p.RequestId == requestId, ct);
            return existing is null ? new Error(ErrorCodes.Conflict, $"The code {promo.Code} already exists.") : ToView(existing);
        }
        return ToView(promo);
    }

    /// <summary>Replaces the code's terms; recorded as <c>promo.updated</c> by <paramref name="actor"/>.</summary>
    public Task<Result<PromoView>> UpdateAsync(string code, PromoTerms terms, string actor, CancellationToken ct = default) =>
        ChangeAsync(code, actor, "promo.updated", promo => promo.Update(terms with { Code = promo.Code }), ct);

    /// <summary>Stops the code from applying; recorded as <c>promo.disabled</c> by <paramref name="actor"/>.</summary>
    public Task<Result<PromoView>> DisableAsync(string code, string actor, CancellationToken ct = default) =>
        ChangeAsync(code, actor, "promo.disabled", promo =>
        {
            promo.Disable();
            return null;
        }, ct);

    /// <summary>
    /// Loads the code, applies <paramref name="change"/> (an error refuses it and saves nothing) and saves it with its
    /// audit entry, the code's terms before and after.
    /// </summary>
    private async Task<Result<PromoView>> ChangeAsync(string code, string actor, string action, Func<PromoCode, Error?> change, CancellationToken ct)
    {
        if ((InputRules.PromoCode(code) ?? AuditLog.CheckActor(actor)) is { } inputError)
        {
            return inputError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = InputRules.NormalizeCode(code);
        var promo = await db.PromoCodes.FirstOrDefaultAsync(p => p.Code == normalized, ct);
        if (promo is null)
        {
            return Error.NotFound($"The code {normalized}");
        }
        var before = ToView(promo);
        if (change(promo) is { } error)
        {
            return error;
        }
        AuditLog.Record(db, actor, action, AuditSubject.Promo(promo.Code), before, ToView(promo), clock.GetUtcNow());
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        if (counters.Enabled)
        {
            // A new limit (or none, or a disabled code) is counted from now on, under the row this transaction holds.
            await HotStockReconciler.SeedPromoAsync(db, counters, promo.Code, ct);
        }
        await tx.CommitAsync(ct);
        return ToView(promo);
    }

    /// <summary>Uses taken per UTC day (given-back uses excluded), oldest first.</summary>
    public async Task<IReadOnlyList<(DateOnly Day, int Uses)>> UsageByDayAsync(string code, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = InputRules.NormalizeCode(code);
        var taken = await db.PromoRedemptions.AsNoTracking()
            .Where(r => r.Code == normalized && r.Status != RedemptionStatus.Released).Select(r => r.CreatedAt).ToListAsync(ct);
        return [.. taken.GroupBy(t => DateOnly.FromDateTime(t.UtcDateTime)).OrderBy(g => g.Key).Select(g => (g.Key, g.Count()))];
    }

    private static PromoView ToView(PromoCode p) => new(
        p.Code, p.Kind, p.Value, p.StartsAt, p.EndsAt, p.UsageLimit, p.Used, p.PerCustomerLimit, p.MinSubtotalMinor,
        p.ScopeSku, p.ScopeCategory, p.Enabled);
}
