using Checkout.Data;
using Checkout.Web.Components;
using Checkout.Web.State;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

builder.AddCheckoutData();
builder.Services.AddMudServices();
builder.Services.AddScoped<CartState>();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

await app.Services.InitializeCheckoutDatabaseAsync();
await app.RunAsync();

public partial class Program { }
