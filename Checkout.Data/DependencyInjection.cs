using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Operations;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Checkout.Data.Waitlist;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Checkout.Data;

public static class DependencyInjection
{
    public const string ConnectionStringName = "Checkout";
    private const string DefaultConnectionString = "Data Source=App_Data/checkout.db";

    /// <summary>
    /// Registers the database (embedded SQLite by default), the checkout services and the background workers
    /// (hold sweeper, outbox dispatcher). Services are singletons that open one DbContext per use case.
    /// </summary>
    public static IHostApplicationBuilder AddCheckoutData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CheckoutOptions>().Bind(builder.Configuration.GetSection(CheckoutOptions.Section));
        services.TryAddSingleton(TimeProvider.System);

        var connectionString = SqliteConnectionString(
            builder.Configuration.GetConnectionString(ConnectionStringName) ?? DefaultConnectionString,
            builder.Environment.ContentRootPath);
        services.AddPooledDbContextFactory<SqliteCheckoutDbContext>(o => o
            .UseSqlite(connectionString)
            .AddInterceptors(new SqlitePragmas(), new SqliteWriteGate()));
        services.AddSingleton<IDbContextFactory<CheckoutDbContext>, ProviderContextFactory<SqliteCheckoutDbContext>>();

        services.AddMetrics();
        services.AddSingleton<CheckoutMetrics>();
        services.AddSingleton<CheckoutEvents>();
        services.AddSingleton<InvariantsService>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<LastUnitDrill>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<CartService>();
        services.AddSingleton<CheckoutService>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<PlaceOrderService>();
        services.AddSingleton<OrderQueries>();
        services.AddSingleton<PromoAdminService>();
        services.AddSingleton<InventoryAdminService>();
        services.AddSingleton<WaitlistService>();
        services.AddSingleton<HoldSweeper>();
        services.AddSingleton<OutboxDispatcher>();
        services.TryAddSingleton<IPaymentGateway, SimulatedPaymentGateway>();
        services.TryAddSingleton<IFulfillmentPublisher, InProcessFulfillmentPublisher>();
        services.AddHostedService<HoldSweeperService>();
        services.AddHostedService<OutboxDispatcherService>();
        return builder;
    }

    /// <summary>Applies the migrations and seeds the demo catalog when the database is empty.</summary>
    public static async Task InitializeCheckoutDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await services.MigrateCheckoutDatabaseAsync(ct);
        await using var db = await services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync(ct);
        await DemoCatalog.SeedAsync(db, services.GetRequiredService<TimeProvider>(), ct);
    }

    /// <summary>Applies the migrations and turns on WAL (a property of the database file, so once is enough).</summary>
    public static async Task MigrateCheckoutDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync(ct);
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);
    }

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

    /// <summary>Hands out the provider's context as the shared <see cref="CheckoutDbContext"/> type the services use.</summary>
    private sealed class ProviderContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<CheckoutDbContext>
        where TContext : CheckoutDbContext
    {
        public CheckoutDbContext CreateDbContext() => inner.CreateDbContext();

        public async Task<CheckoutDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await inner.CreateDbContextAsync(cancellationToken);
    }
}
