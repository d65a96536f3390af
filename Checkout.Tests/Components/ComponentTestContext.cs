using Bunit;
using Checkout.Data.Carts;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Promotions;
using Checkout.Data.Realtime;
using Checkout.Data.Waitlist;
using Checkout.Tests.Builders;
using Checkout.Web.Catalog;
using Checkout.Web.Orders;
using Checkout.Web.Security;
using Checkout.Web.State;
using Checkout.Web.Waitlist;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;

namespace Checkout.Tests.Components;

/// <summary>The one bunit set-up every component test shares, so MudBlazor behaves the same in each of them.</summary>
public static class ComponentTestSetup
{
    /// <summary>
    /// Loose JS interop (MudBlazor calls JS we do not emulate), MudBlazor services with zero transition durations (a
    /// snackbar is in the markup at once, no timers to wait out), no popover-provider check (a card renders alone),
    /// and an interactive server renderer, as in the running app. <paramref name="addServices"/> registers the
    /// services of the components under test: setting the renderer info builds the service provider, so nothing
    /// can be added after this call. Waits give up after ten seconds rather than bunit's one: on a busy two-core
    /// machine running the suite in parallel, the renderer's dispatcher can be a second late without anything being wrong.
    /// </summary>
    public static BunitContext UseStorefrontDefaults(this BunitContext context, Action<IServiceCollection>? addServices = null)
    {
        BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        addServices?.Invoke(context.Services);
        context.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return context;
    }
}

/// <summary>
/// A bunit context over a real shop (SQLite in a temp folder, the product's own services). The storefront's
/// services are registered as the app registers them for one circuit: the shop's singletons (catalog, carts, checkout,
/// orders, the order and claim links, waitlist, the live event stream and the fake clock), and one <see cref="CartState"/> and
/// one <see cref="WaitlistState"/> for the shopper.
/// </summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    private TestShop? _shop;
    private CartState? _cart;
    private WaitlistState? _waitlist;
    private OrderLinks? _links;
    private WaitlistLinks? _claimLinks;

    protected TestShop Shop => _shop ?? throw new InvalidOperationException("The shop is created in InitializeAsync.");

    /// <summary>The shopper's cart state, the same instance the rendered components inject.</summary>
    protected CartState Cart => _cart ?? throw new InvalidOperationException("The cart state is created in InitializeAsync.");

    /// <summary>The shopper's waitlist entries, the same instance the rendered components inject.</summary>
    protected WaitlistState Waitlist => _waitlist ?? throw new InvalidOperationException("The waitlist state is created in InitializeAsync.");

    /// <summary>The order links the rendered pages use, on a key ring of this test's own.</summary>
    protected OrderLinks Links => _links ?? throw new InvalidOperationException("The order links are created in InitializeAsync.");

    /// <summary>The waitlist claim links the rendered pages use, on the same key ring as <see cref="Links"/>.</summary>
    protected WaitlistLinks ClaimLinks => _claimLinks ?? throw new InvalidOperationException("The claim links are created in InitializeAsync.");

    public async Task InitializeAsync()
    {
        _shop = await TestShop.CreateAsync(ShopSettings);
        _cart = new CartState(_shop.Get<CartService>());
        var keyRing = new EphemeralDataProtectionProvider();
        _links = new OrderLinks(keyRing, _shop.Get<OrderService>());
        _claimLinks = new WaitlistLinks(keyRing, _shop.Get<WaitlistService>());
        _waitlist = new WaitlistState(_shop.Get<WaitlistService>(), _claimLinks);
        this.UseStorefrontDefaults(services =>
        {
            services.AddSingleton(_shop.Get<CatalogService>());
            services.AddSingleton(_shop.Get<CartService>());
            services.AddSingleton(_cart);
            // Countdowns and live updates run on the shop's fake clock and event stream.
            services.AddSingleton<TimeProvider>(_shop.Clock);
            services.AddSingleton(_shop.Get<CheckoutEvents>());
            services.AddSingleton(_shop.Get<CheckoutService>());
            services.AddSingleton(_shop.Get<OrderService>());
            services.AddSingleton(_shop.Get<RefundService>());
            services.AddSingleton(_links);
            services.AddSingleton(_claimLinks);
            services.AddSingleton(_shop.Get<WaitlistService>());
            services.AddSingleton(_waitlist);
            // The back office's services over the same shop.
            services.AddSingleton(_shop.Get<OrderQueries>());
            services.AddSingleton(_shop.Get<ConfirmationResends>());
            services.AddSingleton(_shop.Get<PromoAdminService>());
            services.AddSingleton(_shop.Get<InventoryAdminService>());
            services.AddSingleton(_shop.Get<ProductImageStore>());
            // The lines of a cart, a checkout and an order read their products' pictures, each list through its own.
            services.AddTransient<LinePictures>();
            // The storefront's own rate limits, as configured in production unless a test class sets its own.
            services.AddSingleton(Options.Create(Limits));
            services.AddSingleton<ShopperLimits>();
            services.AddScoped<ShopperClient>();
            // The checkout's workflow over the shop's payments, or over a test's own (see Flow).
            services.AddScoped(sp => ActivatorUtilities.CreateInstance<CheckoutState>(sp, Flow));
            AddServices(services);
        });
    }

    /// <summary>Configuration of the shop on top of its defaults; a test class may give its own.</summary>
    protected virtual IDictionary<string, string?>? ShopSettings => null;

    /// <summary>The checkout workflow the storefront's checkout state uses; a test class may give one over its own payments.</summary>
    protected virtual CheckoutFlow Flow => Shop.Get<CheckoutFlow>();

    /// <summary>The rate limits the storefront's actions count against.</summary>
    protected virtual RateLimitOptions Limits => new();

    /// <summary>
    /// Registers what a test class needs beyond the shop's services (authorization, a replaced service); runs last, so
    /// a registration here wins over the one above it.
    /// </summary>
    protected virtual void AddServices(IServiceCollection services)
    {
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        // Components first (MudBlazor's services are async-only and the components hold cart subscriptions), then the database.
        await base.DisposeAsync();
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }
    }

    /// <summary>Renders <typeparamref name="TComponent"/> inside <see cref="WithSnackbars"/>, as the layout hosts a page.</summary>
    protected IRenderedComponent<WithSnackbars> RenderWithSnackbars<TComponent>() where TComponent : IComponent =>
        Render<WithSnackbars>(parameters => parameters.AddChildContent<TComponent>());
}

/// <summary>A harness standing in for the layout: a snackbar provider beside the content, so <see cref="ISnackbar"/> messages are rendered.</summary>
public sealed class WithSnackbars : ComponentBase
{
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<MudSnackbarProvider>(0);
        builder.CloseComponent();
        builder.AddContent(1, ChildContent);
    }
}
