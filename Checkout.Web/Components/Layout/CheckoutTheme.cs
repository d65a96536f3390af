using MudBlazor;

namespace Checkout.Web.Components.Layout;

/// <summary>
/// The shop's one theme, for the storefront and the back office, in both colour schemes. MudBlazor's default colours
/// fail WCAG AA (4.5:1) for text: in the light palette error red, success green, warning orange, info blue and the pink
/// secondary read at 2.2–3.7:1 on white; in the dark one the primary, error and secondary colours fail on the dark
/// surfaces and under white text, and so does secondary text.
/// Each colour here works both ways round: as text on the page (text and outlined buttons, outlined chips, links) and
/// as the background of its contrast text (filled buttons and chips), at 4.5:1 or better; the figures are for text on
/// white (light) and on the dark surface, #373740 (dark).
/// </summary>
public static class CheckoutTheme
{
    private const string WhiteText = "#ffffff";
    private const string DarkText = "rgba(0,0,0,0.87)";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#594ae2",            // MudBlazor's own primary, 6.0:1
            PrimaryContrastText = WhiteText,
            Secondary = "#ad1457",          // pink, 7.0:1
            SecondaryContrastText = WhiteText,
            Info = "#1565c0",               // blue, 5.8:1
            InfoContrastText = WhiteText,
            Success = "#2e7d32",            // green, 5.1:1
            SuccessContrastText = WhiteText,
            Warning = "#b45309",            // amber-brown, 5.0:1
            WarningContrastText = WhiteText,
            Error = "#c62828",              // red, 5.6:1
            ErrorContrastText = WhiteText,
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#a79ff2",            // 5.0:1
            PrimaryContrastText = DarkText,
            Secondary = "#f48fb1",          // 5.3:1
            SecondaryContrastText = DarkText,
            Info = "#64b5f6",               // 5.3:1
            InfoContrastText = DarkText,
            Success = "#4cd7a1",            // 6.5:1
            SuccessContrastText = DarkText,
            Warning = "#ffb74d",            // 6.8:1
            WarningContrastText = DarkText,
            Error = "#ff8a80",              // 5.2:1
            ErrorContrastText = DarkText,
            TextSecondary = "rgba(255,255,255,0.65)", // 6.0:1 (MudBlazor's 0.50 gives 4.3:1)
        },
    };
}
