using System.Text.RegularExpressions;

namespace Checkout.Data.Common;

/// <summary>Shape checks for everything a client can send; each returns null when the input is acceptable.</summary>
public static partial class InputRules
{
    public const int MaxLineQuantity = 99;
    public const int MaxLines = 50;

    public static Error? Sku(string? sku) =>
        sku is not null && SkuPattern().IsMatch(sku) ? null : Error.Validation("A SKU is 1–32 letters, digits or dashes.");

    public static Error? LineQuantity(int quantity) =>
        quantity is >= 1 and <= MaxLineQuantity ? null
            : Error.Validation($"Quantity must be between 1 and {MaxLineQuantity}.");

    public static Error? Email(string? email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || HasControlCharacters(email) || !EmailPattern().IsMatch(email))
        {
            return Error.Validation("Enter a valid email address.");
        }
        return null;
    }

    public static Error? PersonName(string? name) =>
        IsText(name, 100, required: true) ? null : Error.Validation("A name is 1–100 printable characters.");

    /// <summary>Free text: at most <paramref name="maxLength"/> printable characters, and not blank when required.</summary>
    public static bool IsText(string? value, int maxLength, bool required) =>
        string.IsNullOrWhiteSpace(value)
            ? !required
            : value.Length <= maxLength && !HasControlCharacters(value);

    public static Error? PromoCode(string? code) =>
        code is not null && PromoPattern().IsMatch(code) ? null
            : Error.Validation("A promo code is 3–32 letters, digits or dashes.");

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static string NormalizeCode(string code) => code.Trim().ToUpperInvariant();

    private static bool HasControlCharacters(string value) => value.Any(char.IsControl);

    // \z, not $: $ also matches before a trailing newline, which would let "SKU\n" through.
    [GeneratedRegex(@"^[A-Za-z0-9-]{1,32}\z")]
    private static partial Regex SkuPattern();

    [GeneratedRegex(@"^\s*[A-Za-z0-9-]{3,32}\s*$")]
    private static partial Regex PromoPattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
