namespace Checkout.Web.Components.Admin;

/// <summary>One bar, point or slice of a chart as a screen reader gets it: its label in full and its value.</summary>
public readonly record struct ChartValue(string Label, double Value);
