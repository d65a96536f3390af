using Checkout.Data.Fulfillment;
using Checkout.Data.Notifications;
using Checkout.Data.Orders;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Orders;

/// <summary>
/// Sends a confirmed order's receipt, as the outbox delivers its confirmation, and again when staff ask for it to be
/// resent (<see cref="ConfirmationResends"/>): at least once, and a retried send is the same message (its Message-ID is
/// the id of the message that asked), so a mail client shows a duplicate as one.
/// </summary>
public sealed class ReceiptEmails(
    OrderService orders, OrderLinks links, EmailComposer composer, IEmailSender sender, IOptions<EmailOptions> options) : IOutboxConsumer
{
    public const string ConsumerName = "receipt-email";

    private static readonly IReadOnlySet<string> Wanted = new HashSet<string>(StringComparer.Ordinal) { OutboxTypes.OrderConfirmed, OutboxTypes.OrderConfirmationResent };

    public string Name => ConsumerName;

    public IReadOnlySet<string> Types => Wanted;

    public async Task DeliverAsync(OutboxMessage message, CancellationToken ct)
    {
        var found = await orders.GetAsync(message.AggregateId, ct);
        var order = found.Value ?? throw new InvalidOperationException($"The order {message.AggregateId} of message {message.Id} was not found.");
        var delivery = order.Delivery ?? throw new InvalidOperationException($"Order {order.OrderNumber} has no delivery address.");
        var link = links.Absolute(options.Value.ShopUrl, order);
        var receipt = new OrderEmail(
            order.Email, order.OrderNumber,
            [.. order.Lines.Select(l => new OrderEmailLine(l.Name, l.Quantity, l.LineTotalMinor))],
            order.SubtotalMinor, order.DiscountMinor, order.ShippingMinor,
            new OrderEmailTax(order.Tax?.Name ?? "Tax", order.TaxMinor, order.Tax?.Included ?? false),
            order.TotalMinor, order.Currency, delivery.Address.Lines(), delivery.MethodName, link);
        await sender.SendAsync(composer.Compose(receipt, message.Id.ToString("N")), ct);
    }
}
