using Bunit;
using Checkout.Data.Payments;
using Checkout.Web.Components.Shared;

namespace Checkout.Tests.Components;

/// <summary>The card form has a labelled field per card detail, says which one is wrong, and lists the test cards in development.</summary>
public class CardFormTests : CheckoutTestContext
{
    [Fact]
    public void EveryField_HasALabel_AndTheCardAutocompleteHint()
    {
        var cut = RenderForm();

        Assert.Equal("cc-number", InputLabelled(cut, "Card number").GetAttribute("autocomplete"));
        Assert.Equal("cc-exp", InputLabelled(cut, "Expiry (MM/YY)").GetAttribute("autocomplete"));
        Assert.Equal("cc-csc", InputLabelled(cut, "Security code (CVC)").GetAttribute("autocomplete"));
        Assert.All(cut.FindAll("input"), input => Assert.Equal("numeric", input.GetAttribute("inputmode")));
    }

    [Fact]
    public async Task AValidCard_IsReturned()
    {
        var entry = new CardForm.Entry();
        var cut = RenderForm(entry);
        await FillAsync(cut, "4242 4242 4242 4242", "1230", "123");

        var card = await cut.InvokeAsync(() => cut.Instance.ValidateAsync());

        Assert.NotNull(card);
        Assert.Equal(("4242424242424242", "12/30", "123"), (card.Digits, card.Expiry, card.Cvc));
        Assert.Empty(cut.FindAll(".mud-input-error"));
    }

    [Theory]
    [InlineData("4242 4242 4242 4241", "12/30", "123", "This card number isn't valid. Check the digits and try again.")]
    [InlineData("4242 4242 4242 4242", "02/26", "123", "Enter the expiry date as MM/YY; it can't be in the past.")]
    [InlineData("4242 4242 4242 4242", "13/30", "123", "Enter the expiry date as MM/YY; it can't be in the past.")]
    [InlineData("4242 4242 4242 4242", "12/30", "12", "The security code is the 3 or 4 digits on the back of the card.")]
    [InlineData("", "12/30", "123", "Enter the card number.")]
    [InlineData("4242 4242 4242 4242", "", "123", "Enter the expiry date as MM/YY.")]
    [InlineData("4242 4242 4242 4242", "12/30", "", "Enter the 3 or 4 digit security code.")]
    public async Task AnInvalidField_IsNamed_AndNoCardIsReturned(string number, string expiry, string cvc, string message)
    {
        var cut = RenderForm();
        await FillAsync(cut, number, expiry, cvc);

        var card = await cut.InvokeAsync(() => cut.Instance.ValidateAsync());

        Assert.Null(card);
        var error = Assert.Single(cut.FindAll(".mud-input-helper-text.mud-input-error"));
        Assert.Equal(message, error.TextContent.Trim());
    }

    [Fact]
    public async Task TestCards_InDevelopment_AreListed_AndUseFillsTheForm()
    {
        var entry = new CardForm.Entry();
        var cut = RenderForm(entry, showTestCards: true);

        var listed = cut.FindAll(".card-form__test-card-list li code").Select(c => c.TextContent).ToList();
        Assert.Equal(SimulatedPaymentGateway.TestCards.Select(c => c.Number), listed);
        Assert.Contains("declined", cut.Find(".card-form__test-card-list").TextContent, StringComparison.Ordinal);

        await ClickAsync(cut, "Use test card 4000 0000 0000 0002");

        Assert.Equal("4000 0000 0000 0002", entry.Number);
        var card = await cut.InvokeAsync(() => cut.Instance.ValidateAsync());
        Assert.Equal(SimulatedPaymentGateway.DeclinedCard, card?.Digits);
    }

    [Fact]
    public void TestCards_OutsideDevelopment_AreNotShown()
    {
        var cut = RenderForm();

        Assert.Empty(cut.FindAll(".card-form__test-cards"));
        Assert.DoesNotContain("4000 0000 0000 0002", cut.Markup, StringComparison.Ordinal);
    }

    private IRenderedComponent<CardForm> RenderForm(CardForm.Entry? entry = null, bool showTestCards = false) =>
        Render<CardForm>(p => p
            .Add(c => c.Value, entry ?? new CardForm.Entry())
            .Add(c => c.ShowTestCards, showTestCards));

    private static async Task FillAsync(IRenderedComponent<CardForm> cut, string number, string expiry, string cvc)
    {
        await ChangeAsync(cut, "Card number", number);
        await ChangeAsync(cut, "Expiry (MM/YY)", expiry);
        await ChangeAsync(cut, "Security code (CVC)", cvc);
        await cut.InvokeAsync(() => { });
    }
}
