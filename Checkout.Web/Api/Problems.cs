using Checkout.Data.Common;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace Checkout.Web.Api;

/// <summary>
/// Turns expected outcomes into RFC 7807 problems. The <c>type</c> is stable per error code, so clients switch
/// on it; <c>code</c> repeats the last segment and the error's details become extension members.
/// </summary>
public static class Problems
{
    public const string TypeBase = "https://checkout.example/problems/";

    public static int StatusFor(string code) => code switch
    {
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        ErrorCodes.OutOfStock or ErrorCodes.PriceChanged or ErrorCodes.Conflict
            or ErrorCodes.IllegalTransition or ErrorCodes.CheckoutClosed
            or ErrorCodes.CartClosed or ErrorCodes.AlreadyPaid => StatusCodes.Status409Conflict,
        ErrorCodes.HoldExpired => StatusCodes.Status410Gone,
        ErrorCodes.PaymentDeclined => StatusCodes.Status402PaymentRequired,
        ErrorCodes.PaymentPending => StatusCodes.Status504GatewayTimeout,
        ErrorCodes.Busy => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    public static IResult From(Error error)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + error.Code,
            Title = TitleFor(error.Code),
            Status = StatusFor(error.Code),
            Detail = error.Message,
        };
        problem.Extensions["code"] = error.Code;
        foreach (var (key, value) in error.Details ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }
        return TypedResults.Problem(problem);
    }

    /// <summary>Names the framework's own errors (bad JSON, wrong content type, 404 of a route) with our type URIs.</summary>
    public static void Describe(ProblemDetails problem)
    {
        var code = problem.Status switch
        {
            StatusCodes.Status400BadRequest => "bad-request",
            StatusCodes.Status401Unauthorized => "unauthorized",
            StatusCodes.Status403Forbidden => "forbidden",
            StatusCodes.Status404NotFound => ErrorCodes.NotFound,
            StatusCodes.Status405MethodNotAllowed => "method-not-allowed",
            StatusCodes.Status413PayloadTooLarge => "payload-too-large",
            StatusCodes.Status415UnsupportedMediaType => "unsupported-media-type",
            StatusCodes.Status429TooManyRequests => RateLimits.ProblemCode,
            _ => "server-error",
        };
        if (problem.Type is null || !problem.Type.StartsWith(TypeBase, StringComparison.Ordinal))
        {
            problem.Type = TypeBase + code;
            problem.Extensions["code"] = code;
        }
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status400BadRequest => "The request could not be read; check the JSON and its types.",
            StatusCodes.Status401Unauthorized => "Sign in as an admin or send a valid X-Admin-Key header.",
            StatusCodes.Status403Forbidden => "This account may not do that.",
            StatusCodes.Status404NotFound => "There is nothing at this address.",
            StatusCodes.Status405MethodNotAllowed => "This address does not accept that method.",
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than this API accepts.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
            StatusCodes.Status429TooManyRequests => "Too many requests; wait and try again.",
            _ => "Something went wrong on our side; it has been logged.",
        };
    }

    private static string TitleFor(string code) => code switch
    {
        ErrorCodes.Validation => "The request is not valid.",
        ErrorCodes.NotFound => "Not found.",
        ErrorCodes.InvalidCart => "The cart cannot be checked out.",
        ErrorCodes.PriceChanged => "A price changed; review and accept it.",
        ErrorCodes.OutOfStock => "Not enough stock.",
        ErrorCodes.HoldExpired => "The reservation expired.",
        ErrorCodes.CheckoutClosed => "The checkout is closed.",
        ErrorCodes.CartClosed => "The cart was checked out.",
        ErrorCodes.AlreadyPaid => "The checkout is already paid.",
        ErrorCodes.PaymentDeclined => "The payment was declined.",
        ErrorCodes.PaymentPending => "The payment provider did not answer; retry.",
        ErrorCodes.Busy => "The shop is busy; retry in a moment.",
        ErrorCodes.IllegalTransition => "The order cannot make that change.",
        ErrorCodes.Conflict => "Conflict.",
        _ when code.StartsWith("promo-", StringComparison.Ordinal) => "The promo code cannot be used.",
        _ => "The request could not be completed.",
    };
}
