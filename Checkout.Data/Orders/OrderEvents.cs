using Checkout.Data.Realtime;

namespace Checkout.Data.Orders;

public sealed record OrderStatusChanged(Guid OrderId, string OrderNumber, OrderStatus Status) : CheckoutEvent;
