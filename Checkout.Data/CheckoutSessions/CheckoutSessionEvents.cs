using Checkout.Data.Inventory;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.CheckoutSessions;

public sealed record HoldExtended(Guid CheckoutSessionId, DateTimeOffset ExpiresAt) : CheckoutEvent;

/// <summary>The session's holds were given back: it expired, was cancelled, or its payment failed.</summary>
public sealed record HoldReleased(Guid CheckoutSessionId, CheckoutSessionStatus Status) : CheckoutEvent;

public static class CheckoutSessionEvents
{
    /// <summary>Tells the session's pages that its holds are gone, and catalog pages that the units are back.</summary>
    public static async Task PublishReleasedAsync(this CheckoutEvents events, Guid checkoutSessionId, CheckoutSessionStatus status, CancellationToken ct = default)
    {
        await events.PublishAsync(new HoldReleased(checkoutSessionId, status));
        await using var db = await events.DbFactory.CreateDbContextAsync(ct);
        var skus = await db.CheckoutSessions.AsNoTracking().Where(s => s.Id == checkoutSessionId)
            .SelectMany(s => s.Lines).Select(l => l.Sku).ToListAsync(ct);
        await events.PublishStockAsync(skus, ct);
    }
}
