using Checkout.Data.Notifications;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Checkout.Tests.Notifications;

/// <summary>The e-mails of the notification tests: a shop whose name needs encoding, and shopper input that is hostile.</summary>
public static class TestEmails
{
    public const string ShopName = "Tinker & Sons";
    public const string Hostile = "<script>alert(1)</script>";

    public static readonly EmailOptions Options = new() { From = "orders@tinker.test", ShopName = ShopName };

    public static EmailComposer Composer() => new(Microsoft.Extensions.Options.Options.Create(Options));

    /// <summary>A unique key, as an outbox message id would be.</summary>
    public static string Key() => Guid.NewGuid().ToString("N");

    public static OrderEmail Receipt(string to = "ada@example.test") => new(
        To: to,
        OrderNumber: "CHK-20417",
        Lines: [new OrderEmailLine("Brass lamp", 2, 5_000), new OrderEmailLine($"Mug {Hostile}", 1, 1_250)],
        SubtotalMinor: 6_250,
        DiscountMinor: 625,
        ShippingMinor: 495,
        Tax: new OrderEmailTax("VAT 20%", 1_020, Included: true),
        TotalMinor: 6_120,
        Currency: "EUR",
        ShipTo: [$"Ada {Hostile} Lovelace", "12 St James's Square", "London SW1Y 4JH", "United Kingdom"],
        DeliveryMethod: "Express (1–2 days)",
        OrderLink: new Uri("https://tinker.test/orders/CHK-20417?t=a&b=c"));

    public static TextPart Part(this MimeMessage message, string subtype) =>
        message.BodyParts.OfType<TextPart>().Single(p => p.ContentType.MediaSubtype == subtype);
}
