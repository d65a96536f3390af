using System.Text.Json;
using Checkout.Data.Fulfillment;
using Checkout.Data.Notifications;
using Checkout.Data.Orders;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Orders;

/// <summary>
/// Tells the shopper what happened to the order after the sale, as the outbox delivers the announcement: shipped
/// (with the tracking number), delivered, cancelled, refunded (this refund's amount and the order's refunded total). At least once, and a retried send is the same message (its
/// Message-ID is the announcement's id). A cancelled order's refund is not told twice: the cancellation's e-mail
/// already says the money is returned.
/// </summary>
public sealed class OrderUpdateEmails(
    OrderService orders, OrderLinks links, EmailComposer composer, IEmailSender sender, IOptions<EmailOptions> options) : IOutboxConsumer
{
    public const string ConsumerName = "order-update-email";

    private static readonly IReadOnlySet<string> Wanted = new HashSet<string>(StringComparer.Ordinal)
    {
        OutboxTypes.OrderShipped, OutboxTypes.OrderDelivered, OutboxTypes.OrderCancelled, OutboxTypes.OrderRefunded,
    };

    public string Name => ConsumerName;

    public IReadOnlySet<string> Types => Wanted;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var order = (await orders.GetAsync(message.AggregateId, ct)).Value
            ?? throw new InvalidOperationException($"The order {message.AggregateId} of {message.Type} {message.Id} was not found.");
        var link = links.Absolute(options.Value.ShopUrl, order);
        ShopEmail? email = message.Type switch
        {
            OutboxTypes.OrderShipped => new ShippedEmail(
                order.Email, order.OrderNumber,
                order.TrackingNumber ?? throw new InvalidOperationException($"The shipped order {order.OrderNumber} has no tracking number."), link),
            OutboxTypes.OrderDelivered => new DeliveredEmail(order.Email, order.OrderNumber, link),
            OutboxTypes.OrderCancelled => new CancelledOrRefundedEmail(order.Email, order.OrderNumber, OrderClosure.Cancelled, order.TotalMinor, order.Currency, link),
            OutboxTypes.OrderRefunded when order.Status != OrderStatus.Cancelled => RefundEmail(order, RefundOf(message), link),
            _ => null,
        };
        if (email is not null)
        {
            await sender.SendAsync(composer.Compose(email, message.Id.ToString("N")), ct);
        }
    }

    /// <summary>This refund's amount and what is refunded of the order with it, as the message recorded them when it was made.</summary>
    private static CancelledOrRefundedEmail RefundEmail(OrderView order, OrderAnnouncements.RefundPayload refund, Uri link) => new(
        order.Email, order.OrderNumber, OrderClosure.Refunded, refund.AmountMinor, order.Currency, link, refund.TotalRefundedMinor);

    private static OrderAnnouncements.RefundPayload RefundOf(OutboxMessage message) =>
        JsonSerializer.Deserialize<OrderAnnouncements.RefundPayload>(message.Payload, OutboxMessage.PayloadJson)
        ?? throw new InvalidOperationException($"The refund message {message.Id} has no payload.");
}
