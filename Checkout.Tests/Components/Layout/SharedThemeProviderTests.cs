using Bunit;
using Checkout.Web.Components.Layout;
using MudBlazor;

namespace Checkout.Tests.Components.Layout;

/// <summary>
/// The theme's stylesheet is MudBlazor's own, in either colour scheme, and every page shares one copy of it instead of
/// building its own at each render.
/// </summary>
public class SharedThemeProviderTests : BunitContext
{
    public SharedThemeProviderTests() => this.UseStorefrontDefaults();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TheStylesheet_IsMudBlazorsOwn(bool darkMode)
    {
        var own = Render<MudThemeProvider>(p => p.Add(t => t.Theme, CheckoutTheme.Theme).Add(t => t.IsDarkMode, darkMode));
        var shared = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, CheckoutTheme.Theme).Add(t => t.IsDarkMode, darkMode));

        Assert.Contains("--mud-palette-primary", shared.Markup);
        Assert.Equal(own.Markup, shared.Markup);
    }

    [Fact]
    public void EveryRender_KeepsTheOneSharedCopy_OfItsColourSchemesStylesheet()
    {
        var light = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, CheckoutTheme.Theme));
        var dark = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, CheckoutTheme.Theme).Add(t => t.IsDarkMode, true));

        // What a page keeps is the process's one copy of the text (no other stylesheet this long is ever interned).
        Assert.NotEqual(light.Markup, dark.Markup);
        Assert.NotNull(string.IsInterned(light.Markup));
        Assert.NotNull(string.IsInterned(dark.Markup));
    }
}
