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

    /// <summary>
    /// Takes <paramref name="amountMinor"/> of what is left of the capture for a refund about to be asked of the gateway:
    /// <c>UPDATE payments SET RefundPendingMinor = RefundPendingMinor + @a WHERE OrderId = @id AND Status = 'Captured'
    /// AND RefundedMinor + RefundPendingMinor + @a &lt;= CapturedMinor</c>. False when less than that is left (nothing changes):
    /// of refunds racing for the same money, only those that fit are taken.
    /// </summary>
    public static async Task<bool> TryTakeForRefundAsync(CheckoutDbContext db, Guid orderId, long amountMinor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountMinor);
        return await db.ExpectAsync(
            """
            UPDATE "payments" SET "RefundPendingMinor" = "RefundPendingMinor" + {2}, "UpdatedAt" = {3}
            WHERE "OrderId" = {0} AND "Status" = {1} AND "RefundedMinor" + "RefundPendingMinor" + {2} <= "CapturedMinor"
            """,
            1, ct, Column(nameof(Payment.OrderId), orderId), Column(nameof(Payment.Status), PaymentStatus.Captured),
            Column(nameof(Payment.RefundPendingMinor), amountMinor), Column(nameof(Payment.UpdatedAt), now));
    }

    /// <summary>
    /// A refund the gateway made: its amount moves from pending to refunded, and the payment becomes Refunded (Captured →
    /// Refunded) when that is all of the capture. False when the payment holds no such pending amount.
    /// </summary>
    public static async Task<bool> RecordRefundAsync(CheckoutDbContext db, Guid orderId, long amountMinor, DateTimeOffset now, CancellationToken ct)
    {
        PaymentTransitions.Table.Require(PaymentStatus.Refunded, PaymentStatus.Captured);
        // Every right-hand side reads the row as it was before the statement, so the CASE sees the old RefundedMinor.
        return await db.ExpectAsync(
            """
            UPDATE "payments" SET "RefundPendingMinor" = "RefundPendingMinor" - {2}, "RefundedMinor" = "RefundedMinor" + {2},
                "Status" = CASE WHEN "RefundedMinor" + {2} = "CapturedMinor" THEN {3} ELSE "Status" END, "UpdatedAt" = {4}
            WHERE "OrderId" = {0} AND "Status" = {1} AND "RefundPendingMinor" >= {2}
            """,
            1, ct, Column(nameof(Payment.OrderId), orderId), Column(nameof(Payment.Status), PaymentStatus.Captured),
            Column(nameof(Payment.RefundPendingMinor), amountMinor), Column(nameof(Payment.Status), PaymentStatus.Refunded),
            Column(nameof(Payment.UpdatedAt), now));
    }

    /// <summary>A refund the gateway refused: its amount goes back to what is left to refund. False when the payment holds no such pending amount.</summary>
    public static async Task<bool> ReleaseRefundAsync(CheckoutDbContext db, Guid orderId, long amountMinor, DateTimeOffset now, CancellationToken ct) =>
        await db.ExpectAsync(
            """
            UPDATE "payments" SET "RefundPendingMinor" = "RefundPendingMinor" - {1}, "UpdatedAt" = {2}
            WHERE "OrderId" = {0} AND "RefundPendingMinor" >= {1}
            """,
            1, ct, Column(nameof(Payment.OrderId), orderId), Column(nameof(Payment.RefundPendingMinor), amountMinor), Column(nameof(Payment.UpdatedAt), now));

    /// <summary>Records the gateway's authorization of an order's payment.</summary>
    public static Task AuthorizedAsync(CheckoutDbContext db, Payment payment, CancellationToken ct) => db.InsertAsync(payment, ct);

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<Payment>(property, value);
}
