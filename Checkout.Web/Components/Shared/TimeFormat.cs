using System.Globalization;

namespace Checkout.Web.Components.Shared;

/// <summary>
/// The one place that writes times for people and files. Every time is UTC, so a shopper, the support desk and every
/// admin read the same minute, and says so ("UTC" after it, or "(UTC)" in the heading over it).
/// </summary>
public static class TimeFormat
{
    /// <summary>"2026-03-01 12:30 UTC": a moment as every page shows it (order history, order lists, holds, promo windows).</summary>
    public static string Minute(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>The round-trip form for a <c>&lt;time datetime&gt;</c> attribute, which machines and assistive tools read.</summary>
    public static string Machine(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>"14:00": the UTC hour a chart's bar or point stands for (the chart's title says UTC).</summary>
    public static string Hour(DateTimeOffset at) => at.UtcDateTime.ToString("HH:00", CultureInfo.InvariantCulture);

    /// <summary>"2026-03-01": a UTC day in full.</summary>
    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"03-01": a UTC day as a chart's axis labels it.</summary>
    public static string ShortDay(DateOnly day) => day.ToString("MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"2026-03-01T12:30:05Z": a moment in an export file (CSV), to the second, as spreadsheets read it.</summary>
    public static string Export(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"20260301-123005": a moment in a file name.</summary>
    public static string FileStamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);

    /// <summary>"in 4 min", "in 45 s", "expired": how long is left until <paramref name="at"/>.</summary>
    public static string Remaining(DateTimeOffset at, DateTimeOffset now)
    {
        var left = at - now;
        if (left <= TimeSpan.Zero)
        {
            return "expired";
        }
        return left < TimeSpan.FromMinutes(1)
            ? $"in {Math.Ceiling(left.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s"
            : $"in {Math.Ceiling(left.TotalMinutes).ToString(CultureInfo.InvariantCulture)} min";
    }
}
