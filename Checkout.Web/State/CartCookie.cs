using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.DataProtection;

namespace Checkout.Web.State;

/// <summary>
/// The shopper's cart id, kept in an HttpOnly cookie protected by Data Protection: the cart itself lives in the
/// database, so it survives reloads and new circuits, and a client can neither read the id nor forge another one.
/// </summary>
public sealed class CartCookie(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Name = "checkout_cart";

    // The purpose string versions the payload; changing it invalidates every cookie, which then gets a new cart.
    private readonly IDataProtector _protector = protection.CreateProtector("Checkout.Web.CartCookie.v1");

    // A cookie issued by this request is not in Request.Cookies yet; the render of the same request finds it here.
    private static readonly object IssuedKey = new();

    /// <summary>The cart id of this request: the one it was just issued, else the cookie's if it is genuine; null otherwise.</summary>
    public Guid? Read(HttpContext context) =>
        context.Items[IssuedKey] as Guid? ?? Unprotect(context.Request.Cookies[Name]);

    public string Protect(Guid cartId) => _protector.Protect(cartId.ToString("N"));

    /// <summary>The cart id in a cookie value, or null when it is missing, tampered with or protected by an unknown key.</summary>
    public Guid? Unprotect(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            return Guid.TryParseExact(_protector.Unprotect(value), "N", out var cartId) ? cartId : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Gives the request a cookie with a new cart id unless it already carries a genuine one. The cart row is created on first use.</summary>
    public void EnsureIssued(HttpContext context)
    {
        if (Read(context) is not null)
        {
            return;
        }
        var cartId = Guid.CreateVersion7(clock.GetUtcNow());
        context.Items[IssuedKey] = cartId;
        context.Response.Cookies.Append(Name, Protect(cartId), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = "/",
            MaxAge = TimeSpan.FromDays(30),
        });
    }
}

public static class CartCookieSetup
{
    public static IServiceCollection AddCartCookie(this IServiceCollection services)
    {
        services.AddDataProtection();
        return services.AddSingleton<CartCookie>();
    }

    /// <summary>
    /// Issues the cart cookie on page requests only (endpoints of Razor components): API calls, static files and the
    /// Blazor hub neither need it nor set it.
    /// </summary>
    public static IApplicationBuilder UseCartCookie(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            context.RequestServices.GetRequiredService<CartCookie>().EnsureIssued(context);
        }
        return next(context);
    });
}
