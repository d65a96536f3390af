using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace Checkout.Web.Components.Layout;

/// <summary>
/// MudBlazor's theme provider whose stylesheet every page shares. The provider builds its stylesheet (every palette
/// colour, shadow and z-index as a CSS variable: about 70 KB of text) anew at each of its renders, and each open page
/// keeps its last two renders: two copies a circuit, the largest single thing an idle checkout held. Here each render's
/// text is exchanged for the one copy of the same text the process keeps (one per colour scheme of the shop's theme),
/// so the fresh one is garbage at once.
/// </summary>
public sealed class SharedThemeProvider : MudThemeProvider
{
    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddMarkupContent(0, string.Intern(Render()));

    // MudThemeProvider's own render, which is markup only (its styles), joined into one text.
#pragma warning disable BL0006 // Reads the frames of a render this class made itself, to take its text.
    private string Render()
    {
        using var rendered = new RenderTreeBuilder();
        base.BuildRenderTree(rendered);
        var frames = rendered.GetFrames();
        return string.Concat(frames.Array.Take(frames.Count).Select(frame =>
            frame.FrameType == Microsoft.AspNetCore.Components.RenderTree.RenderTreeFrameType.Markup
                ? frame.MarkupContent
                : throw new InvalidOperationException($"MudThemeProvider rendered a {frame.FrameType} frame; a stylesheet was expected.")));
    }
#pragma warning restore BL0006
}
