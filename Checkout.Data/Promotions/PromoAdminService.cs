using Checkout.Data.Common;
using Checkout.Data.HotStock;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Promotions;

public sealed record PromoView(
    string Code, PromoKind Kind, long Value, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, int? UsageLimit, int Used,
    int? PerCustomerLimit, long MinSubtotalMinor, string? ScopeSku, string? ScopeCategory, bool Enabled);

/// <summary>Store admins create, change and disable promo codes.</summary>
public sealed class PromoAdminService(IDbContextFactory<CheckoutDbContext> dbFactory, RedisCounters counters)
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
    public async Task<Result<PromoView>> CreateAsync(PromoTerms terms, Guid? requestId = null, CancellationToken ct = default)
    {
        if (terms.Validate() is { } error)
        {
            return error;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var promo = new PromoCode(terms, requestId);
        db.PromoCodes.Add(promo);
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

    public Task<Result<PromoView>> UpdateAsync(string code, PromoTerms terms, CancellationToken ct = default) =>
        ChangeAsync(code, promo => promo.Update(terms with { Code = promo.Code }), ct);

    public Task<Result<PromoView>> DisableAsync(string code, CancellationToken ct = default) =>
        ChangeAsync(code, promo =>
        {
            promo.Disable();
            return null;
        }, ct);

    /// <summary>Loads the code, applies <paramref name="change"/> (an error refuses it and saves nothing) and saves.</summary>
    private async Task<Result<PromoView>> ChangeAsync(string code, Func<PromoCode, Error?> change, CancellationToken ct)
    {
        if (InputRules.PromoCode(code) is { } codeError)
        {
            return codeError;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalized = InputRules.NormalizeCode(code);
        var promo = await db.PromoCodes.FirstOrDefaultAsync(p => p.Code == normalized, ct);
        if (promo is null)
        {
            return Error.NotFound($"The code {normalized}");
        }
        if (change(promo) is { } error)
        {
            return error;
        }
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
