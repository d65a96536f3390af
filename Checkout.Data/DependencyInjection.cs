using Checkout.Data.Audit;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.Catalog.Images;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.HotStock;
using Checkout.Data.Idempotency;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Operations;
using Checkout.Data.Payments;
using Checkout.Data.Payments.Simulator;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Checkout.Data.Reliability;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Data.Telemetry;
using Checkout.Data.Waitlist;
using Checkout.Data.Webhooks;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Checkout.Data;

public static class DependencyInjection
{
    public const string ConnectionStringName = "Checkout";
    public const string ProviderKey = "Database:Provider";
    private const string DefaultConnectionString = "Data Source=App_Data/checkout.db";

    /// <summary>
    /// Registers the database (embedded SQLite by default), the checkout services and the background workers
    /// (hold sweeper, outbox dispatcher, order reconciler, and with Redis the counters' reconciler). Services are
    /// singletons that open one DbContext per use case.
    /// </summary>
    public static IHostApplicationBuilder AddCheckoutData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CheckoutOptions>().Bind(builder.Configuration.GetSection(CheckoutOptions.Section));
        services.AddOptions<IdempotencyOptions>().Bind(builder.Configuration.GetSection(IdempotencyOptions.Section));
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<RedisOptions>().Bind(builder.Configuration.GetSection(RedisOptions.Section))
            .Validate(o => o.CommandTimeout > TimeSpan.Zero, $"{RedisOptions.Section}:{nameof(RedisOptions.CommandTimeout)} must be positive.")
            .ValidateOnStart();
        services.AddSingleton<RedisCounters>();
        services.AddSingleton<HotStockInterceptor>();
        services.AddSingleton<HotStockReconciler>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[$"{RedisOptions.Section}:{nameof(RedisOptions.ConnectionString)}"]))
        {
            services.AddHostedService<HotStockReconcilerService>();
        }
        services.AddCheckoutDatabase(builder.Configuration, builder.Environment.ContentRootPath);

        services.AddMetrics();
        services.AddSingleton<CheckoutMetrics>();
        services.AddSingleton<CheckoutEvents>();
        services.AddSingleton<InvariantsService>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<LastUnitDrill>();
        services.AddSingleton(CatalogFollowingEvents);
        services.AddSingleton<CatalogService>();
        services.AddSingleton<ProductAdminService>();
        services.TryAddSingleton(ProductImageRules.Default);
        services.AddSingleton<ProductImageStore>();
        services.AddSingleton<CartService>();
        services.AddSingleton<CheckoutService>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<RefundService>();
        services.AddSingleton<PlaceOrderService>();
        services.AddSingleton<CheckoutFlow>();
        services.AddSingleton<OrderQueries>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<OrderLookups>();
        services.AddSingleton<ConfirmationResends>();
        services.AddSingleton<PromoAdminService>();
        services.AddSingleton<DeliveryOptions>();
        services.AddSingleton<TaxRates>();
        services.AddSingleton<DeliveryAdminService>();
        // Tax does not use Shipping (ADR 6): the countries it may tax come from Shipping's list here.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TaxAdminService>(
            sp, Countries.Supported.Select(c => new TaxCountry(c.Code, c.Name, [.. c.Regions.Select(r => r.Code)])).ToList()));
        services.AddSingleton<InventoryAdminService>();
        services.AddSingleton<WaitlistService>();
        services.AddSingleton<IWaitingDemand, WaitlistDemand>();
        services.AddSingleton<HoldSweeper>();
        services.AddSingleton<IdempotencyStore>();
        services.AddHostedService<IdempotencySweeperService>();
        services.AddSingleton<OutboxDispatcher>();
        services.TryAddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxConsumer, FulfillmentConsumer>());
        services.AddSingleton<OutboxAdminService>();
        services.AddCheckoutWebhooks(builder.Configuration);
        services.AddHostedService<HoldSweeperService>();
        services.AddHostedService<OutboxDispatcherService>();
        services.AddSingleton<OrderReconciler>();
        services.AddHostedService<OrderReconcilerService>();
        services.AddCheckoutReliability();
        return builder;
    }

    /// <summary>
    /// The catalog snapshot, read again whenever an event of this instance or of another (through the relay) says units
    /// moved: stock held, released, restocked or adjusted (<see cref="StockChanged"/>, <see cref="HoldReleased"/>), a freed
    /// unit held for a waiting shopper (<see cref="WaitlistOffered"/>), or held units sold or returned with an order's
    /// move (<see cref="OrderStatusChanged"/>), and whenever an admin changes a product (<see cref="ProductChanged"/>:
    /// its terms, its price, archived or sold again). Only an extended hold moves nothing. It watches (<see cref="CheckoutEvents.Watch"/>)
    /// when the catalog is first needed: an instance that never shows it never reads it again, and its watching alone
    /// makes no stock move read the counts it does not need (<see cref="StockMoved"/>).
    /// </summary>
    private static CatalogSnapshot CatalogFollowingEvents(IServiceProvider sp)
    {
        var snapshot = ActivatorUtilities.CreateInstance<CatalogSnapshot>(sp);
        sp.GetRequiredService<CheckoutEvents>().Watch(e =>
        {
            if (e is StockChanged or StockMoved or HoldReleased or WaitlistOffered or OrderStatusChanged or ProductChanged)
            {
                snapshot.Invalidate();
            }
            return Task.CompletedTask;
        });
        return snapshot;
    }

    /// <summary>
    /// Applies the migrations, seeds the demo catalog when the database is empty, and gives the demo products that have
    /// no picture their drawn one.
    /// </summary>
    public static async Task InitializeCheckoutDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await services.MigrateCheckoutDatabaseAsync(ct);
        await using var db = await services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync(ct);
        await DemoCatalog.SeedAsync(db, services.GetRequiredService<TimeProvider>(), ct);
        await DemoCatalog.SeedPicturesAsync(db, services.GetRequiredService<ProductImageStore>(), ct);
    }

    /// <summary>
    /// Applies the provider's migrations; on SQLite also turns on WAL (a property of the file, so once is enough). Then
    /// creates the simulated gateway's ledger, which keeps its own schema outside the shop's migrations.
    /// </summary>
    public static async Task MigrateCheckoutDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using (var db = await services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync(ct))
        {
            await db.Database.MigrateAsync(ct);
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);
            }
        }
        await services.GetRequiredService<SimulatorLedger>().InitializeAsync(ct);
    }

    /// <summary>
    /// The database from <c>Database:Provider</c> (Sqlite when unset) and <c>ConnectionStrings:Checkout</c>; each
    /// provider has its own context type carrying its own migrations, handed to the services as <see cref="CheckoutDbContext"/>.
    /// The simulated gateway's ledger is placed by the same settings: in that database, or beside its SQLite file.
    /// </summary>
    private static void AddCheckoutDatabase(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var providerName = configuration[ProviderKey];
        var provider = string.IsNullOrWhiteSpace(providerName) ? DatabaseProvider.Sqlite
            : Enum.TryParse<DatabaseProvider>(providerName, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed
            : throw new InvalidOperationException(
                $"{ProviderKey} is '{providerName}'; use one of {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        if (provider != DatabaseProvider.Sqlite && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException($"{ProviderKey} is {provider}: set ConnectionStrings:{ConnectionStringName}.");
        }

        var database = provider switch
        {
            DatabaseProvider.Sqlite => SqliteConnectionString(connectionString ?? DefaultConnectionString, contentRoot),
            DatabaseProvider.PostgreSQL => PostgresConnectionString(connectionString!),
            _ => connectionString!,
        };
        services.AddSingleton(_ => new SimulatorLedger(provider, database));

        switch (provider)
        {
            case DatabaseProvider.PostgreSQL:
                services.AddPooledDbContextFactory<PostgresCheckoutDbContext>((sp, o) => o
                    .UseNpgsql(database)
                    .AddInterceptors([new StatementBatchGuard(), .. HotStockInterceptors(sp)]));
                services.AddSingleton<IDbContextFactory<CheckoutDbContext>, ProviderContextFactory<PostgresCheckoutDbContext>>();
                services.AddSingleton<RowTurns>();
                services.AddSingleton<WriteUnits>(sp => new BatchedWriteUnits(new TransactionWriteUnits(), sp.GetRequiredService<RowTurns>()));
                break;
            case DatabaseProvider.SqlServer:
                services.AddPooledDbContextFactory<SqlServerCheckoutDbContext>((sp, o) => o
                    .UseSqlServer(database)
                    .AddInterceptors(HotStockInterceptors(sp)));
                services.AddSingleton<IDbContextFactory<CheckoutDbContext>, ProviderContextFactory<SqlServerCheckoutDbContext>>();
                services.AddSingleton<WriteUnits, TransactionWriteUnits>();
                break;
            default:
                services.AddPooledDbContextFactory<SqliteCheckoutDbContext>((sp, o) => o
                    .UseSqlite(database)
                    .AddInterceptors([new SqlitePragmas(), new SqliteWriteGate(), new KeptStatements(), .. HotStockInterceptors(sp)]));
                services.AddSingleton<IDbContextFactory<CheckoutDbContext>, ProviderContextFactory<SqliteCheckoutDbContext>>();
                // One writer runs the use cases' writes; with Redis counters, their callers copy the moves after it.
                services.AddSingleton<SqliteWriter>();
                services.AddSingleton<WriteUnits>(sp => sp.GetRequiredService<SqliteWriter>());
                break;
        }
    }

    /// <summary>The Redis counters' commit hook, only where Redis is configured: without it no transaction pays for it.</summary>
    private static IInterceptor[] HotStockInterceptors(IServiceProvider sp) =>
        sp.GetRequiredService<RedisCounters>().Enabled ? [sp.GetRequiredService<HotStockInterceptor>()] : [];

    /// <summary>Anchors a relative SQLite file under the content root and makes sure its folder exists.</summary>
    private static string SqliteConnectionString(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && !string.IsNullOrEmpty(builder.DataSource))
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Npgsql's settings for the checkout path, each unless the connection string says otherwise:
    /// <list type="bullet">
    /// <item>Automatic preparation (<c>Max Auto Prepare</c>): a statement run twice on a connection is prepared there,
    /// so PostgreSQL parses and plans each of the checkout's statements once per connection rather than on every
    /// execution — about half the server's CPU per reserve.</item>
    /// <item>No reset when a connection goes back to the pool (<c>No Reset On Close</c>): a use case opens a pooled
    /// connection for its reads and its write unit, several per checkout, and each return would otherwise send
    /// <c>RESET ALL</c>, <c>SET SESSION AUTHORIZATION DEFAULT</c> and <c>pg_advisory_unlock_all()</c> with the next
    /// command. The product leaves no session state to reset: it sets nothing for a session (an isolation
    /// level is given per transaction), its advisory locks are transaction-scoped (<c>pg_advisory_xact_lock</c>), and it
    /// never <c>LISTEN</c>s.</item>
    /// </list>
    /// </summary>
    private static string PostgresConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions(connectionString, "Auto Prepare", "AutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        if (!Mentions(connectionString, "Reset On Close", "ResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }
        return builder.ToString();

        static bool Mentions(string connectionString, params string[] names) =>
            names.Any(name => connectionString.Contains(name, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Hands out the provider's context as the shared <see cref="CheckoutDbContext"/> type the services use.</summary>
    private sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner, RedisCounters counters) : IDbContextFactory<CheckoutDbContext>
        where TContext : CheckoutDbContext
    {
        public CheckoutDbContext CreateDbContext() => WithCounters(inner.CreateDbContext());

        public async Task<CheckoutDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            WithCounters(await inner.CreateDbContextAsync(cancellationToken));

        private CheckoutDbContext WithCounters(TContext db)
        {
            db.Counters = counters.Enabled ? counters : null;
            return db;
        }
    }
}
