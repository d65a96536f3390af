using System.Globalization;

namespace Checkout.Data.Audit;

/// <summary>What an admin action was done to: a kind of thing and its key (an order's id, a promo code, a SKU…).</summary>
public readonly record struct AuditSubject
{
    public const string OrderType = "order";
    public const string PromoType = "promo";
    public const string ProductType = "product";
    public const string StockType = "stock";
    public const string CheckoutType = "checkout";
    public const string WaitlistEntryType = "waitlist-entry";
    public const string ShippingZoneType = "shipping-zone";
    public const string DeliveryMethodType = "delivery-method";
    public const string TaxRateType = "tax-rate";
    public const string OutboxDeliveryType = "outbox-delivery";
    public const string StaffType = "staff";
    public const string WebhookSubscriptionType = "webhook-subscription";

    /// <summary>Every kind of subject the log names, for the filters of the page and the API.</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        OrderType, PromoType, ProductType, StockType, CheckoutType, WaitlistEntryType, ShippingZoneType, DeliveryMethodType, TaxRateType,
        OutboxDeliveryType, StaffType, WebhookSubscriptionType,
    ];

    private AuditSubject(string type, string id)
    {
        Type = type;
        Id = id;
    }

    public string Type { get; }
    public string Id { get; }

    public static AuditSubject Order(Guid orderId) => new(OrderType, Key(orderId));
    public static AuditSubject Promo(string code) => new(PromoType, code);
    public static AuditSubject Product(string sku) => new(ProductType, sku);
    public static AuditSubject Stock(string sku) => new(StockType, sku);
    public static AuditSubject Checkout(Guid sessionId) => new(CheckoutType, Key(sessionId));
    public static AuditSubject WaitlistEntry(Guid entryId) => new(WaitlistEntryType, Key(entryId));
    public static AuditSubject ShippingZone(Guid zoneId) => new(ShippingZoneType, Key(zoneId));
    public static AuditSubject DeliveryMethod(Guid methodId) => new(DeliveryMethodType, Key(methodId));
    public static AuditSubject TaxRate(Guid rateId) => new(TaxRateType, Key(rateId));

    /// <summary>A staff account, by its e-mail address.</summary>
    public static AuditSubject Staff(string email) => new(StaffType, email);

    /// <summary>A partner's webhook subscription.</summary>
    public static AuditSubject WebhookSubscription(Guid subscriptionId) => new(WebhookSubscriptionType, Key(subscriptionId));

    /// <summary>One consumer's delivery of one outbox message.</summary>
    public static AuditSubject OutboxDelivery(Guid messageId, string consumer) => new(OutboxDeliveryType, $"{Key(messageId)}/{consumer}");

    /// <summary>An id as the log writes it, and as a filter on it must be written: the lower-case form with dashes.</summary>
    public static string Key(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
