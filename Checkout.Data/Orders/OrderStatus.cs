using Checkout.Data.Common;

namespace Checkout.Data.Orders;

public enum OrderStatus
{
    Pending,
    PaymentAuthorized,
    Confirmed,
    Shipped,
    Delivered,
    PaymentFailed,
    Cancelled,
    ReturnInitiated,
    Returned,
}

/// <summary>The one table of allowed order transitions. Every status change in the product is checked here.</summary>
public static class OrderTransitions
{
    public static readonly TransitionTable<OrderStatus> Table = new(new()
    {
        [OrderStatus.Pending] = [OrderStatus.PaymentAuthorized, OrderStatus.PaymentFailed, OrderStatus.Cancelled],
        [OrderStatus.PaymentAuthorized] = [OrderStatus.Confirmed, OrderStatus.Cancelled],
        [OrderStatus.Confirmed] = [OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.Shipped] = [OrderStatus.Delivered],
        [OrderStatus.Delivered] = [OrderStatus.ReturnInitiated],
        [OrderStatus.ReturnInitiated] = [OrderStatus.Returned],
        [OrderStatus.PaymentFailed] = [OrderStatus.Cancelled],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Returned] = [],
    });

    public static bool IsAllowed(OrderStatus from, OrderStatus to) => Table.IsAllowed(from, to);

    public static IReadOnlyList<OrderStatus> From(OrderStatus from) => Table.From(from);

    /// <summary>Transitions that only the checkout makes, because they follow the gateway's answer.</summary>
    public static bool IsPaymentStep(OrderStatus from, OrderStatus to) =>
        (from, to) is (OrderStatus.Pending, OrderStatus.PaymentAuthorized)
            or (OrderStatus.Pending, OrderStatus.PaymentFailed)
            or (OrderStatus.PaymentAuthorized, OrderStatus.Confirmed);

    /// <summary>The upper-case name used on the wire and in the UI, e.g. PAYMENT_AUTHORIZED.</summary>
    public static string WireName(this OrderStatus status) => status switch
    {
        OrderStatus.PaymentAuthorized => "PAYMENT_AUTHORIZED",
        OrderStatus.PaymentFailed => "PAYMENT_FAILED",
        OrderStatus.ReturnInitiated => "RETURN_INITIATED",
        _ => status.ToString().ToUpperInvariant(),
    };
}
