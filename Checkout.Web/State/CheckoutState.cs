using Checkout.Data.CheckoutSessions;
using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Shipping;
using Checkout.Web.Components.Shared;
using Checkout.Web.Orders;
using Checkout.Web.Security;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Checkout.Web.State;

/// <summary>Something the checkout tells the shopper above its steps; <see cref="OfferRestart"/> adds the start-again button.</summary>
public sealed record CheckoutNotice(Severity Severity, string Text, bool OfferRestart = false);

/// <summary>The shipping address as the shopper types it: any field may be blank or wrong until the checkout accepts it.</summary>
public sealed class AddressEntry
{
    public string? Name { get; set; }
    public string? Line1 { get; set; }
    public string? Line2 { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }

    /// <summary>The United States until the shopper chooses another: the shop sells in US dollars.</summary>
    public string? Country { get; set; } = "US";

    public string? Phone { get; set; }

    public ShippingAddressInput ToInput() => new(Name, Line1, Line2, City, Region, PostalCode, Country, Phone);

    public static AddressEntry From(ShippingAddress address) => new()
    {
        Name = address.Name, Line1 = address.Line1, Line2 = address.Line2, City = address.City,
        Region = address.Region, PostalCode = address.PostalCode, Country = address.Country, Phone = address.Phone,
    };
}

/// <summary>
/// The storefront's checkout in one circuit: which step the shopper is on, the held checkout, the card entered, and
/// what to tell the shopper. The page and its step components render it and forward the shopper's intents to it; the
/// workflow rules themselves are <see cref="CheckoutFlow"/>'s, the same ones the HTTP API follows.
/// </summary>
public sealed class CheckoutState(
    CheckoutFlow flow, CheckoutService checkouts, CartState cart, WaitlistState waitlist, ShopperClient shopper, OrderLinks links,
    NavigationManager navigation, TimeProvider clock)
{
    public const int ContactStep = 0;
    public const int ShippingStep = 1;
    public const int PromoStep = 2;
    public const int PaymentStep = 3;
    public const int ReviewStep = 4;

    // The idempotency key of the checkout: minted once per page (and again only for a new hold after a release), so
    // a double submit of the contact step reuses the same session and never holds twice.
    private Guid _sessionId;

    public CheckoutView? Checkout { get; private set; }

    /// <summary>What the shopper typed into the card form; a declined card's number and code are cleared.</summary>
    public CardForm.Entry CardEntry { get; } = new();

    public CardDetails? Card { get; private set; }

    /// <summary>The address on the shipping step: the checkout's own once it has one, else what the shopper has typed so far.</summary>
    public AddressEntry Address { get; private set; } = new();

    /// <summary>The delivery method chosen on the shipping step; null lets the checkout take the cheapest.</summary>
    public Guid? DeliveryMethodId { get; set; }

    /// <summary>The delivery methods to the address's country, cheapest first, as last listed; null before the first listing.</summary>
    public IReadOnlyList<DeliveryOption>? DeliveryOptions { get; private set; }

    /// <summary>Why the checkout refused the address or method; a validation error's details name each field's messages.</summary>
    public Error? ShippingError { get; private set; }

    public bool SavingShipping { get; private set; }

    public string? Email { get; set; }
    public string? Name { get; set; }
    public int Step { get; private set; }
    public bool Loaded { get; private set; }
    public bool Starting { get; private set; }
    public bool Paying { get; private set; }
    public bool Paid { get; private set; }

    /// <summary>The held items were given back (expired, cancelled, declined without a new hold): nothing can be paid.</summary>
    public bool Released { get; private set; }

    /// <summary>Why the last start could not hold the items (prices changed, out of stock, …), shown with its fixes.</summary>
    public Error? StartError { get; private set; }

    public CheckoutNotice? Notice { get; private set; }

    /// <summary>An open waitlist offer being claimed, until a hold has taken its unit; the claim is bound to the email the shopper waited with.</summary>
    public WaitlistClaim? Claim { get; private set; }

    /// <summary>Set when the step changed, so that the page moves focus to the new step's heading once.</summary>
    public bool StepChanged { get; set; }

    /// <summary>
    /// Loads the page: resumes <paramref name="session"/> (a reload, a second tab) or takes the waitlist offer
    /// <paramref name="claim"/>: one joined in this circuit, or one its claim link's <paramref name="claimKey"/> opens
    /// (the shopper came from the offer's e-mail, in any browser).
    /// </summary>
    public async Task OpenAsync(Guid? session, Guid? claim, string? claimKey = null)
    {
        (Checkout, Card, Email, Name, Step, Loaded, Starting, Paying, Paid, Released, StartError, Notice, Claim) =
            (null, null, null, null, ContactStep, false, false, false, false, false, null, null, null);
        (CardEntry.Number, CardEntry.Expiry, CardEntry.Cvc) = (null, null, null);
        (Address, DeliveryMethodId, DeliveryOptions, ShippingError, SavingShipping) = (new(), null, null, null, false);
        _sessionId = NewSessionId();
        await cart.RefreshAsync();
        if (session is { } sessionId)
        {
            await ResumeAsync(sessionId);
        }
        else if (claim is { } entryId)
        {
            await TakeClaimAsync(entryId, claimKey);
        }
        Loaded = true;
    }

    /// <summary>
    /// The step headers go back to a finished step; forward only through each step's own button, and never past
    /// Shipping while the checkout has nowhere to go.
    /// </summary>
    public bool MayGoTo(int step) =>
        step <= Step && (step <= ShippingStep || Checkout?.Delivery is not null) && !Paying && !Starting && !SavingShipping;

    public void GoTo(int step)
    {
        Step = step;
        StepChanged = true;
    }

    public void Back()
    {
        if (Step > ContactStep)
        {
            GoTo(Step - 1);
        }
    }

    /// <summary>Contact details entered and valid: hold the cart's items (once; a held checkout just moves on).</summary>
    public async Task ContinueFromContactAsync()
    {
        if (Starting)
        {
            return;
        }
        if ((Checkout is not null && !Released) || await StartAsync(_sessionId, Checkout?.PromoCode))
        {
            GoTo(ShippingStep);
        }
    }

    /// <summary>Lists the delivery methods to <paramref name="country"/>, keeping the chosen one if it is among them, else the cheapest.</summary>
    public async Task DeliveryOptionsAsync(string country)
    {
        if (Checkout is null)
        {
            return;
        }
        var listed = await checkouts.DeliveryOptionsAsync(Checkout.CheckoutSessionId, country);
        // The shopper may have chosen another country while this one was being listed.
        if (!string.Equals(Address.Country, country, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        if (listed.IsSuccess)
        {
            Offer(listed.Value);
        }
        else
        {
            ShippingError = listed.Error;
        }
    }

    /// <summary>Sends the address and method to the checkout, which prices shipping and tax for them; on to the promo code once it accepts them.</summary>
    public async Task SaveShippingAsync()
    {
        if (SavingShipping || Checkout is null)
        {
            return;
        }
        SavingShipping = true;
        ShippingError = null;
        try
        {
            var saved = await checkouts.SetShippingAsync(Checkout.CheckoutSessionId, Address.ToInput(), DeliveryMethodId);
            if (!saved.IsSuccess)
            {
                ShippingError = saved.Error;
                // The method asked for no longer reaches the address: its refusal lists the ones that do.
                if (saved.Error.Details?.GetValueOrDefault("deliveryMethods") is IReadOnlyList<DeliveryOption> offered)
                {
                    Offer(offered);
                }
                return;
            }
            Checkout = saved.Value;
            ShowDestination(saved.Value);
            GoTo(PromoStep);
        }
        finally
        {
            SavingShipping = false;
        }
    }

    public void UseCard(CardDetails card)
    {
        Card = card;
        Notice = null;
        GoTo(ReviewStep);
    }

    public void PromoChanged(CheckoutView view) => Checkout = view;

    /// <summary>The hold's time is up or the server released it: nothing can be paid, only started again.</summary>
    public void HoldReleased() => Released = true;

    /// <summary>Prices changed since the items were added: take the new prices and hold the items.</summary>
    public async Task AcceptPricesAsync()
    {
        var accepted = await cart.AcceptChangesAsync();
        if (!accepted.IsSuccess)
        {
            StartError = accepted.Error;
        }
        else if (await StartAsync(_sessionId, Checkout?.PromoCode))
        {
            GoTo(ShippingStep);
        }
    }

    /// <summary>After a release: keep what is still in stock and hold it under a new checkout (see <see cref="CheckoutFlow.StartAgainAsync"/>).</summary>
    public async Task StartAgainAsync()
    {
        if (Starting || Checkout is not { } ended)
        {
            return;
        }
        Notice = null;
        Starting = true;
        try
        {
            var again = await flow.StartAgainAsync(ended.CheckoutSessionId);
            await cart.RefreshAsync();
            if (!again.IsSuccess)
            {
                var nothingLeft = again.Error.Code == ErrorCodes.InvalidCart;
                if (nothingLeft)
                {
                    Checkout = null;
                    Released = false;
                    Step = ContactStep;
                }
                Notice = new CheckoutNotice(nothingLeft ? Severity.Warning : Severity.Error, again.Error.Message);
                return;
            }
            Adopt(again.Value.Checkout);
            Notice = PromoNotice(again.Value, ended.PromoCode) ?? new CheckoutNotice(Severity.Success, "Your items are reserved again.");
            if (Step == ReviewStep && Card is null)
            {
                GoTo(PaymentStep);
            }
        }
        finally
        {
            Starting = false;
            }
    }

    /// <summary>Pays once (a second click while paying is ignored); the confirmation page follows a success.</summary>
    public async Task PayAsync()
    {
        // The flag, not only the disabled button: a second click can arrive before the button is re-rendered.
        if (Paying || Paid || Checkout is null || Card is null)
        {
            return;
        }
        if (!shopper.TryAcquire(ShopperAction.Payment))
        {
            Notice = new CheckoutNotice(Severity.Warning, ShopperClient.Refused);
            return;
        }
        Paying = true;
        Notice = null;
        try
        {
            var result = await flow.PayAsync(Checkout.CheckoutSessionId, Card);
            if (result.IsSuccess)
            {
                Paid = true;
                try
                {
                    // The order took its lines out of the cart in its own transaction; show the cart as it is now.
                    await cart.RefreshAsync();
                }
                finally
                {
                    // The order is placed whatever happens to the cart; the confirmation's address carries the order's key.
                    navigation.NavigateTo(links.ConfirmationPath(result.Value.Order));
                }
                return;
            }
            await OnPaymentRefusedAsync(result.Error);
        }
        finally
        {
            Paying = false;
        }
    }

    private async Task OnPaymentRefusedAsync(Error error)
    {
        switch (error.Code)
        {
            case ErrorCodes.PaymentDeclined:
                Card = null;
                (CardEntry.Number, CardEntry.Cvc) = (null, null);
                GoTo(PaymentStep);
                if (error.Details?.GetValueOrDefault(CheckoutFlow.RetryCheckoutDetail) is Guid retry && (await checkouts.GetAsync(retry)).Value is { } held)
                {
                    Adopt(held);
                    var promoDropped = error.Details.GetValueOrDefault(CheckoutFlow.PromoRefusedDetail) is string refused ? $" {refused}" : "";
                    Notice = new CheckoutNotice(Severity.Error, error.Message + promoDropped);
                }
                else
                {
                    Released = true;
                    Notice = new CheckoutNotice(Severity.Error, error.Message);
                }
                break;
            case ErrorCodes.PaymentPending:
                Notice = new CheckoutNotice(Severity.Warning, "The payment provider didn't answer in time. Press Pay again — you won't be charged twice.");
                break;
            case ErrorCodes.HoldExpired:
                Released = true;
                Notice = new CheckoutNotice(Severity.Error, "Your reservation ran out before the payment went through; nothing was charged.", OfferRestart: true);
                break;
            case ErrorCodes.CheckoutClosed:
                Released = true;
                Notice = new CheckoutNotice(Severity.Error, error.Message, OfferRestart: true);
                break;
            case ErrorCodes.ShippingAddressRequired:
                GoTo(ShippingStep);
                Notice = new CheckoutNotice(Severity.Error, error.Message);
                break;
            case ErrorCodes.Validation:
                Card = null;
                GoTo(PaymentStep);
                Notice = new CheckoutNotice(Severity.Error, error.Message);
                break;
            default:
                Notice = new CheckoutNotice(Severity.Error, error.Message);
                break;
        }
    }

    /// <summary>Holds the cart under <paramref name="sessionId"/>; says why when it cannot.</summary>
    private async Task<bool> StartAsync(Guid sessionId, string? promoCode)
    {
        if (cart.CartId is not { } cartId || Email is null || Name is null)
        {
            return false;
        }
        if (!shopper.TryAcquire(ShopperAction.Checkout))
        {
            StartError = new Error(ErrorCodes.Conflict, ShopperClient.Refused);
            return false;
        }
        Starting = true;
        StartError = null;
        try
        {
            // A code carried over from an earlier hold that no longer applies is dropped, and the shopper told so.
            var started = await flow.StartAsync(
                new StartCheckout(cartId, Email, Name, promoCode, sessionId, Claim?.EntryId), goOnWithoutRefusedPromo: promoCode is not null);
            if (!started.IsSuccess)
            {
                StartError = started.Error;
                return false;
            }
            // The hold now owns the claimed unit; a later restart holds like any other checkout.
            Claim = null;
            Adopt(started.Value.Checkout);
            Notice = PromoNotice(started.Value, promoCode) ?? Notice;
            return true;
        }
        finally
        {
            Starting = false;
        }
    }

    private static CheckoutNotice? PromoNotice(StartedFlow started, string? promoCode) =>
        started.PromoRefused is { } refused && promoCode is not null
            ? new CheckoutNotice(Severity.Warning, PromoCodeField.Refused(refused, promoCode.ToUpperInvariant()))
            : null;

    private void Adopt(CheckoutView view)
    {
        Checkout = view;
        ShowDestination(view);
        _sessionId = view.CheckoutSessionId;
        Released = false;
        var target = navigation.GetUriWithQueryParameter("session", view.CheckoutSessionId.ToString());
        if (target != navigation.Uri)
        {
            // The address now names this checkout, so a reload or a second tab resumes it instead of holding again.
            navigation.NavigateTo(target, replace: true);
        }
    }

    private async Task TakeClaimAsync(Guid entryId, string? key)
    {
        var claim = waitlist.ClaimFor(entryId);
        if (claim is null && key is not null && await waitlist.OpenAsync(entryId, key) is not null)
        {
            claim = waitlist.ClaimFor(entryId);
        }
        var added = claim is null ? null : await cart.AddOfferedAsync(entryId);
        if (claim is null || added is { IsSuccess: false })
        {
            Notice = new CheckoutNotice(Severity.Warning, "That waitlist offer is no longer open; its claim window may have passed.");
            return;
        }
        Claim = claim;
        Email = claim.Email;
    }

    private async Task ResumeAsync(Guid sessionId)
    {
        var found = await checkouts.GetAsync(sessionId);
        if (!found.IsSuccess)
        {
            return;
        }
        var view = found.Value;
        Email = view.Email;
        if (view.Status == CheckoutSessionStatus.Open && view.HoldExpiresAt > clock.GetUtcNow())
        {
            _sessionId = view.CheckoutSessionId;
            Checkout = view;
            ShowDestination(view);
            Name = view.CustomerName;
            Step = view.Delivery is null ? ShippingStep : PromoStep;
        }
        else if (view.Status == CheckoutSessionStatus.Completed)
        {
            Notice = new CheckoutNotice(Severity.Info, "That checkout is already paid. Anything in your cart now starts a new checkout.");
        }
    }

    /// <summary>The shipping step shows where the checkout goes once it has a destination; until then the order is for the contact's name.</summary>
    private void ShowDestination(CheckoutView view)
    {
        if (view.Delivery is { } delivery)
        {
            Address = AddressEntry.From(delivery.Address);
            DeliveryMethodId = delivery.MethodId;
        }
        else
        {
            Address.Name ??= view.CustomerName;
        }
    }

    private void Offer(IReadOnlyList<DeliveryOption> options)
    {
        DeliveryOptions = options;
        if (options.All(o => o.MethodId != DeliveryMethodId))
        {
            DeliveryMethodId = options.FirstOrDefault()?.MethodId;
        }
    }

    private Guid NewSessionId() => Guid.CreateVersion7(clock.GetUtcNow());
}
