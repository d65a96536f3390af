using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Payments;

/// <summary>Writes of a payment's status without loading it, each a compare-and-set; the tracked entity's own methods do the rest.</summary>
internal static class PaymentLedger
{
    /// <summary>Authorized → Captured for a capture the gateway reports done; false when the payment was not authorized (any more).</summary>
    public static async Task<bool> RecordCaptureAsync(CheckoutDbContext db, Guid orderId, DateTimeOffset now, CancellationToken ct)
    {
        PaymentTransitions.Table.Require(PaymentStatus.Captured, PaymentStatus.Authorized);
        return await db.Payments
            .Where(p => p.OrderId == orderId && p.Status == PaymentStatus.Authorized)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, PaymentStatus.Captured)
                .SetProperty(p => p.CapturedMinor, p => p.AmountMinor)
                .SetProperty(p => p.UpdatedAt, now), ct) == 1;
    }
}
