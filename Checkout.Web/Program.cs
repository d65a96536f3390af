using Checkout.Data;
using Checkout.Web.Api;
using Checkout.Web.Components;
using Checkout.Web.State;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddCheckoutData();
builder.AddCheckoutApi();
builder.Services.AddMudServices();
builder.Services.AddScoped<CartState>();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

var app = builder.Build();

app.UseCheckoutErrorHandling();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapCheckoutApi();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.Services.InitializeCheckoutDatabaseAsync();
await app.RunAsync();

public partial class Program { }
