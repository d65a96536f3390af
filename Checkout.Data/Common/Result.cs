using System.Diagnostics.CodeAnalysis;

namespace Checkout.Data.Common;

/// <summary>An expected outcome that is not a success: out of stock, declined, illegal transition, bad input.</summary>
/// <param name="Code">A stable, kebab-case code the UI and API map to messages and status codes.</param>
/// <param name="Message">A sentence a shopper or admin can read.</param>
/// <param name="Details">Machine-readable facts about the failure (SKUs and units left, old and new prices…).</param>
public sealed record Error(string Code, string Message, IReadOnlyDictionary<string, object?>? Details = null)
{
    public static Error Validation(string message) => new(ErrorCodes.Validation, message);
    public static Error NotFound(string what) => new(ErrorCodes.NotFound, $"{what} was not found.");

    /// <summary>A promo code was refused (unknown, inactive, expired, used up, not applicable): the rest of the checkout can go on without it.</summary>
    public bool IsPromoRefusal => ErrorCodes.PromoRefusals.Contains(Code);
}

public static class ErrorCodes
{
    public const string Validation = "validation";
    public const string NotFound = "not-found";
    public const string InvalidCart = "invalid-cart";
    public const string PriceChanged = "price-changed";
    public const string OutOfStock = "out-of-stock";
    public const string HoldExpired = "hold-expired";
    public const string CheckoutClosed = "checkout-closed";

    /// <summary>The checkout has no shipping address (and so no delivery method) yet: it cannot be paid.</summary>
    public const string ShippingAddressRequired = "shipping-address-required";

    /// <summary>No delivery method reaches the address's country.</summary>
    public const string NoDeliveryMethod = "no-delivery-method";

    /// <summary>The delivery method asked for is not offered to the address (another zone's, or switched off).</summary>
    public const string DeliveryMethodUnavailable = "delivery-method-unavailable";

    /// <summary>The cart's order was placed: the cart no longer changes and cannot be checked out again.</summary>
    public const string CartClosed = "cart-closed";

    /// <summary>The checkout's payment went through already: a request with other card details cannot pay it again.</summary>
    public const string AlreadyPaid = "already-paid";
    public const string PaymentDeclined = "payment-declined";
    public const string PaymentPending = "payment-pending";

    /// <summary>The database stayed busy through the retries; the same request may be sent again unchanged.</summary>
    public const string Busy = "busy";
    public const string IllegalTransition = "illegal-transition";

    /// <summary>A partner's signed request whose signature is missing, wrong or too old, or whose subscription is unknown or disabled.</summary>
    public const string SignatureInvalid = "signature-invalid";

    /// <summary>A partner's update whose event id was accepted before.</summary>
    public const string EventReplayed = "event-replayed";
    public const string Conflict = "conflict";
    public const string PromoNotFound = "promo-not-found";
    public const string PromoInactive = "promo-inactive";
    public const string PromoExpired = "promo-expired";
    public const string PromoLimitReached = "promo-limit-reached";
    public const string PromoCustomerLimitReached = "promo-customer-limit-reached";
    public const string PromoNotApplicable = "promo-not-applicable";
    public const string PromoMinimumNotMet = "promo-minimum-not-met";

    /// <summary>An uploaded product picture has no bytes at all.</summary>
    public const string ImageEmpty = "image-empty";

    /// <summary>An uploaded product picture is over the upload size limit; a stream is not read past it.</summary>
    public const string ImageTooLarge = "image-too-large";

    /// <summary>An uploaded file is not a JPEG, PNG or WebP picture by its content, whatever its name or declared type.</summary>
    public const string ImageUnsupportedFormat = "image-unsupported-format";

    /// <summary>A picture declares more pixels than the limits allow (a decompression bomb among them): refused before decoding.</summary>
    public const string ImageDimensionsTooLarge = "image-dimensions-too-large";

    /// <summary>A picture starts like a JPEG, PNG or WebP but cannot be read to the end: cut short, damaged or disguised.</summary>
    public const string ImageCorrupt = "image-corrupt";

    /// <summary>The refusals of a promo code, each named: a checkout may go on without the code after any of them.</summary>
    public static readonly IReadOnlySet<string> PromoRefusals = new HashSet<string>
    {
        PromoNotFound, PromoInactive, PromoExpired, PromoLimitReached, PromoCustomerLimitReached, PromoNotApplicable, PromoMinimumNotMet,
    };
}

/// <summary>
/// Either a value or an <see cref="Error"/>; expected failures travel here, bugs throw. A class, so there is no
/// default instance that would read as a success without a value; the compiler knows which side is set after
/// <see cref="IsSuccess"/> is checked.
/// </summary>
public sealed class Result<T>
    where T : notnull
{
    private Result(T? value, Error? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public Error? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static Result<T> Success(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);
    public static Result<T> Failure(Error error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator Result<T>(T value) => Success(value);
    public static implicit operator Result<T>(Error error) => Failure(error);
}
