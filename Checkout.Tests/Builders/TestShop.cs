using Checkout.Data;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Payments.Simulator;
using Checkout.Data.Persistence;
using Checkout.Data.Promotions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Checkout.Tests.Builders;

/// <summary>
/// A real shop on a real database (a SQLite file in its own temp folder by default, or a throwaway PostgreSQL
/// database), wired by the product's own registration, with a fake clock. Background workers are not started: tests run the sweeper and dispatcher passes themselves.
/// </summary>
public sealed class TestShop : IShopDatabase, IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _folder;
    private readonly ServiceProvider _services;

    private TestShop(string folder, TestDatabase database, ServiceProvider services, FakeTimeProvider clock)
    {
        _folder = folder;
        Database = database;
        _services = services;
        Clock = clock;
    }

    public TestDatabase Database { get; }

    public FakeTimeProvider Clock { get; }
    public IServiceProvider Services => _services;

    public CartService Carts => Get<CartService>();
    public CheckoutService Checkouts => Get<CheckoutService>();
    public PlaceOrderService PlaceOrders => Get<PlaceOrderService>();
    public OrderService Orders => Get<OrderService>();

    /// <param name="interceptors">Added to the shop's own database contexts: for tests that watch or hold its SQL.</param>
    /// <param name="postgresPool">On PostgreSQL, changes the shop's connection string (its pool's size, its wait for a connection).</param>
    public static async Task<TestShop> CreateAsync(
        IDictionary<string, string?>? settings = null, DatabaseProvider provider = DatabaseProvider.Sqlite, string? postgresServer = null,
        IInterceptor[]? interceptors = null, Action<NpgsqlConnectionStringBuilder>? postgresPool = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "checkout-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = await TestDatabase.CreateAsync(provider, folder, postgresServer);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = folder, EnvironmentName = "Test" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["ConnectionStrings:Checkout"] = postgresPool is null ? database.ConnectionString : Changed(database.ConnectionString, postgresPool),
            // A use case run again after a deadlock (PostgreSQL picks a victim in the races) must not wait on the fake
            // clock, which only moves when a test moves it: the retry follows at once.
            ["Checkout:DbRetryDelay"] = "00:00:00",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var clock = new FakeTimeProvider(Start);
        builder.Services.AddSingleton<TimeProvider>(clock);
        if (interceptors is not null)
        {
            builder.Services.ConfigureDbContext<SqliteCheckoutDbContext>(o => o.AddInterceptors(interceptors));
            builder.Services.ConfigureDbContext<PostgresCheckoutDbContext>(o => o.AddInterceptors(interceptors));
        }
        builder.AddCheckoutData();
        var services = builder.Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await services.MigrateCheckoutDatabaseAsync();
        return new TestShop(folder, database, services, clock);
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    private static string Changed(string connectionString, Action<NpgsqlConnectionStringBuilder> change)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        change(builder);
        return builder.ConnectionString;
    }

    public Task<CheckoutDbContext> DbAsync() => Get<IDbContextFactory<CheckoutDbContext>>().CreateDbContextAsync();

    /// <summary>An outbox dispatcher of this shop that delivers to <paramref name="consumers"/> instead of the shop's own.</summary>
    public OutboxDispatcher DispatcherFor(params IOutboxConsumer[] consumers) => new(
        Get<IDbContextFactory<CheckoutDbContext>>(), Get<WriteUnits>(), consumers, Clock, Get<IOptions<CheckoutOptions>>(), NullLogger<OutboxDispatcher>.Instance);

    public SimulatorLedger GatewayLedger => Get<SimulatorLedger>();

    /// <summary>No: tests run the sweeper and dispatcher passes themselves.</summary>
    public bool WorkersRun => false;

    public async Task AddProductAsync(string sku, long priceMinor = 1000, int stock = 10, string category = "Test", bool isHot = false)
    {
        await using var db = await DbAsync();
        db.Products.Add(new Product(sku, $"Product {sku}", category, "📦", priceMinor, isHot: isHot));
        db.Inventory.Add(new InventoryItem(sku, stock));
        await db.SaveChangesAsync();
    }

    public async Task AddPromoAsync(PromoCode promo)
    {
        await using var db = await DbAsync();
        db.PromoCodes.Add(promo);
        await db.SaveChangesAsync();
    }

    public async Task<Guid> CartWithAsync(params (string Sku, int Quantity)[] lines)
    {
        var cartId = await Carts.CreateAsync();
        foreach (var (sku, quantity) in lines)
        {
            var result = await Carts.SetQuantityAsync(cartId, sku, quantity);
            Assert.True(result.IsSuccess, result.Error?.Message);
        }
        return cartId;
    }

    /// <summary>A cart with the lines and an open checkout for it, shipping to <see cref="TestAddresses.Portland"/> so that it can be paid.</summary>
    public async Task<CheckoutView> OpenCheckoutAsync(string email = "shopper@example.com", string? promo = null, params (string Sku, int Quantity)[] lines)
    {
        var cartId = await CartWithAsync(lines);
        var started = await Checkouts.StartAsync(new StartCheckout(cartId, email, "Sam Shopper", promo, ShippingAddress: TestAddresses.Portland));
        Assert.True(started.IsSuccess, started.Error?.Message);
        return started.Value!;
    }

    public async Task<InventoryItem> InventoryAsync(string sku)
    {
        await using var db = await DbAsync();
        return await db.Inventory.AsNoTracking().SingleAsync(i => i.Sku == sku);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Database.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finalizing connection; the temp folder is cleaned by the OS.
        }
    }
}

public static class ResultAssert
{
    public static T Success<T>(Result<T> result)
        where T : notnull
    {
        Assert.True(result.IsSuccess, $"Expected success, got {result.Error?.Code}: {result.Error?.Message}");
        return result.Value!;
    }

    public static Error Failure<T>(Result<T> result, string code)
        where T : notnull
    {
        Assert.False(result.IsSuccess, "Expected a failure, got success.");
        Assert.Equal(code, result.Error!.Code);
        return result.Error;
    }
}
