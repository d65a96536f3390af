using System.Globalization;

namespace Checkout.Web.Components.Admin;

/// <summary>One bar, point or slice of a chart as a screen reader gets it: its label in full and its value.</summary>
public readonly record struct ChartValue(string Label, double Value);

public static class ChartScale
{
    /// <summary>The y-axis step: 1, 2 or 5 times a power of ten, giving at most five grid lines up to <paramref name="max"/>.</summary>
    public static int TickStep(double max)
    {
        var step = 1;
        while (max / step > 5)
        {
            step = step.ToString(CultureInfo.InvariantCulture)[0] == '2' ? step / 2 * 5 : step * 2;
        }
        return step;
    }
}
