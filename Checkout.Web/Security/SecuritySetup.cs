namespace Checkout.Web.Security;

/// <summary>
/// Transport and response hardening: security headers on every response, HTTPS with HSTS outside Development, the
/// per-client rate limits, and a logging cap that keeps what shoppers type out of the logs.
/// </summary>
public static class SecuritySetup
{
    /// <summary>
    /// Blazor Server sends every input event to the server as a SignalR hub invocation, card number and security code
    /// included, and SignalR's dispatcher logs each invocation with its arguments at Debug. This category stays at
    /// Information whatever the Logging configuration says.
    /// </summary>
    public const string HubDispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public static WebApplicationBuilder AddCheckoutSecurity(this WebApplicationBuilder builder)
    {
        // After every other rule, so it wins over an equally specific one; once per provider a rule names, because a
        // provider's own section (Logging:Console:LogLevel) outranks the rules for all providers.
        builder.Services.PostConfigure<LoggerFilterOptions>(o =>
        {
            foreach (var provider in o.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList())
            {
                o.Rules.Add(new LoggerFilterRule(provider, HubDispatcherCategory, LogLevel.Information, filter: null));
            }
        });
        builder.Services.AddCheckoutRateLimits(builder.Configuration);
        builder.Services.AddSingleton<ShopperLimits>();
        builder.Services.AddScoped<ShopperClient>();
        return builder;
    }

    /// <summary>
    /// First in the pipeline. Outside Development, plain HTTP is redirected to HTTPS when the server knows its HTTPS port
    /// (an HTTPS endpoint, or the <c>https_port</c> setting) and HTTPS answers carry HSTS; behind a proxy that ends TLS,
    /// configure forwarded headers so the original scheme is seen. Development, and test hosts without an HTTPS port,
    /// serve plain HTTP.
    /// </summary>
    public static WebApplication UseCheckoutSecurity(this WebApplication app)
    {
        var development = app.Environment.IsDevelopment();
        app.UseSecurityHeaders(strictTransport: !development);
        if (!development)
        {
            app.UseHttpsRedirection();
        }
        app.UseClientLimits();
        return app;
    }
}
