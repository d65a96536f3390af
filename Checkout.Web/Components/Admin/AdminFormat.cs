using System.Globalization;
using Checkout.Data.Payments;

namespace Checkout.Web.Components.Admin;

/// <summary>How the back office writes times and states: UTC to the minute, the same for every admin and in every export.</summary>
public static class AdminFormat
{
    public static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Payment(PaymentStatus? status) => status?.ToString().ToUpperInvariant() ?? "NONE";

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
