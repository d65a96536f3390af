using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Checkout.Web.Components.Shared;

/// <summary>
/// A MudBlazor icon drawn as MudIcon draws it (the same SVG and classes), into the render of the page that shows it
/// rather than as a component of its own: an open page keeps every component it shows, with its render buffers and
/// parameter state, for as long as it stays open. For icons that only show; MudIcon stays where one needs its options.
/// </summary>
public static class PlainIcon
{
    /// <param name="icon">One of MudBlazor's <c>Icons</c>: the SVG's content.</param>
    /// <param name="colorClass">A MudBlazor text colour class, such as <c>mud-info-text</c>, or null for the text's own colour.</param>
    /// <param name="size">Small, medium or large, as MudIcon's sizes.</param>
    public static RenderFragment Of(string icon, string? colorClass = null, Size size = Size.Medium) => builder =>
    {
        var sizeClass = size switch
        {
            Size.Small => "mud-icon-size-small",
            Size.Large => "mud-icon-size-large",
            _ => "mud-icon-size-medium",
        };
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", colorClass is null ? $"mud-icon-root mud-svg-icon {sizeClass}" : $"mud-icon-root mud-svg-icon {colorClass} {sizeClass}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddMarkupContent(5, icon);
        builder.CloseElement();
    };
}
