using Checkout.Data.Common;

namespace Checkout.Data.Payments;

/// <summary>
/// A card payment gateway. Every call carries an idempotency key: repeating a call with the same key returns the
/// first call's result and never moves money twice.
/// </summary>
public interface IPaymentGateway
{
    Task<GatewayResult> AuthorizeAsync(string idempotencyKey, long amountMinor, string currency, CardDetails card, CancellationToken ct = default);

    Task<GatewayResult> CaptureAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default);

    Task<GatewayResult> VoidAsync(string idempotencyKey, string authorizationId, CancellationToken ct = default);

    Task<GatewayResult> RefundAsync(string idempotencyKey, string authorizationId, long amountMinor, CancellationToken ct = default);

    /// <summary>
    /// The answer the gateway gave to the call of <paramref name="kind"/> made with <paramref name="idempotencyKey"/>,
    /// without making it: what recovery needs when the process that made the call died before recording the answer.
    /// Null when no such call was made; <see cref="GatewayOutcome.Timeout"/> when the gateway cannot tell now. A gateway
    /// that offers no look-up keeps this default, which never lets recovery assume that no money moved.
    /// </summary>
    Task<GatewayResult?> FindAsync(GatewayOperationKind kind, string idempotencyKey, CancellationToken ct = default) =>
        Task.FromResult<GatewayResult?>(GatewayResult.CannotLookUp);
}

public enum GatewayOutcome
{
    Approved,
    Declined,
    InsufficientFunds,

    /// <summary>The gateway did not answer in time: the call may or may not have happened. Retry with the same key.</summary>
    Timeout,
}

/// <param name="Card">
/// On an approved authorization, the card the gateway authorized: what the shop records, never what a retry sent
/// (a repeated key returns the first call's card).
/// </param>
public sealed record GatewayResult(GatewayOutcome Outcome, string? TransactionId, string Message, CardSummary? Card = null)
{
    /// <summary>The look-up answer of a gateway that cannot look earlier calls up: it cannot tell.</summary>
    public static readonly GatewayResult CannotLookUp = new(GatewayOutcome.Timeout, null, "This gateway cannot look up earlier calls.");

    public bool Approved => Outcome == GatewayOutcome.Approved;
}

/// <summary>What the shopper typed. Never stored or logged: only <see cref="Brand"/> and <see cref="Last4"/> are kept.</summary>
public sealed record CardDetails(string Number, string Expiry, string Cvc)
{
    public string Digits { get; } = new(Number.Where(char.IsAsciiDigit).ToArray());

    public string Last4 => Digits.Length >= 4 ? Digits[^4..] : Digits;

    public string Brand => Digits switch
    {
        ['4', ..] => "Visa",
        ['5', ..] => "Mastercard",
        ['3', '4' or '7', ..] => "Amex",
        _ => "Card",
    };

    /// <summary>Checks the shape of the card (Luhn, expiry not past, CVC); returns null when it may be sent to the gateway.</summary>
    public Error? Validate(DateTimeOffset now)
    {
        if (Number.Any(c => !char.IsAsciiDigit(c) && c != ' ' && c != '-') || Digits.Length is < 12 or > 19 || !PassesLuhn(Digits))
        {
            return Error.Validation("The card number is not valid.");
        }
        if (!TryParseExpiry(Expiry, out var year, out var month) || (year, month).CompareTo((now.Year, now.Month)) < 0)
        {
            return Error.Validation("The expiry date must be MM/YY and not in the past.");
        }
        if (Cvc.Length is < 3 or > 4 || !Cvc.All(char.IsAsciiDigit))
        {
            return Error.Validation("The security code is 3 or 4 digits.");
        }
        return null;
    }

    /// <summary>All of the card that may be kept.</summary>
    public CardSummary Summary => new(Brand, Last4);

    public override string ToString() => $"{Brand} •••• {Last4}";

    private static bool TryParseExpiry(string expiry, out int year, out int month)
    {
        year = month = 0;
        var parts = expiry.Split('/', StringSplitOptions.TrimEntries);
        // Digits only: int.TryParse alone would also take a sign and trailing NUL characters.
        if (parts.Length != 2 || !parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit))
            || !int.TryParse(parts[0], out month) || !int.TryParse(parts[1], out year) || month is < 1 or > 12)
        {
            return false;
        }
        year += year < 100 ? 2000 : 0;
        return year is >= 2000 and <= 2200;
    }

    private static bool PassesLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}

/// <summary>A card as the shop may keep it: brand and last four digits.</summary>
public sealed record CardSummary(string Brand, string Last4);
