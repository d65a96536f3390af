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
        return await db.ExpectAsync(
            """UPDATE "payments" SET "Status" = {2}, "CapturedMinor" = "AmountMinor", "UpdatedAt" = {3} WHERE "OrderId" = {0} AND "Status" = {1}""",
            1, ct, Column(nameof(Payment.OrderId), orderId), Column(nameof(Payment.Status), PaymentStatus.Authorized),
            Column(nameof(Payment.Status), PaymentStatus.Captured), Column(nameof(Payment.UpdatedAt), now));
    }

    /// <summary>Captured → Refunded in full for a refund the gateway reports done; false when it was recorded already.</summary>
    public static async Task<bool> RecordRefundAsync(CheckoutDbContext db, Guid orderId, DateTimeOffset now, CancellationToken ct)
    {
        PaymentTransitions.Table.Require(PaymentStatus.Refunded, PaymentStatus.Captured);
        return await db.ExpectAsync(
            """UPDATE "payments" SET "Status" = {2}, "RefundedMinor" = "CapturedMinor", "UpdatedAt" = {3} WHERE "OrderId" = {0} AND "Status" = {1}""",
            1, ct, Column(nameof(Payment.OrderId), orderId), Column(nameof(Payment.Status), PaymentStatus.Captured),
            Column(nameof(Payment.Status), PaymentStatus.Refunded), Column(nameof(Payment.UpdatedAt), now));
    }

    /// <summary>Records the gateway's authorization of an order's payment.</summary>
    public static Task AuthorizedAsync(CheckoutDbContext db, Payment payment, CancellationToken ct) => db.InsertAsync(payment, ct);

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<Payment>(property, value);
}
