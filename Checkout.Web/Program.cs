using Checkout.Data;
using Checkout.Data.Fulfillment;
using Checkout.Data.Notifications;
using Checkout.Data.Webhooks;
using Checkout.Web.Admin;
using Checkout.Web.Api;
using Checkout.Web.Catalog;
using Checkout.Web.Components;
using Checkout.Web.Orders;
using Checkout.Web.ScaleOut;
using Checkout.Web.Security;
using Checkout.Web.State;
using Checkout.Web.Telemetry;
using Checkout.Web.Waitlist;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddCheckoutSecurity();
builder.AddCheckoutData();
builder.AddCheckoutApi();
builder.AddCheckoutAdmin();
builder.AddCheckoutTelemetry();
builder.AddCheckoutScaleOut();
builder.Services.AddMudServices(mud =>
{
    // Each circuit's popover service wakes every QueueDelay (0.5 s by default) to detach the popovers removed since,
    // whether any was or not: two wake-ups a second for every open page. A removed popover leaves the page at once;
    // only its bookkeeping in the browser waits for the next wake-up.
    mud.PopoverOptions.QueueDelay = TimeSpan.FromSeconds(30);
});
builder.Services.AddSingleton<OrderLinks>();
builder.Services.AddSingleton<OrderLookupLinks>();
builder.Services.AddNotifications(builder.Configuration);
builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxConsumer, ReceiptEmails>());
builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxConsumer, OrderLookupEmails>());
builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxConsumer, OrderUpdateEmails>());
builder.Services.AddSingleton<WaitlistLinks>();
builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxConsumer, WaitlistOfferEmails>());
builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxConsumer, WebhookFanOut>(sp => sp.GetRequiredService<WebhookFanOut>()));
builder.Services.AddScoped<CartState>();
builder.Services.AddScoped<WaitlistState>();
builder.Services.AddScoped<CheckoutState>();
builder.Services.AddTransient<LinePictures>();
builder.Services.AddCartCookie();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents()
    .WithCircuitKeepAlive();

var app = builder.Build();

app.UseCheckoutSecurity();
app.UseCheckoutErrorHandling();
app.UseApiAdmission();
app.UseAuthentication();
app.UseAuthorization();
app.UseIdempotencyKeys();
app.UseAntiforgery();
app.UseCartCookie();

app.MapStaticAssets();
app.MapProductImages();
app.MapCheckoutApi();
app.MapCheckoutAdmin();
app.MapCheckoutTelemetry();
app.MapOrdersCsv();
app.MapCheckoutScaleOut();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.Services.InitializeCheckoutDatabaseAsync();
await app.RunAsync();

public partial class Program { }
