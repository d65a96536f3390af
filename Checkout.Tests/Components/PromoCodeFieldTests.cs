using Bunit;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Promotions;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Shared;
using Checkout.Web.Security;

namespace Checkout.Tests.Components;

/// <summary>
/// The promo field applies a code to an open checkout through the real checkout service and says, in one plain
/// sentence, what happened: the saving, or why the code was refused.
/// </summary>
public class PromoCodeFieldTests : CheckoutTestContext
{
    private const string Email = "sam@example.com";

    /// <summary>Three tries per hour, so that the throttle test reaches it; every other test tries one code.</summary>
    protected override RateLimitOptions Limits => new() { Checkout = new() { PermitLimit = 3, Window = TimeSpan.FromHours(1) } };

    [Theory]
    [InlineData("welcome10", "WELCOME10 applied: you save USD 2.00.")]
    [InlineData("FREESHIP", "FREESHIP applied: shipping is free.")]
    [InlineData("NOPE", "We don't recognise the code NOPE. Check the spelling and try again.")]
    [InlineData("OLD", "The code OLD has expired.")]
    [InlineData("SOON", "The code SOON isn't active right now.")]
    [InlineData("GONE", "The code GONE has been fully redeemed; it can't be used any more.")]
    [InlineData("MINE", "You've already used the code MINE as many times as it allows.")]
    [InlineData("TEAONLY", "The code TEAONLY doesn't apply to the items in your order.")]
    [InlineData("BIG", "The code BIG needs a subtotal of at least USD 50.00. Add more items to use it.")]
    [InlineData("x!", "Promo codes are 3 to 32 letters, digits or dashes.")]
    public async Task Apply_SaysWhatHappened_ForEveryOutcome(string code, string message)
    {
        var checkout = await ShopWithEveryKindOfCodeAsync();
        CheckoutView? changed = null;
        var cut = RenderField(checkout, view => changed = view);

        await EnterAndApplyAsync(cut, code);

        cut.WaitForAssertion(() => Assert.Equal(message, Message(cut)));
        var stored = ResultAssert.Success(await Shop.Checkouts.GetAsync(checkout.CheckoutSessionId));
        if (message.Contains("applied", StringComparison.Ordinal))
        {
            Assert.Equal(code.ToUpperInvariant(), stored.PromoCode);
            Assert.Equal((stored.PromoCode, stored.DiscountMinor, stored.ShippingMinor, stored.TotalMinor),
                (changed?.PromoCode, changed?.DiscountMinor, changed?.ShippingMinor, changed?.TotalMinor));
        }
        else
        {
            Assert.Null(changed);
            Assert.Equal((checkout.PromoCode, checkout.TotalMinor), (stored.PromoCode, stored.TotalMinor));
        }
    }

    [Fact]
    public async Task Apply_PassesTheRepricedCheckoutOn()
    {
        var checkout = await ShopWithEveryKindOfCodeAsync();
        CheckoutView? changed = null;
        var cut = RenderField(checkout, view => changed = view);

        await EnterAndApplyAsync(cut, "WELCOME10");

        cut.WaitForAssertion(() => Assert.NotNull(changed));
        Assert.Equal((200L, 1800L + 499L), (changed!.DiscountMinor, changed.TotalMinor));
    }

    [Fact]
    public async Task Remove_TakesTheCodeOff_AndSaysSo()
    {
        var checkout = await ShopWithEveryKindOfCodeAsync();
        CheckoutView? changed = null;
        var cut = RenderField(checkout, view => changed = view);
        await EnterAndApplyAsync(cut, "WELCOME10");
        cut.WaitForAssertion(() => Assert.Equal("WELCOME10", changed?.PromoCode));
        cut.Render(p => p.Add(c => c.AppliedCode, "WELCOME10"));

        await ClickAsync(cut, "Remove code WELCOME10");

        cut.WaitForAssertion(() => Assert.Equal("Promo code removed.", Message(cut)));
        Assert.Null(changed!.PromoCode);
        Assert.Equal(0, changed.DiscountMinor);
    }

    [Fact]
    public async Task Apply_AfterPaymentStarted_SaysTheCodeCanNoLongerChange()
    {
        var checkout = await ShopWithEveryKindOfCodeAsync();
        ResultAssert.Success(await Shop.PlaceOrders.PlaceAsync(checkout.CheckoutSessionId, Cards.Approved));
        var cut = RenderField(checkout, _ => { });

        await EnterAndApplyAsync(cut, "WELCOME10");

        cut.WaitForAssertion(() => Assert.Equal("The code can't be changed any more: payment for this order has started.", Message(cut)));
    }

    [Fact]
    public async Task Apply_GuessingCodes_IsThrottledPerShopper_AndTheRefusedTryChangesNothing()
    {
        var checkout = await ShopWithEveryKindOfCodeAsync();
        var cut = RenderField(checkout, _ => { });
        foreach (var guess in new[] { "GUESS1", "GUESS2", "GUESS3" })
        {
            await EnterAndApplyAsync(cut, guess);
            cut.WaitForAssertion(() => Assert.Equal($"We don't recognise the code {guess}. Check the spelling and try again.", Message(cut)));
        }

        await EnterAndApplyAsync(cut, "WELCOME10");

        cut.WaitForAssertion(() => Assert.Equal(ShopperClient.Refused, Message(cut)));
        var stored = ResultAssert.Success(await Shop.Checkouts.GetAsync(checkout.CheckoutSessionId));
        Assert.Equal((null, checkout.TotalMinor), (stored.PromoCode, stored.TotalMinor));
    }

    [Fact]
    public void ApplyButton_IsDisabledUntilACodeIsTyped_AndTheFieldIsLabelled()
    {
        var cut = RenderField(new CheckoutView(Guid.NewGuid(), CheckoutSessionStatus.Open, [], 0, 0, 0, 0, "USD", null, Email, default, false), _ => { });

        Assert.True(ButtonNamed(cut, "Apply").HasAttribute("disabled"));
        Assert.Equal("input", InputLabelled(cut, "Promo code").TagName.ToLowerInvariant());
        Assert.Empty(cut.FindAll("[data-testid=promo-message]"));
    }

    /// <summary>A checkout for 2 × USD 10.00 under <see cref="Email"/>, and a code for every refusal the rules know.</summary>
    private async Task<CheckoutView> ShopWithEveryKindOfCodeAsync()
    {
        var now = Shop.Clock.GetUtcNow();
        await Shop.AddProductAsync("MUG", priceMinor: 1000, stock: 10);
        await Shop.AddProductAsync("TOTE", priceMinor: 1000, stock: 10);
        await Shop.AddPromoAsync(new PromoCode("WELCOME10", PromoKind.Percentage, 10));
        await Shop.AddPromoAsync(new PromoCode("FREESHIP", PromoKind.FreeShipping, 0));
        await Shop.AddPromoAsync(new PromoCode("OLD", PromoKind.Percentage, 10, startsAt: now.AddDays(-30), endsAt: now.AddDays(-1)));
        await Shop.AddPromoAsync(new PromoCode("SOON", PromoKind.Percentage, 10, startsAt: now.AddDays(1)));
        await Shop.AddPromoAsync(new PromoCode("GONE", PromoKind.Percentage, 10, usageLimit: 1));
        await Shop.AddPromoAsync(new PromoCode("MINE", PromoKind.Percentage, 10, perCustomerLimit: 1));
        await Shop.AddPromoAsync(new PromoCode("TEAONLY", PromoKind.Percentage, 10, scopeCategory: "Tea"));
        await Shop.AddPromoAsync(new PromoCode("BIG", PromoKind.FixedAmount, 500, minSubtotalMinor: 5000));
        // Someone else took the only use of GONE; this shopper already used MINE on another checkout.
        await Shop.OpenCheckoutAsync(email: "someone@example.com", promo: "GONE", lines: ("TOTE", 1));
        await Shop.OpenCheckoutAsync(email: Email, promo: "MINE", lines: ("TOTE", 1));
        return await Shop.OpenCheckoutAsync(email: Email, lines: ("MUG", 2));
    }

    private IRenderedComponent<PromoCodeField> RenderField(CheckoutView checkout, Action<CheckoutView> onChanged) =>
        Render<PromoCodeField>(p => p
            .Add(c => c.CheckoutSessionId, checkout.CheckoutSessionId)
            .Add(c => c.AppliedCode, checkout.PromoCode)
            .Add(c => c.OnChanged, onChanged));

    private static async Task EnterAndApplyAsync(IRenderedComponent<PromoCodeField> cut, string code)
    {
        await InputAsync(cut, "Promo code", code);
        await ClickAsync(cut, "Apply");
    }

    private static string Message(IRenderedComponent<PromoCodeField> cut) => cut.Find("[data-testid=promo-message]").TextContent.Trim();
}
