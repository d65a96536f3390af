using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages;

/// <summary>
/// /checkout: the stepper (contact → shipping → promo code → payment → review), the hold countdown above it, the notice
/// (<c>role=alert</c>) for payment outcomes and the panel that explains why the items could not be reserved.
/// </summary>
public sealed partial class CheckoutPage(IPage page) : ShopPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Checkout", Level = 1 });

    // ---- the stepper

    /// <summary>The step shown now: its tab is the selected one ("2 Promo code").</summary>
    public ILocator CurrentStep => Page.GetByRole(AriaRole.Tab, new() { Selected = true });

    public ILocator StepHeading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 2, Exact = true });

    public ILocator Email => Page.GetByLabel("Email");

    public ILocator FullName => Page.GetByLabel("Full name");

    public ILocator ContinueButton => Page.GetByRole(AriaRole.Button, new() { Name = "Continue", Exact = true });

    // ---- the shipping step

    public ILocator RecipientName => Page.GetByLabel("Recipient's name");

    public ILocator Street => Page.GetByLabel("Street address");

    public ILocator City => Page.GetByLabel("Town or city");

    public ILocator PostalCode => Page.GetByLabel("ZIP or postal code");

    /// <summary>The state (or province): the browser's own select.</summary>
    public ILocator Region => Page.GetByLabel("State");

    /// <summary>The delivery methods offered to the address, each a radio button named with its name and price.</summary>
    public ILocator DeliveryMethod(string name) => Page.GetByRole(AriaRole.Radio, new() { Name = name });

    /// <summary>The shipping step's summary of why the address was refused.</summary>
    public ILocator ShippingRefusal => Page.GetByTestId("shipping-refusal");

    public ILocator PromoCode => Page.GetByRole(AriaRole.Textbox, new() { Name = "Promo code" });

    public ILocator ApplyPromoButton => Page.GetByRole(AriaRole.Button, new() { Name = "Apply", Exact = true });

    /// <summary>The promo field's own live region: "WELCOME10 applied: you save USD 1.49.", or why the code was refused.</summary>
    public ILocator PromoStatus => Page.GetByRole(AriaRole.Tabpanel).GetByRole(AriaRole.Status);

    public ILocator ContinueToPaymentButton => Page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment" });

    public ILocator CardNumber => Page.GetByLabel("Card number");

    public ILocator Expiry => Page.GetByLabel("Expiry (MM/YY)");

    public ILocator Cvc => Page.GetByLabel("Security code (CVC)");

    public ILocator ReviewOrderButton => Page.GetByRole(AriaRole.Button, new() { Name = "Review order" });

    /// <summary>"Pay USD 19.89", or "Paying…" while the payment runs.</summary>
    public ILocator PayButton => Page.GetByRole(AriaRole.Button, new() { NameRegex = PayLabel() });

    public ILocator ReviewLines => Page.GetByRole(AriaRole.List, new() { Name = "Items in your order" }).GetByRole(AriaRole.Listitem);

    public ILocator ReviewLine(string productName) => ReviewLines.Filter(new() { HasText = productName });

    // ---- the hold

    /// <summary>The countdown's region; after a release it says "Your items were released."</summary>
    public ILocator Reservation => Page.GetByRole(AriaRole.Region, new() { Name = "Reserved items" });

    public ILocator Countdown => Reservation.GetByRole(AriaRole.Timer);

    public ILocator StartAgainButton => Reservation.GetByRole(AriaRole.Button, new() { Name = "Start again with what's in stock" });

    // ---- outcomes

    /// <summary>The page's alert: a declined card, a reservation that ran out before payment…</summary>
    public ILocator Notice => Page.GetByRole(AriaRole.Alert);

    /// <summary>Why the items could not be reserved: "Not enough stock for your order", "Some prices changed…".</summary>
    public ILocator ProblemHeading => Page.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = ProblemTitle() });

    public ILocator ProblemItems => Page.GetByRole(AriaRole.Listitem).Filter(new() { HasTextRegex = ProblemLine() });

    public ILocator AcceptNewPricesButton => Page.GetByRole(AriaRole.Button, new() { Name = "Accept new prices and continue" });

    public ILocator OrderSummary => Page.GetByRole(AriaRole.Complementary, new() { Name = "Order summary" });

    /// <summary>
    /// Starts writing down every value the countdown shows (and "Time is up" once the reservation ended), in the page itself, so that no value
    /// is missed between two looks from the test. Read them with <see cref="CountdownSeenAsync"/>.
    /// </summary>
    public Task RecordCountdownAsync() => Page.EvaluateAsync("""
        () => {
            const seen = window.__countdownSeen = [];
            const record = () => {
                const region = document.querySelector('section[aria-label="Reserved items"]');
                if (!region) return;
                const timer = region.querySelector('[role=timer]');
                const text = timer ? timer.textContent.trim() : region.textContent.includes('Time is up') ? 'Time is up' : null;
                if (text && seen[seen.length - 1] !== text) seen.push(text);
            };
            record();
            new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """);

    /// <summary>The countdown's values in the order shown since <see cref="RecordCountdownAsync"/>.</summary>
    public async Task<string[]> CountdownSeenAsync() => await Page.EvaluateAsync<string[]>("() => window.__countdownSeen ?? []");

    public async Task OpenAsync()
    {
        await Page.GotoAsync("/checkout");
        await WaitForCircuitAsync();
        await Expect(Heading).ToBeVisibleAsync();
    }

    public async Task FillContactAsync(string email, string name)
    {
        await Expect(StepHeading("Contact details")).ToBeVisibleAsync();
        await Email.FillAsync(email);
        await FullName.FillAsync(name);
    }

    /// <summary>Continues from the contact step, which reserves the items, and waits for the shipping step.</summary>
    public async Task ReserveAsync()
    {
        await ContinueButton.ClickAsync();
        await ExpectStepAsync(ShippingHeading);
        await Expect(Countdown).ToBeVisibleAsync();
    }

    public const string ShippingHeading = "Shipping address and delivery";

    /// <summary>
    /// Types a US address into the shipping step: street, city, state (chosen by its name), ZIP, and leaves the ZIP
    /// field, so that its check has run before the next click (a message appearing or going under a field moves the
    /// buttons below it, and a click that lands while it moves is lost).
    /// </summary>
    public async Task FillUsAddressAsync(string street, string city, string state, string zip)
    {
        await Street.FillAsync(street);
        await City.FillAsync(city);
        await ChooseStateAsync(state);
        await EnterZipAsync(zip);
    }

    /// <summary>Types a ZIP code and leaves the field, so that its check has run.</summary>
    public async Task EnterZipAsync(string zip)
    {
        await PostalCode.FillAsync(zip);
        await PostalCode.BlurAsync();
    }

    /// <summary>Waits until no field of the step is marked invalid (each message has gone, and the layout is still).</summary>
    public Task ExpectNoInvalidFieldAsync() => Expect(Page.GetByRole(AriaRole.Tabpanel).Locator("[aria-invalid=true]")).ToHaveCountAsync(0);

    public Task ChooseStateAsync(string state) => Region.SelectOptionAsync(new SelectOptionValue { Label = state });

    /// <summary>Ships to Portland, Oregon (no sales tax, Standard delivery) and waits for the promo step.</summary>
    public async Task ShipToPortlandAsync()
    {
        await FillUsAddressAsync("1 Main Street", "Portland", "Oregon", "97201");
        await ExpectNoInvalidFieldAsync();
        await ContinueButton.ClickAsync();
        await ExpectStepAsync("Promo code");
    }

    public async Task ApplyPromoAsync(string code)
    {
        await PromoCode.FillAsync(code);
        await ApplyPromoButton.ClickAsync();
    }

    public async Task ContinueToPaymentAsync()
    {
        await ContinueToPaymentButton.ClickAsync();
        await ExpectStepAsync("Payment");
    }

    /// <summary>Types a test card (<see cref="Cards"/>) into the payment step: number, expiry and security code.</summary>
    public async Task EnterCardAsync(TestCard card)
    {
        await CardNumber.FillAsync(card.CardNumber);
        await Expiry.FillAsync(card.Expiry);
        await Cvc.FillAsync(card.Cvc);
    }

    public async Task ReviewAsync()
    {
        await ReviewOrderButton.ClickAsync();
        await ExpectStepAsync("Review and pay");
    }

    /// <summary>From the promo step to the review with <paramref name="card"/> (the approved test card when null), ready to pay.</summary>
    public async Task PaymentAndReviewAsync(TestCard? card = null)
    {
        await ContinueToPaymentAsync();
        await EnterCardAsync(card ?? Cards.Approved);
        await ReviewAsync();
    }

    public Task ExpectStepAsync(string heading) => Expect(StepHeading(heading)).ToBeVisibleAsync();

    /// <summary>The countdown's value in seconds ("04:59" is 299).</summary>
    public async Task<int> SecondsLeftAsync() => ToSeconds(await Countdown.InnerTextAsync());

    public static int ToSeconds(string mmss)
    {
        var match = MinutesSeconds().Match(mmss);
        if (!match.Success)
        {
            throw new FormatException($"Not a countdown: '{mmss}'.");
        }
        return int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture) * 60
            + int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^(Pay |Paying)")]
    private static partial Regex PayLabel();

    [GeneratedRegex("^(Not enough stock|Some prices changed)")]
    private static partial Regex ProblemTitle();

    [GeneratedRegex("(sold out|only \\d+ left|was .+, now .+)")]
    private static partial Regex ProblemLine();

    [GeneratedRegex(@"(?<m>\d+):(?<s>\d{2})")]
    private static partial Regex MinutesSeconds();
}
