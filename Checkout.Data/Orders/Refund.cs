using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Orders;

public enum RefundStatus
{
    /// <summary>Its amount is taken from the capture and the gateway is (being) asked; it has not answered yet.</summary>
    Pending,
    Succeeded,

    /// <summary>The gateway refused it: its amount and units went back to what is left to refund.</summary>
    Failed,
}

/// <summary>The one table of a refund's moves: the gateway's answer settles a pending refund once.</summary>
public static class RefundTransitions
{
    public static readonly TransitionTable<RefundStatus> Table = new(new()
    {
        [RefundStatus.Pending] = [RefundStatus.Succeeded, RefundStatus.Failed],
        [RefundStatus.Succeeded] = [],
        [RefundStatus.Failed] = [],
    });
}

/// <summary>
/// Money given back on a captured order, in part or the rest of it, by <see cref="RefundService"/> or by a cancellation
/// or return. Its id is the gateway's idempotency key, so asking again never pays twice. Its status moves only through
/// <see cref="RefundLedger"/>.
/// </summary>
public sealed class Refund
{
    public const int MaxReasonLength = 500;
    private readonly List<RefundLine> _lines = [];

    private Refund()
    {
    }

    /// <param name="lines">The lines it gives back, whose amounts make up <paramref name="amountMinor"/>; empty for a refund of an amount.</param>
    internal Refund(Guid id, Guid orderId, long amountMinor, IEnumerable<(string Sku, int Quantity, long AmountMinor)> lines, string reason, string actor, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountMinor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        Id = id;
        OrderId = orderId;
        AmountMinor = amountMinor;
        Reason = reason;
        Actor = actor;
        RequestedAt = now;
        Status = RefundStatus.Pending;
        _lines.AddRange(lines.Select(l => new RefundLine(id, l.Sku, l.Quantity, l.AmountMinor)));
        if (_lines.Count > 0 && _lines.Sum(l => l.AmountMinor) != amountMinor)
        {
            throw new ArgumentException("A refund of lines is the sum of its lines.", nameof(lines));
        }
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public long AmountMinor { get; private set; }
    public string Reason { get; private set; } = "";

    /// <summary>Who asked: the admin, or the shop's own step (a cancellation's or return's settlement).</summary>
    public string Actor { get; private set; } = "";
    public DateTimeOffset RequestedAt { get; private set; }
    public RefundStatus Status { get; private set; }

    /// <summary>The gateway's id of the refund it made; null until it made one.</summary>
    public string? GatewayRefundId { get; private set; }

    /// <summary>When the gateway's answer was recorded.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }
    public IReadOnlyList<RefundLine> Lines => _lines;

    /// <summary>The idempotency key of the gateway call that pays this refund back.</summary>
    public string GatewayKey => $"refund-{Id}";
}

/// <summary>Units of one order line that a refund gives back, and their money.</summary>
public sealed class RefundLine
{
    private RefundLine()
    {
    }

    internal RefundLine(Guid refundId, string sku, int quantity, long amountMinor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        ArgumentOutOfRangeException.ThrowIfNegative(amountMinor);
        RefundId = refundId;
        Sku = sku;
        Quantity = quantity;
        AmountMinor = amountMinor;
    }

    public Guid RefundId { get; private set; }
    public string Sku { get; private set; } = "";
    public int Quantity { get; private set; }
    public long AmountMinor { get; private set; }
}

/// <summary>The compare-and-set writes of a refund's status, checked against <see cref="RefundTransitions"/>.</summary>
internal static class RefundLedger
{
    /// <summary>Records the refund row and its lines, Pending.</summary>
    public static async Task OpenAsync(CheckoutDbContext db, Refund refund, CancellationToken ct)
    {
        await db.InsertAsync(refund, ct);
        await db.InsertAllAsync(refund.Lines, ct);
    }

    /// <summary>Pending → <paramref name="to"/> with the gateway's answer; false when another call recorded the answer first.</summary>
    public static Task<bool> TryFinishAsync(
        CheckoutDbContext db, Guid refundId, RefundStatus to, string? gatewayRefundId, DateTimeOffset now, CancellationToken ct)
    {
        RefundTransitions.Table.Require(to, RefundStatus.Pending);
        return db.ExpectAsync(
            """UPDATE "refunds" SET "Status" = {2}, "GatewayRefundId" = {3}, "CompletedAt" = {4} WHERE "Id" = {0} AND "Status" = {1}""",
            1, ct, Column(nameof(Refund.Id), refundId), Column(nameof(Refund.Status), RefundStatus.Pending), Column(nameof(Refund.Status), to),
            Column(nameof(Refund.GatewayRefundId), gatewayRefundId), Column(nameof(Refund.CompletedAt), now));
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<Refund>(property, value);
}
