namespace Checkout.Web.Security;

/// <summary>
/// Transport and response hardening: security headers on every response, HTTPS with HSTS outside Development, and the
/// per-client rate limits.
/// </summary>
public static class SecuritySetup
{
    public static WebApplicationBuilder AddCheckoutSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddCheckoutRateLimits(builder.Configuration);
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
        app.UseRateLimiter();
        return app;
    }
}
