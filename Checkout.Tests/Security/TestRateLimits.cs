using Checkout.Web.Security;
using Microsoft.AspNetCore.Hosting;

namespace Checkout.Tests.Security;

/// <summary>The rate limits of the test hosts.</summary>
public static class TestRateLimits
{
    /// <summary>The configuration keys of the limits, one per guarded action.</summary>
    public static readonly string[] Limits =
        [nameof(RateLimitOptions.Checkout), nameof(RateLimitOptions.Payment), nameof(RateLimitOptions.SignIn), nameof(RateLimitOptions.Lookup)];

    /// <summary>
    /// Limits no ordinary test reaches: every test client shares one address, and the race tests send dozens of
    /// requests at once. The app's own limits stay on; tests of the limits set small ones with <see cref="WithRateLimit"/>.
    /// </summary>
    public static IWebHostBuilder WithGenerousRateLimits(this IWebHostBuilder builder)
    {
        foreach (var limit in Limits)
        {
            builder.WithRateLimit(limit, 1_000_000, TimeSpan.FromMinutes(1));
        }
        return builder;
    }

    /// <param name="limit">One of <see cref="Limits"/>.</param>
    public static IWebHostBuilder WithRateLimit(this IWebHostBuilder builder, string limit, int permitLimit, TimeSpan window) => builder
        .UseSetting($"{RateLimitOptions.Section}:{limit}:{nameof(WindowLimit.PermitLimit)}", permitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .UseSetting($"{RateLimitOptions.Section}:{limit}:{nameof(WindowLimit.Window)}", window.ToString("c"));
}
