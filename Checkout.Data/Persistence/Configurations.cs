using Checkout.Data.Audit;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Idempotency;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Promotions;
using Checkout.Data.Waitlist;
using Checkout.Data.Webhooks;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Checkout.Data.Persistence;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedNever();
        b.Property(e => e.Actor).HasMaxLength(AuditEntry.MaxActorLength);
        b.Property(e => e.Action).HasMaxLength(AuditEntry.MaxActionLength);
        b.Property(e => e.SubjectType).HasMaxLength(AuditEntry.MaxSubjectTypeLength);
        b.Property(e => e.SubjectId).HasMaxLength(AuditEntry.MaxSubjectIdLength);
        // A state is as long as its subject's fields: a product's description alone may be 2,000 characters.
        b.Property(e => e.Before).HasMaxLength(AuditEntry.MaxStateLength);
        b.Property(e => e.After).HasMaxLength(AuditEntry.MaxStateLength);
        // The page's filters, each newest first: the whole log, one admin's actions, one subject's history.
        b.HasIndex(e => e.At);
        b.HasIndex(e => new { e.Actor, e.At });
        b.HasIndex(e => new { e.SubjectType, e.SubjectId, e.At });
    }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("products");
        b.HasKey(p => p.Sku);
        b.Property(p => p.Sku).HasMaxLength(32);
        b.Property(p => p.Name).HasMaxLength(Product.MaxNameLength);
        b.Property(p => p.Category).HasMaxLength(Product.MaxCategoryLength);
        b.Property(p => p.Icon).HasMaxLength(16);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Description).HasMaxLength(Product.MaxDescriptionLength);
        b.Property(p => p.ImageVersion).HasMaxLength(ProductImage.MaxETagLength);
        b.Property(p => p.ImageAlt).HasMaxLength(Product.MaxImageAltLength);
        b.HasIndex(p => p.Category);
        b.ToTable(t => t.HasCheckConstraint("ck_products_weight", "\"WeightGrams\" >= 0"));
    }
}

internal sealed class ProductImageConfiguration : IEntityTypeConfiguration<ProductImage>
{
    public void Configure(EntityTypeBuilder<ProductImage> b)
    {
        b.ToTable("product_images");
        b.HasKey(i => new { i.Sku, i.Width });
        b.Property(i => i.Sku).HasMaxLength(32);
        b.Property(i => i.ContentType).HasMaxLength(ProductImage.MaxContentTypeLength);
        b.Property(i => i.ETag).HasMaxLength(ProductImage.MaxETagLength);
        b.HasOne<Product>().WithMany().HasForeignKey(i => i.Sku).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InventoryConfiguration : IEntityTypeConfiguration<InventoryItem>
{
    public void Configure(EntityTypeBuilder<InventoryItem> b)
    {
        b.ToTable("inventory", t =>
        {
            t.HasCheckConstraint("ck_inventory_quantity", "\"Quantity\" >= 0");
            t.HasCheckConstraint("ck_inventory_reserved", "\"Reserved\" >= 0");
            t.HasCheckConstraint("ck_inventory_sold", "\"Sold\" >= 0");
        });
        b.HasKey(i => i.Sku);
        b.Property(i => i.Sku).HasMaxLength(32);
        b.HasOne<Product>().WithOne().HasForeignKey<InventoryItem>(i => i.Sku);
    }
}

internal sealed class InventoryAdjustmentConfiguration : IEntityTypeConfiguration<InventoryAdjustment>
{
    public void Configure(EntityTypeBuilder<InventoryAdjustment> b)
    {
        b.ToTable("inventory_adjustments");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).ValueGeneratedOnAdd();
        b.Property(a => a.Sku).HasMaxLength(32);
        b.Property(a => a.Reason).HasMaxLength(200);
        b.Property(a => a.Actor).HasMaxLength(100);
        b.HasIndex(a => new { a.Sku, a.At });
        b.HasIndex(a => a.RequestId).IsUnique().HasFilter("\"RequestId\" IS NOT NULL");
    }
}

internal sealed class WaitlistEntryConfiguration : IEntityTypeConfiguration<WaitlistEntry>
{
    public void Configure(EntityTypeBuilder<WaitlistEntry> b)
    {
        b.ToTable("waitlist_entries");
        b.HasKey(e => e.Id);
        b.Property(e => e.Sku).HasMaxLength(32);
        b.HasIndex(e => new { e.Sku, e.Status, e.CreatedAt });
        // A shopper waits at most once per SKU at a time.
        b.HasIndex(e => new { e.Sku, e.Email }).IsUnique().HasFilter("\"Status\" IN ('Waiting', 'Offered')");
    }
}

internal sealed class CartConfiguration : IEntityTypeConfiguration<Cart>
{
    public void Configure(EntityTypeBuilder<Cart> b)
    {
        b.ToTable("carts");
        b.HasKey(c => c.Id);
        b.Property(c => c.Status).IsConcurrencyToken();
        b.OwnsMany(c => c.Lines, l =>
        {
            l.ToTable("cart_lines");
            l.WithOwner().HasForeignKey(x => x.CartId);
            l.HasKey(x => new { x.CartId, x.Sku });
            l.Property(x => x.Sku).HasMaxLength(32);
        });
        b.Navigation(c => c.Lines).HasField("_lines");
    }
}

internal sealed class HoldConfiguration : IEntityTypeConfiguration<Hold>
{
    public void Configure(EntityTypeBuilder<Hold> b)
    {
        b.ToTable("holds", t =>
        {
            t.HasCheckConstraint("ck_holds_quantity", "\"Quantity\" > 0");
            // Exactly one owner: a checkout session or a waitlist entry.
            t.HasCheckConstraint("ck_holds_owner",
                "(\"CheckoutSessionId\" IS NOT NULL AND \"WaitlistEntryId\" IS NULL) OR (\"CheckoutSessionId\" IS NULL AND \"WaitlistEntryId\" IS NOT NULL)");
        });
        b.HasKey(h => h.Id);
        b.Property(h => h.Sku).HasMaxLength(32);
        b.HasIndex(h => new { h.CheckoutSessionId, h.Sku }).IsUnique();
        b.HasIndex(h => h.WaitlistEntryId).HasFilter("\"WaitlistEntryId\" IS NOT NULL");
        b.HasIndex(h => new { h.Status, h.ExpiresAt });
    }
}

internal sealed class CheckoutSessionConfiguration : IEntityTypeConfiguration<CheckoutSession>
{
    public void Configure(EntityTypeBuilder<CheckoutSession> b)
    {
        b.ToTable("checkout_sessions");
        b.HasKey(s => s.Id);
        // One cart, one open checkout: a second start of the same cart cannot hold its stock again.
        b.HasIndex(s => s.CartId).IsUnique().HasFilter("\"Status\" = 'Open'").HasDatabaseName("IX_checkout_sessions_CartId_Open");
        b.Property(s => s.Currency).HasMaxLength(3);
        b.Property(s => s.PromoCode).HasMaxLength(32);
        b.Property(s => s.TraceParent).HasMaxLength(55);
        b.Property(s => s.Delivery).AsJson(1000);
        b.Property(s => s.Tax).AsJson(200);
        b.OwnsMany(s => s.Lines, l =>
        {
            l.ToTable("checkout_session_lines");
            l.WithOwner().HasForeignKey(x => x.CheckoutSessionId);
            l.HasKey(x => new { x.CheckoutSessionId, x.Sku });
            l.Property(x => x.Sku).HasMaxLength(32);
            l.Property(x => x.Name).HasMaxLength(100);
        });
        b.Navigation(s => s.Lines).HasField("_lines");
    }
}

internal sealed class PromoCodeConfiguration : IEntityTypeConfiguration<PromoCode>
{
    public void Configure(EntityTypeBuilder<PromoCode> b)
    {
        b.ToTable("promo_codes", t => t.HasCheckConstraint("ck_promo_used", "\"Used\" >= 0 AND (\"UsageLimit\" IS NULL OR \"Used\" <= \"UsageLimit\")"));
        b.HasKey(p => p.Code);
        b.Property(p => p.Code).HasMaxLength(32);
        b.Property(p => p.ScopeSku).HasMaxLength(32);
        b.Property(p => p.ScopeCategory).HasMaxLength(50);
    }
}

internal sealed class PromoRedemptionConfiguration : IEntityTypeConfiguration<PromoRedemption>
{
    public void Configure(EntityTypeBuilder<PromoRedemption> b)
    {
        b.ToTable("promo_redemptions");
        b.HasKey(r => r.Id);
        b.Property(r => r.Code).HasMaxLength(32);
        // One live use per session; a replaced or given-back use stays as history.
        b.HasIndex(r => r.CheckoutSessionId).IsUnique().HasFilter("\"Status\" <> 'Released'");
        b.HasIndex(r => new { r.Code, r.Email, r.Status });
        b.HasOne<PromoCode>().WithMany().HasForeignKey(r => r.Code);
    }
}

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> b)
    {
        b.ToTable("orders");
        b.HasKey(o => o.Id);
        b.Property(o => o.Number).HasMaxLength(16);
        b.Property(o => o.Currency).HasMaxLength(3);
        b.Property(o => o.PromoCode).HasMaxLength(32);
        b.Property(o => o.TrackingNumber).HasMaxLength(64);
        b.Property(o => o.Delivery).AsJson(1000);
        b.Property(o => o.Tax).AsJson(200);
        b.Property(o => o.Version).IsConcurrencyToken();
        b.HasIndex(o => o.CheckoutSessionId).IsUnique();
        b.HasIndex(o => o.Number).IsUnique();
        b.HasIndex(o => new { o.Status, o.CreatedAt });
        b.HasIndex(o => o.CreatedAt);
        // A shopper's own orders, newest first (find my order).
        b.HasIndex(o => new { o.Email, o.CreatedAt });
        b.OwnsMany(o => o.Lines, l =>
        {
            l.ToTable("order_lines");
            l.WithOwner().HasForeignKey(x => x.OrderId);
            l.HasKey(x => new { x.OrderId, x.Sku });
            l.Property(x => x.Sku).HasMaxLength(32);
            l.Property(x => x.Name).HasMaxLength(100);
        });
        b.Navigation(o => o.Lines).HasField("_lines");
        b.HasMany(o => o.History).WithOne().HasForeignKey(h => h.OrderId);
        b.Navigation(o => o.History).HasField("_history");
    }
}

internal sealed class OrderStatusChangeConfiguration : IEntityTypeConfiguration<OrderStatusChange>
{
    public void Configure(EntityTypeBuilder<OrderStatusChange> b)
    {
        b.ToTable("order_status_changes");
        b.HasKey(h => h.Id);
        b.Property(h => h.Id).ValueGeneratedOnAdd();
        b.Property(h => h.Actor).HasMaxLength(100);
        b.Property(h => h.Reason).HasMaxLength(500);
        b.HasIndex(h => new { h.OrderId, h.At });
    }
}

internal sealed class OrderLookupEmailConfiguration : IEntityTypeConfiguration<OrderLookupEmail>
{
    public void Configure(EntityTypeBuilder<OrderLookupEmail> b)
    {
        b.ToTable("order_lookup_emails");
        // The message that asked is the key: a retried send is counted once.
        b.HasKey(e => e.MessageId);
        b.Property(e => e.Email).HasMaxLength(254);
        // The cap counts an address's e-mails of the last window.
        b.HasIndex(e => new { e.Email, e.SentAt });
    }
}

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> b)
    {
        b.ToTable("payments");
        b.HasKey(p => p.Id);
        b.HasIndex(p => p.OrderId).IsUnique();
        b.Property(p => p.AuthorizationId).HasMaxLength(100);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.CardBrand).HasMaxLength(20);
        b.Property(p => p.CardLast4).HasMaxLength(4);
        b.HasOne<Order>().WithOne().HasForeignKey<Payment>(p => p.OrderId);
    }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> b)
    {
        b.ToTable("outbox_messages");
        b.HasKey(m => m.Id);
        b.Property(m => m.Type).HasMaxLength(64);
        b.Property(m => m.Payload).HasMaxLength(8000);
        b.HasIndex(m => new { m.SentAt, m.CreatedAt });
    }
}

internal sealed class OutboxDeliveryConfiguration : IEntityTypeConfiguration<OutboxDelivery>
{
    public void Configure(EntityTypeBuilder<OutboxDelivery> b)
    {
        b.ToTable("outbox_deliveries");
        // The key is what keeps a delivery single when two dispatchers first claim it at once.
        b.HasKey(d => new { d.MessageId, d.Consumer });
        b.Property(d => d.Consumer).HasMaxLength(64);
        b.Property(d => d.LastError).HasMaxLength(1000);
        b.HasOne<OutboxMessage>().WithMany().HasForeignKey(d => d.MessageId).OnDelete(DeleteBehavior.Cascade);
        // The admin's lists of failing and dead deliveries.
        b.HasIndex(d => new { d.DeadAt, d.DeliveredAt });
    }
}

internal sealed class ShipmentRequestConfiguration : IEntityTypeConfiguration<ShipmentRequest>
{
    public void Configure(EntityTypeBuilder<ShipmentRequest> b)
    {
        b.ToTable("shipment_requests");
        b.HasKey(s => s.MessageId);
        b.Property(s => s.Payload).HasMaxLength(8000);
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.ToTable("webhook_subscriptions");
        b.HasKey(s => s.Id);
        b.Property(s => s.Name).HasMaxLength(WebhookSubscription.MaxNameLength);
        b.Property(s => s.Url).HasMaxLength(WebhookSubscription.MaxUrlLength);
        b.Property(s => s.Events).HasMaxLength(200);
        b.Property(s => s.SecretCipher).HasMaxLength(1000);
        b.Property(s => s.PreviousSecretCipher).HasMaxLength(1000);
        b.Ignore(s => s.EventList);
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.ToTable("webhook_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Body).HasMaxLength(16000);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(d => new { d.EventId, d.SubscriptionId });
        b.Property(d => d.LastError).HasMaxLength(1000);
        b.HasOne<WebhookEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        // The sender's due deliveries, and each one's earlier deliveries of the same order.
        b.HasIndex(d => new { d.DeliveredAt, d.NextAttemptAt });
        b.HasIndex(d => new { d.SubscriptionId, d.OrderId, d.Sequence });
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.ToTable("webhook_attempts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Excerpt).HasMaxLength(WebhookAttempt.MaxExcerpt);
        b.Property(a => a.Error).HasMaxLength(WebhookAttempt.MaxExcerpt);
        b.Ignore(a => a.Succeeded);
        b.HasIndex(a => new { a.SubscriptionId, a.EventId });
    }
}

internal sealed class WebhookInboundEventConfiguration : IEntityTypeConfiguration<WebhookInboundEvent>
{
    public void Configure(EntityTypeBuilder<WebhookInboundEvent> b)
    {
        b.ToTable("webhook_inbound_events");
        // The key is what refuses a replayed update.
        b.HasKey(e => new { e.SubscriptionId, e.EventId });
        b.Property(e => e.EventId).HasMaxLength(FulfillmentInbox.MaxEventId);
        b.Property(e => e.Type).HasMaxLength(32);
    }
}

internal sealed class IdempotencyKeyConfiguration : IEntityTypeConfiguration<IdempotencyKey>
{
    public void Configure(EntityTypeBuilder<IdempotencyKey> b)
    {
        b.ToTable("idempotency_keys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Scope).HasMaxLength(512);
        b.Property(k => k.Key).HasMaxLength(255);
        b.Property(k => k.Fingerprint).HasMaxLength(1024);
        b.Property(k => k.ResponseHeaders).HasMaxLength(2048);
        b.Property(k => k.ResponseBody).HasMaxLength(65536);
        b.HasIndex(k => new { k.Scope, k.Key }).IsUnique();
        b.HasIndex(k => k.CreatedAt);
    }
}

internal static class JsonColumns
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Stores a small immutable record as one JSON text column: it is read and written whole, never queried by its
    /// parts, and a single column keeps every hand-written INSERT of its entity unchanged.
    /// </summary>
    public static PropertyBuilder<T?> AsJson<T>(this PropertyBuilder<T?> property, int maxLength)
        where T : class =>
        property.HasConversion(
                v => JsonSerializer.Serialize(v, Options),
                s => JsonSerializer.Deserialize<T>(s, Options),
                new ValueComparer<T?>((a, b) => Equals(a, b), v => v == null ? 0 : v.GetHashCode(), v => v))
            .HasMaxLength(maxLength);
}

internal sealed class RefundConfiguration : IEntityTypeConfiguration<Refund>
{
    public void Configure(EntityTypeBuilder<Refund> b)
    {
        b.ToTable("refunds", t => t.HasCheckConstraint("ck_refunds_amount", "\"AmountMinor\" > 0"));
        b.HasKey(r => r.Id);
        b.Property(r => r.Reason).HasMaxLength(Refund.MaxReasonLength);
        b.Property(r => r.Actor).HasMaxLength(100);
        b.Property(r => r.GatewayRefundId).HasMaxLength(100);
        b.Ignore(r => r.GatewayKey);
        b.HasOne<Order>().WithMany().HasForeignKey(r => r.OrderId);
        // An order's refunds, oldest first; and the pending ones a settlement finishes first.
        b.HasIndex(r => new { r.OrderId, r.RequestedAt });
        b.OwnsMany(r => r.Lines, l =>
        {
            l.ToTable("refund_lines");
            l.WithOwner().HasForeignKey(x => x.RefundId);
            l.HasKey(x => new { x.RefundId, x.Sku });
            l.Property(x => x.Sku).HasMaxLength(32);
        });
        b.Navigation(r => r.Lines).HasField("_lines");
    }
}
