using System.Security.Cryptography;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Pricing;

namespace Checkout.Data.Orders;

/// <summary>
/// An order placed against one checkout session (unique). Status changes are compare-and-set updates done by
/// <see cref="OrderService"/> against <see cref="OrderTransitions"/>; the entity itself never changes status.
/// </summary>
public sealed class Order
{
    private const string NumberPrefix = "CK-";
    private const int NumberLength = 10;
    private const string NumberAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly List<OrderLine> _lines = [];
    private readonly List<OrderStatusChange> _history = [];

    private Order()
    {
    }

    internal Order(CheckoutSession session, DateTimeOffset now)
    {
        Id = Guid.CreateVersion7(now);
        Number = NewNumber();
        CheckoutSessionId = session.Id;
        Email = session.Email;
        CustomerName = session.CustomerName;
        PromoCode = session.PromoCode;
        SubtotalMinor = session.SubtotalMinor;
        DiscountMinor = session.DiscountMinor;
        ShippingMinor = session.ShippingMinor;
        TotalMinor = session.TotalMinor;
        Currency = session.Currency;
        Delivery = session.Delivery ?? throw new InvalidOperationException("An order is placed only for a checkout that knows where it goes.");
        Tax = session.Tax;
        Status = OrderStatus.Pending;
        CreatedAt = now;
        UpdatedAt = now;
        _lines.AddRange(session.Lines.Select(l => new OrderLine(Id, l.Sku, l.Name, l.Quantity, l.UnitPriceMinor)));
        _history.Add(new OrderStatusChange(Id, null, OrderStatus.Pending, now, "shopper", "Order placed"));
    }

    public Guid Id { get; private set; }

    /// <summary>Human-readable, random (not sequential) so it does not reveal order volume.</summary>
    public string Number { get; private set; } = "";

    public Guid CheckoutSessionId { get; private set; }
    public string Email { get; private set; } = "";
    public string CustomerName { get; private set; } = "";
    public string? PromoCode { get; private set; }
    public long SubtotalMinor { get; private set; }
    public long DiscountMinor { get; private set; }
    public long ShippingMinor { get; private set; }
    public long TotalMinor { get; private set; }
    public string Currency { get; private set; } = "";

    /// <summary>The address and delivery method the order ships with (null only on orders placed before addresses were asked for).</summary>
    public QuoteDelivery? Delivery { get; private set; }
    public QuoteTax? Tax { get; private set; }
    public OrderStatus Status { get; private set; }
    public int Version { get; private set; }

    /// <summary>
    /// The sequence number of the order's last announcement through the outbox (0: none yet). Each announcement adds
    /// one in its own transaction, with the order's row locked, and its message carries the new number
    /// (<see cref="Fulfillment.OutboxMessage.Sequence"/>): a consumer applies an order's messages in that order.
    /// </summary>
    public int LastAnnouncement { get; private set; }
    public string? TrackingNumber { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public IReadOnlyList<OrderLine> Lines => _lines;
    public IReadOnlyList<OrderStatusChange> History => _history;

    /// <summary>
    /// True when <paramref name="number"/> has the shape every order number has (<c>CK-</c> and ten characters of the
    /// alphabet, upper case): what a shopper typed can be refused for its shape alone, without asking whether it exists.
    /// </summary>
    public static bool HasNumberShape(string number) =>
        number.Length == NumberPrefix.Length + NumberLength
        && number.StartsWith(NumberPrefix, StringComparison.Ordinal)
        && !number.AsSpan(NumberPrefix.Length).ContainsAnyExcept(NumberAlphabet);

    private static string NewNumber() => NumberPrefix + RandomNumberGenerator.GetString(NumberAlphabet, NumberLength);
}

public sealed class OrderLine
{
    private OrderLine()
    {
    }

    internal OrderLine(Guid orderId, string sku, string name, int quantity, long unitPriceMinor)
    {
        OrderId = orderId;
        Sku = sku;
        Name = name;
        Quantity = quantity;
        UnitPriceMinor = unitPriceMinor;
    }

    public Guid OrderId { get; private set; }
    public string Sku { get; private set; } = "";
    public string Name { get; private set; } = "";
    public int Quantity { get; private set; }
    public long UnitPriceMinor { get; private set; }

    /// <summary>The units of this line refunded or being refunded (never more than <see cref="Quantity"/>); refunds by amount count none.</summary>
    public int RefundedQuantity { get; private set; }
    public long LineTotalMinor => UnitPriceMinor * Quantity;
}

/// <summary>
/// One row of an order's history, written in the same transaction as the status change it records. The id is
/// assigned by the database in insertion order, which is the order of the changes even when two share a timestamp.
/// </summary>
public sealed class OrderStatusChange
{
    private OrderStatusChange()
    {
    }

    internal OrderStatusChange(Guid orderId, OrderStatus? from, OrderStatus to, DateTimeOffset at, string actor, string? reason, Guid? requestId = null)
    {
        RequestId = requestId;
        OrderId = orderId;
        From = from;
        To = to;
        At = at;
        Actor = actor;
        Reason = reason;
    }

    public long Id { get; private set; }
    public Guid OrderId { get; private set; }
    public OrderStatus? From { get; private set; }
    public OrderStatus To { get; private set; }
    public DateTimeOffset At { get; private set; }
    public string Actor { get; private set; } = "";
    public string? Reason { get; private set; }

    /// <summary>The request that made the change, when it carried an Idempotency-Key: a resumed request finds its change here.</summary>
    public Guid? RequestId { get; private set; }
}
