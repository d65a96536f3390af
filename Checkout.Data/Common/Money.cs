using System.Globalization;

namespace Checkout.Data.Common;

/// <summary>
/// Money is a count of minor units (cents) in one ISO currency. Arithmetic stays in <see cref="long"/>;
/// the only division is a percentage discount, which rounds down so a shopper never gets more than the stated rate.
/// </summary>
public static class Money
{
    public const string DefaultCurrency = "USD";

    public static long Percentage(long amountMinor, int percent) => amountMinor * percent / 100;

    public static string Format(long amountMinor, string currency)
    {
        var sign = amountMinor < 0 ? "-" : "";
        var abs = Math.Abs(amountMinor);
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{currency} {abs / 100}.{abs % 100:00}");
    }
}
