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

    // The codes of the problems the framework and the API's middleware answer, beside the use cases' ErrorCodes.
    public const string BadRequest = "bad-request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string PayloadTooLarge = "payload-too-large";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string ServiceUnavailable = "service-unavailable";
    public const string ServerError = "server-error";

    /// <summary>The status of every problem with this code, whoever answers it.</summary>
    public static int StatusFor(string code) => code switch
    {
        BadRequest or IdempotencyKeys.InvalidCode => StatusCodes.Status400BadRequest,
        Unauthorized or ErrorCodes.SignatureInvalid => StatusCodes.Status401Unauthorized,
        ErrorCodes.PaymentDeclined => StatusCodes.Status402PaymentRequired,
        Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.NotFound => StatusCodes.Status404NotFound,
        MethodNotAllowed => StatusCodes.Status405MethodNotAllowed,
        ErrorCodes.OutOfStock or ErrorCodes.PriceChanged or ErrorCodes.Conflict
            or ErrorCodes.IllegalTransition or ErrorCodes.CheckoutClosed
            or ErrorCodes.CartClosed or ErrorCodes.AlreadyPaid or ErrorCodes.EventReplayed or IdempotencyKeys.InUseCode => StatusCodes.Status409Conflict,
        ErrorCodes.HoldExpired => StatusCodes.Status410Gone,
        PayloadTooLarge or ErrorCodes.ImageTooLarge => StatusCodes.Status413PayloadTooLarge,
        UnsupportedMediaType or ErrorCodes.ImageUnsupportedFormat => StatusCodes.Status415UnsupportedMediaType,
        RateLimits.ProblemCode => StatusCodes.Status429TooManyRequests,
        ServerError => StatusCodes.Status500InternalServerError,
        ErrorCodes.Busy or ServiceUnavailable => StatusCodes.Status503ServiceUnavailable,
        ErrorCodes.PaymentPending => StatusCodes.Status504GatewayTimeout,
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
            StatusCodes.Status400BadRequest => BadRequest,
            StatusCodes.Status401Unauthorized => Unauthorized,
            StatusCodes.Status403Forbidden => Forbidden,
            StatusCodes.Status404NotFound => ErrorCodes.NotFound,
            StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
            StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
            StatusCodes.Status429TooManyRequests => RateLimits.ProblemCode,
            _ => ServerError,
        };
        if (problem.Type is null || !problem.Type.StartsWith(TypeBase, StringComparison.Ordinal))
        {
            problem.Type = TypeBase + code;
            problem.Extensions["code"] = code;
        }
        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status400BadRequest => "The request could not be read; check the JSON and its types.",
            StatusCodes.Status401Unauthorized => "Sign in with a staff account or send a valid X-Admin-Key header.",
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
        Unauthorized => "Not authorized.",
        ErrorCodes.NotFound => "Not found.",
        ErrorCodes.InvalidCart => "The cart cannot be checked out.",
        ErrorCodes.PriceChanged => "A price changed; review and accept it.",
        ErrorCodes.OutOfStock => "Not enough stock.",
        ErrorCodes.HoldExpired => "The reservation expired.",
        ErrorCodes.CheckoutClosed => "The checkout is closed.",
        ErrorCodes.CartClosed => "The cart was checked out.",
        ErrorCodes.ShippingAddressRequired => "The checkout has no shipping address yet.",
        ErrorCodes.NoDeliveryMethod => "The shop does not deliver there.",
        ErrorCodes.DeliveryMethodUnavailable => "That delivery method does not reach the address.",
        ErrorCodes.AlreadyPaid => "The checkout is already paid.",
        ErrorCodes.PaymentDeclined => "The payment was declined.",
        ErrorCodes.PaymentPending => "The payment provider did not answer; retry.",
        ErrorCodes.Busy => "The shop is busy; retry in a moment.",
        ErrorCodes.IllegalTransition => "The order cannot make that change.",
        ErrorCodes.Conflict => "Conflict.",
        ErrorCodes.SignatureInvalid => "The signature does not verify.",
        ErrorCodes.EventReplayed => "The event was received before.",
        _ when code.StartsWith("promo-", StringComparison.Ordinal) => "The promo code cannot be used.",
        _ when code.StartsWith("image-", StringComparison.Ordinal) => "The picture cannot be used.",
        _ => "The request could not be completed.",
    };
}
