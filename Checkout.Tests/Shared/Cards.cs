using Checkout.Data.Payments;

namespace Checkout.Testing;

/// <summary>
/// A card as a shopper types it. It is also the JSON body of <c>POST /api/checkouts/{id}/complete</c>, and it converts
/// to the <see cref="CardDetails"/> the shop's services take.
/// </summary>
public sealed record TestCard(string CardNumber, string Expiry, string Cvc)
{
    /// <summary>
    /// The card as the API's JSON body, <c>{"cardNumber":…,"expiry":…,"cvc":…}</c>, for raw requests. A method, not a
    /// property, so that serializing the card itself sends these three fields only.
    /// </summary>
    public string ToJson() => $$"""{"cardNumber":"{{CardNumber}}","expiry":"{{Expiry}}","cvc":"{{Cvc}}"}""";

    public static implicit operator CardDetails(TestCard card) => new(card.CardNumber, card.Expiry, card.Cvc);
}

/// <summary>
/// The test cards of <see cref="SimulatedPaymentGateway"/>, typed in groups of four, with an expiry and a security code
/// that pass validation (on the tests' fake clock and on the real one alike).
/// </summary>
public static class Cards
{
    public const string Expiry = "12/39";
    public const string Cvc = "123";

    public static readonly TestCard Approved = Typed(SimulatedPaymentGateway.ApprovedCard);

    public static readonly TestCard Declined = Typed(SimulatedPaymentGateway.DeclinedCard);

    public static readonly TestCard InsufficientFunds = Typed(SimulatedPaymentGateway.InsufficientFundsCard);

    /// <summary>Authorized, but the gateway's first answer times out; a retry with the same key gets the approval.</summary>
    public static readonly TestCard TimesOutOnce = Typed(SimulatedPaymentGateway.TimeoutCard);

    private static TestCard Typed(string digits) => new(string.Join(' ', digits.Chunk(4).Select(c => new string(c))), Expiry, Cvc);
}
