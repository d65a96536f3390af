using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Persistence;
using Checkout.Data.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Operations;

public sealed record HourBucket(DateTimeOffset Hour, int Orders, long RevenueMinor);

public sealed record HoldOutcomes(int Converted, int Expired, int Released);

/// <param name="OversellRejectedSinceStart">Counted in this instance's memory (see <see cref="CheckoutMetrics"/>).</param>
public sealed record DashboardView(
    int OrdersToday, long RevenueTodayMinor, int CheckoutsStartedToday, int CheckoutsCompletedToday, int HoldsActive,
    int HoldsExpiredToday, int PaymentDeclinesToday, long OversellRejectedSinceStart, IReadOnlyList<HourBucket> LastDay,
    HoldOutcomes HoldOutcomesToday)
{
    /// <summary>Completed / started today, 0 when nothing started.</summary>
    public double Conversion => CheckoutsStartedToday == 0 ? 0 : (double)CheckoutsCompletedToday / CheckoutsStartedToday;
}

/// <summary>The admin dashboard's figures; "today" is the UTC day.</summary>
public sealed class DashboardService(IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CheckoutMetrics metrics)
{
    private static readonly OrderStatus[] Paid =
        [OrderStatus.Confirmed, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.ReturnInitiated, OrderStatus.Returned];

    public async Task<DashboardView> GetAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ordersToday = db.Orders.Where(o => o.CreatedAt >= today && Paid.Contains(o.Status));
        var expiredSessions = db.CheckoutSessions.Where(s => s.Status == CheckoutSessionStatus.Expired).Select(s => s.Id);
        var closedToday = db.Holds.Where(h => h.ClosedAt >= today);

        var lastDay = new List<HourBucket>();
        var firstHour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddHours(-23);
        for (var hour = firstHour; hour <= now; hour = hour.AddHours(1))
        {
            var end = hour.AddHours(1);
            var bucket = await db.Orders.Where(o => o.CreatedAt >= hour && o.CreatedAt < end && Paid.Contains(o.Status))
                .GroupBy(_ => 1).Select(g => new { Count = g.Count(), Sum = g.Sum(o => o.TotalMinor) }).FirstOrDefaultAsync(ct);
            lastDay.Add(new HourBucket(hour, bucket?.Count ?? 0, bucket?.Sum ?? 0));
        }

        var outcomes = new HoldOutcomes(
            Converted: await closedToday.CountAsync(h => h.Status == HoldStatus.Converted, ct),
            Expired: await closedToday.CountAsync(h => h.Status == HoldStatus.Released && h.CheckoutSessionId != null && expiredSessions.Contains(h.CheckoutSessionId.Value), ct),
            Released: await closedToday.CountAsync(h => h.Status == HoldStatus.Released && !(h.CheckoutSessionId != null && expiredSessions.Contains(h.CheckoutSessionId.Value)), ct));
        return new DashboardView(
            OrdersToday: await ordersToday.CountAsync(ct),
            RevenueTodayMinor: await ordersToday.SumAsync(o => o.TotalMinor, ct),
            CheckoutsStartedToday: await db.CheckoutSessions.CountAsync(s => s.CreatedAt >= today, ct),
            CheckoutsCompletedToday: await db.CheckoutSessions.CountAsync(s => s.CreatedAt >= today && s.Status == CheckoutSessionStatus.Completed, ct),
            HoldsActive: await db.Holds.CountAsync(h => h.Status == HoldStatus.Active, ct),
            HoldsExpiredToday: outcomes.Expired,
            PaymentDeclinesToday: await db.OrderStatusChanges.CountAsync(h => h.At >= today && h.To == OrderStatus.PaymentFailed, ct),
            OversellRejectedSinceStart: metrics.OversellRejectedTotal,
            LastDay: lastDay,
            HoldOutcomesToday: outcomes);
    }
}
