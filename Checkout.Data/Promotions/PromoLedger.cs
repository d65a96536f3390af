using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Promotions;

/// <summary>Takes, consumes and gives back promo uses with conditional updates, inside the caller's transaction.</summary>
internal static class PromoLedger
{
    /// <summary><c>UPDATE promo_codes SET used = used + 1 WHERE code = c AND (usage_limit IS NULL OR used &lt; usage_limit)</c>.</summary>
    public static async Task<bool> TryTakeAsync(CheckoutDbContext db, string code, CancellationToken ct) =>
        await db.PromoCodes
            .Where(p => p.Code == code && p.Enabled && (p.UsageLimit == null || p.Used < p.UsageLimit))
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Used, p => p.Used + 1), ct) == 1;

    public static Task<int> CustomerUsesAsync(CheckoutDbContext db, string code, string email, CancellationToken ct) =>
        db.PromoRedemptions.CountAsync(r => r.Code == code && r.Email == email && r.Status != RedemptionStatus.Released, ct);

    public static Task<int> ConsumeAsync(CheckoutDbContext db, Guid sessionId, CancellationToken ct) =>
        db.PromoRedemptions
            .Where(r => r.CheckoutSessionId == sessionId && r.Status == RedemptionStatus.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RedemptionStatus.Consumed), ct);

    /// <summary>Gives back the session's reserved use, once.</summary>
    public static async Task ReleaseAsync(CheckoutDbContext db, Guid sessionId, CancellationToken ct)
    {
        var code = await db.PromoRedemptions
            .Where(r => r.CheckoutSessionId == sessionId && r.Status == RedemptionStatus.Reserved)
            .Select(r => r.Code)
            .FirstOrDefaultAsync(ct);
        if (code is null)
        {
            return;
        }
        var released = await db.PromoRedemptions
            .Where(r => r.CheckoutSessionId == sessionId && r.Status == RedemptionStatus.Reserved)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RedemptionStatus.Released), ct);
        if (released == 1)
        {
            await db.PromoCodes
                .Where(p => p.Code == code && p.Used > 0)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Used, p => p.Used - 1), ct);
        }
    }
}
