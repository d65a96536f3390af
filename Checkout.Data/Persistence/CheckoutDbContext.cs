using Checkout.Data.Audit;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.HotStock;
using Checkout.Data.Idempotency;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Data.Waitlist;
using Checkout.Data.Webhooks;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Checkout.Data.Persistence;

/// <summary>
/// The one unit of work of the product. Services create a context per use case from
/// <see cref="IDbContextFactory{TContext}"/> and keep each use case in one transaction; there is no repository layer.
/// Each database provider has its own subclass so that it can carry its own migrations.
/// </summary>
public abstract class CheckoutDbContext : IdentityDbContext<IdentityUser>
{
    protected CheckoutDbContext(DbContextOptions options)
        : base(options)
    {
        Effects = _own;
    }

    private readonly UnitEffects _own = new();

    /// <summary>
    /// Where the use case running on this context records what it caused beyond its rows: its own, except while a
    /// <see cref="SqliteWriter"/> runs another context's write unit on it.
    /// </summary>
    internal UnitEffects Effects { get; set; }

    /// <summary>This context's own effects, which <see cref="Effects"/> returns to after a borrowed unit.</summary>
    internal UnitEffects OwnEffects => _own;

    /// <summary>This context's open effects on the Redis counters of hot SKUs (see <see cref="RedisCounters"/>).</summary>
    internal HotStockWork HotWork => Effects.HotWork;

    /// <summary>Set on the writer's own context: its connection stays open, so its statements are kept prepared (<see cref="KeptStatements"/>).</summary>
    internal bool KeepsStatements { get; set; }

    /// <summary>
    /// True when someone asked to see every command of this context — a command interceptor of their own, or EF Core's
    /// command log at Information or below — so that the product's own statements (<see cref="Statements"/>) go through
    /// EF Core's pipeline as well, where they see them.
    /// </summary>
    internal bool CommandsWatched =>
        (_ownCommandInterceptors ??= this.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?
            .Any(i => i is IDbCommandInterceptor and not KeptStatements and not StatementBatchGuard) ?? false)
        || this.GetService<IDiagnosticsLogger<DbLoggerCategory.Database.Command>>().Logger.IsEnabled(LogLevel.Information);

    private bool? _ownCommandInterceptors;

    /// <summary>While a write unit of this context is being batched (<see cref="BatchedWriteUnits"/>): its queued statements.</summary>
    internal StatementBatch? Batch { get; set; }

    /// <summary>Where <see cref="HotWork"/> is settled; set when Redis is configured.</summary>
    internal RedisCounters? Counters { get; set; }

    /// <summary>
    /// Set by <see cref="DurableCommits.BeginDurableTransactionAsync"/> for the next transaction only: its commit must
    /// survive a power loss. Read (and cleared) where the transaction begins.
    /// </summary>
    internal bool NextCommitDurable { get; set; }

    public DbSet<Product> Products => Set<Product>();
    public DbSet<ProductImage> ProductImages => Set<ProductImage>();
    public DbSet<InventoryItem> Inventory => Set<InventoryItem>();
    public DbSet<InventoryAdjustment> InventoryAdjustments => Set<InventoryAdjustment>();
    public DbSet<Cart> Carts => Set<Cart>();
    public DbSet<Hold> Holds => Set<Hold>();
    public DbSet<CheckoutSession> CheckoutSessions => Set<CheckoutSession>();
    public DbSet<PromoCode> PromoCodes => Set<PromoCode>();
    public DbSet<PromoRedemption> PromoRedemptions => Set<PromoRedemption>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderStatusChange> OrderStatusChanges => Set<OrderStatusChange>();
    public DbSet<OrderLookupEmail> OrderLookupEmails => Set<OrderLookupEmail>();
    public DbSet<Refund> Refunds => Set<Refund>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<OutboxDelivery> OutboxDeliveries => Set<OutboxDelivery>();
    public DbSet<ShipmentRequest> ShipmentRequests => Set<ShipmentRequest>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<WebhookInboundEvent> WebhookInboundEvents => Set<WebhookInboundEvent>();
    public DbSet<WaitlistEntry> WaitlistEntries => Set<WaitlistEntry>();
    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();
    public DbSet<ShippingZone> ShippingZones => Set<ShippingZone>();
    public DbSet<DeliveryMethod> DeliveryMethods => Set<DeliveryMethod>();
    public DbSet<TaxRate> TaxRates => Set<TaxRate>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>Records an event that code deep in a transaction caused; the service publishes it after the commit.</summary>
    internal void Raise(CheckoutEvent @event) => Effects.Raised.Add(@event);

    /// <summary>The events raised since the last call; call after a commit (a rollback's events are discarded with <see cref="TakeRaised"/> too).</summary>
    internal IReadOnlyList<CheckoutEvent> TakeRaised()
    {
        var raised = Effects.Raised.ToList();
        Effects.Raised.Clear();
        return raised;
    }

    /// <summary>Records a move of available units for the Redis counters; call inside the transaction that makes it.</summary>
    internal void AvailableMoved(string sku, int delta) => HotWork.Moves.Add((RedisCounters.StockName(sku), delta));

    /// <summary>Records uses taken (positive) or given back (negative) of a promo code for the Redis counters.</summary>
    internal void PromoUsed(string code, int uses) => HotWork.Moves.Add((RedisCounters.PromoName(code), -uses));

    // A pooled context is reused: events of a use case that never published them must not leak into the next one,
    // and units a transaction took from Redis without ending (disposed without commit or rollback) go back.
    public override void Dispose()
    {
        Effects = _own;
        _own.Raised.Clear();
        NextCommitDurable = false;
        KeepsStatements = false;
        Batch = null;
        HotWork.Clear();
        base.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        Effects = _own;
        _own.Raised.Clear();
        NextCommitDurable = false;
        KeepsStatements = false;
        Batch = null;
        if (Counters is not null && !HotWork.IsEmpty)
        {
            await Counters.UndoAsync(HotWork);
        }
        HotWork.Clear();
        await base.DisposeAsync();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<string>().HaveMaxLength(256);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Admin accounts live beside the shop's data: ASP.NET Core Identity's own tables and hashing.
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CheckoutDbContext).Assembly);
    }
}

/// <summary>What a use case caused besides its rows: events to publish after its commit, and its Redis counter work.</summary>
internal sealed class UnitEffects
{
    public List<CheckoutEvent> Raised { get; } = [];
    public HotStockWork HotWork { get; } = new();
}
