using Bunit;
using Checkout.Web.Components.Layout;
using MudBlazor;

namespace Checkout.Tests.Components.Layout;

/// <summary>
/// The storefront's pages show no dialog or popover, so its layout keeps neither provider (nor the popover service's
/// timer each open page would run); the back office keeps both. Both keep the theme and the snackbars.
/// </summary>
public class ThemedProvidersTests : BunitContext, IAsyncLifetime
{
    public ThemedProvidersTests() => this.UseStorefrontDefaults();

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // The popover service disposes only asynchronously.
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DialogsAndPopovers_AreTheBackOfficesAlone(bool backOffice)
    {
        var providers = Render<ThemedProviders>(p => p.Add(t => t.BackOffice, backOffice));

        Assert.Equal(backOffice, providers.HasComponent<MudPopoverProvider>());
        Assert.Equal(backOffice, providers.HasComponent<MudDialogProvider>());
        Assert.True(providers.HasComponent<SharedThemeProvider>());
        Assert.True(providers.HasComponent<MudSnackbarProvider>());
    }
}
