using System.Globalization;
using System.Text.RegularExpressions;
using Checkout.Data.Common;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Checkout.Data.Notifications;

/// <summary>
/// Turns a <see cref="ShopEmail"/> into the message to send. The Message-ID comes from the caller's key
/// (<c>&lt;{key}.{kind}@{domain of From}&gt;</c>), so a send that is retried after a failure is recognisably the
/// same message to the relay, the pickup folder and the shopper's mail program.
/// </summary>
public sealed partial class EmailComposer(IOptions<EmailOptions> options)
{
    /// <summary>Letters, digits, <c>.</c>, <c>_</c> and <c>-</c>: safe in a Message-ID and in a file name.</summary>
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex SafeKey();

    public MimeMessage Compose(ShopEmail email, string key)
    {
        if (!SafeKey().IsMatch(key))
        {
            throw new ArgumentException($"'{key}' cannot name a message: use letters, digits, '.', '_' and '-'.", nameof(key));
        }
        var shop = options.Value.ShopName;
        var (kind, subject, body) = email switch
        {
            OrderEmail order => ("order", $"Your {shop} order {order.OrderNumber}", Receipt(order, shop)),
            ShippedEmail shipped => ("shipped", $"Your {shop} order {shipped.OrderNumber} has shipped", Shipped(shipped)),
            DeliveredEmail delivered => ("delivered", $"Your {shop} order {delivered.OrderNumber} was delivered", Delivered(delivered)),
            CancelledOrRefundedEmail { Closure: OrderClosure.Cancelled } closed =>
                ("cancelled", $"Your {shop} order {closed.OrderNumber} was cancelled", Closed(closed)),
            CancelledOrRefundedEmail closed => ("refunded", $"Your {shop} order {closed.OrderNumber} was refunded", Closed(closed)),
            WaitlistOfferEmail offer => ("waitlist-offer", $"{offer.ProductName} is available for you at {shop}", Offer(offer, shop)),
            YourOrdersEmail orders => ("order-lookup", $"Your orders at {shop}", YourOrders(orders, shop)),
            _ => throw new ArgumentException($"No e-mail is composed for {email.GetType().Name}.", nameof(email)),
        };

        var from = MailboxAddress.Parse(options.Value.From);
        if (string.IsNullOrEmpty(from.Name))
        {
            from.Name = shop;
        }
        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = $"{key}.{kind}@{from.Domain}",
            Body = body.ToMimeEntity(subject),
        };
        message.From.Add(from);
        message.To.Add(MailboxAddress.Parse(email.To));
        return message;
    }

    private static EmailBody Receipt(OrderEmail order, string shop)
    {
        string Format(long amountMinor) => Money.Format(amountMinor, order.Currency);

        List<(string, string)> rows = [.. order.Lines.Select(l => ($"{l.Quantity} × {l.Name}", Format(l.LineTotalMinor)))];
        rows.Add(("Subtotal", Format(order.SubtotalMinor)));
        if (order.DiscountMinor != 0)
        {
            rows.Add(("Discount", Format(-order.DiscountMinor)));
        }
        rows.Add(("Shipping", Format(order.ShippingMinor)));
        rows.Add((order.Tax.Included ? $"{order.Tax.Name} (included)" : order.Tax.Name, Format(order.Tax.AmountMinor)));
        rows.Add(("Total", Format(order.TotalMinor)));

        return new EmailBody()
            .Paragraph($"Thank you for your order {order.OrderNumber} at {shop}.")
            .Table(rows)
            .Lines("Ship to", order.ShipTo)
            .Paragraph($"Delivery: {order.DeliveryMethod}")
            .Link("View your order", order.OrderLink);
    }

    private static EmailBody Shipped(ShippedEmail shipped) => new EmailBody()
        .Paragraph($"Your order {shipped.OrderNumber} is on its way.")
        .Paragraph($"Tracking number: {shipped.TrackingNumber}")
        .Link("View your order", shipped.OrderLink);

    private static EmailBody Delivered(DeliveredEmail delivered) => new EmailBody()
        .Paragraph($"Your order {delivered.OrderNumber} was delivered. We hope you enjoy it.")
        .Paragraph("If something is not right, you can start a return from your order.")
        .Link("View your order", delivered.OrderLink);

    private static EmailBody Closed(CancelledOrRefundedEmail closed) => new EmailBody()
        .Paragraph(closed.Closure == OrderClosure.Cancelled
            ? $"Your order {closed.OrderNumber} was cancelled, and {Money.Format(closed.AmountMinor, closed.Currency)} will not be charged or is returned to you."
            : $"We refunded {Money.Format(closed.AmountMinor, closed.Currency)} for your order {closed.OrderNumber}. "
              + $"In total, {Money.Format(Math.Max(closed.TotalRefundedMinor, closed.AmountMinor), closed.Currency)} of this order has been refunded.")
        .Paragraph("It may take a few days before your bank shows it.")
        .Link("View your order", closed.OrderLink);

    private static EmailBody Offer(WaitlistOfferEmail offer, string shop) => new EmailBody()
        .Paragraph($"Good news: {offer.ProductName} is back at {shop}, and one is held for you.")
        .Paragraph($"Claim it by {offer.ClaimBy.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; after that it goes to the next shopper waiting.")
        .Link("Claim it now", offer.ClaimLink);

    private static EmailBody YourOrders(YourOrdersEmail orders, string shop) => new EmailBody()
        .Paragraph($"We were asked to find the orders placed at {shop} with {orders.To}. This link lists them and opens each of them.")
        .Link("See your orders", orders.OrdersLink)
        .Paragraph($"The link works until {orders.ValidUntil.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. After that, ask for a new one on the shop's Find my order page.")
        .Paragraph("If you did not ask for it, ignore this email: nobody sees your orders without this link.");
}
