using Checkout.Data.Common;
using Checkout.Data.Payments;

namespace Checkout.Tests.Data;

/// <summary>What the shopper typed into the card form, checked before anything is sent to the gateway.</summary>
public class CardDetailsTests
{
    private static readonly DateTimeOffset March2026 = new(2026, 3, 15, 9, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("4242 4242 4242 4242", "12/30", "123")]
    [InlineData("4242-4242-4242-4242", "12/30", "123")]
    [InlineData("4242424242424242", "12/2030", "123")]
    [InlineData("5555 5555 5555 4444", " 03 / 26 ", "000")]
    [InlineData("3782 822463 10005", "01/27", "1234")]
    [InlineData("000000000000", "12/30", "123")]
    [InlineData("0000000000000000000", "12/30", "123")]
    public void Validate_WellFormedCard_ReturnsNull(string number, string expiry, string cvc) =>
        Assert.Null(Card(number, expiry, cvc).Validate(March2026));

    [Theory]
    [InlineData("4242 4242 4242 4241")]
    [InlineData("1234 5678 9012 3456")]
    [InlineData("4242 4242 4242 4224")]
    [InlineData("00000000000")]
    [InlineData("00000000000000000000")]
    [InlineData("4242a4242424242424")]
    [InlineData("4242.4242.4242.4242")]
    [InlineData("4242 4242 4242 4242\n")]
    [InlineData("")]
    public void Validate_BadNumber_ReturnsNumberError(string number) =>
        AssertInvalid(Card(number: number), "The card number is not valid.");

    [Theory]
    [InlineData("02/26")]
    [InlineData("12/25")]
    [InlineData("13/30")]
    [InlineData("00/30")]
    [InlineData("garbage")]
    [InlineData("12-30")]
    [InlineData("1230")]
    [InlineData("12/30/1")]
    [InlineData("12/")]
    [InlineData("")]
    [InlineData("12/2201")]
    public void Validate_BadOrPastExpiry_ReturnsExpiryError(string expiry) =>
        AssertInvalid(Card(expiry: expiry), "The expiry date must be MM/YY and not in the past.");

    [Fact]
    public void Validate_ExpiryInTheCurrentMonth_IsStillValid()
    {
        Assert.Null(Card(expiry: "03/26").Validate(March2026));
        Assert.NotNull(Card(expiry: "03/26").Validate(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData("12345")]
    [InlineData("12a")]
    [InlineData("12 3")]
    [InlineData("١٢٣")]
    public void Validate_CvcNotThreeOrFourDigits_ReturnsCvcError(string cvc) =>
        AssertInvalid(Card(cvc: cvc), "The security code is 3 or 4 digits.");

    [Theory]
    [InlineData("4242 4242 4242 4242", "Visa")]
    [InlineData("5555 5555 5555 4444", "Mastercard")]
    [InlineData("3782 822463 10005", "Amex")]
    [InlineData("3400 000000 00009", "Amex")]
    [InlineData("3530 1113 3330 0000", "Card")]
    [InlineData("6011 1111 1111 1117", "Card")]
    [InlineData("", "Card")]
    public void Brand_FollowsTheLeadingDigits(string number, string brand) =>
        Assert.Equal(brand, Card(number: number).Brand);

    [Theory]
    [InlineData("4000 0000 0000 0119", "0119")]
    [InlineData("4000-0000-0000-9995", "9995")]
    [InlineData("3782 822463 10005", "0005")]
    [InlineData("12", "12")]
    [InlineData("", "")]
    public void Last4_IsTheLastFourDigitsIgnoringSeparators(string number, string last4) =>
        Assert.Equal(last4, Card(number: number).Last4);

    [Fact]
    public void ToString_ShowsBrandAndLast4Only()
    {
        var card = Card("4000 0000 0000 0119", "12/30", "987");

        var shown = card.ToString();

        Assert.Equal("Visa •••• 0119", shown);
        Assert.Equal(shown, $"{card}");
        Assert.DoesNotContain("4000", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("987", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("12/30", shown, StringComparison.Ordinal);
    }

    private static CardDetails Card(string number = "4242 4242 4242 4242", string expiry = "12/30", string cvc = "123") =>
        new(number, expiry, cvc);

    private static void AssertInvalid(CardDetails card, string message)
    {
        var error = card.Validate(March2026);

        Assert.NotNull(error);
        Assert.Equal((ErrorCodes.Validation, message), (error.Code, error.Message));
    }
}
