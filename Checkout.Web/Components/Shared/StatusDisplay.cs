using System.Globalization;
using Checkout.Data.Carts;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Webhooks;
using Checkout.Web.Api;
using Checkout.Web.Components.Admin;
using MudBlazor;

namespace Checkout.Web.Components.Shared;

/// <summary>How one status looks wherever it is shown.</summary>
/// <param name="Code">The status as the shop writes it: the upper-case wire name for orders and payments (admin pages, the
/// order page, exports and the API agree on it), a short word for the rest.</param>
/// <param name="Label">The status in plain words, for a shopper ("Waiting for payment").</param>
/// <param name="Color">Its colour: the same on every page, chip, timeline dot and icon.</param>
/// <param name="Icon">Its icon, where a page shows one beside it.</param>
public sealed record StatusLook(string Code, string Label, Color Color, string Icon);

/// <summary>
/// The one map from each kind of status to its look. A page never picks a status's colour, label or icon itself: it
/// asks here, so a status looks the same on the storefront and in the back office.
/// </summary>
/// <remarks>
/// The palette: grey while the shop waits for something, blue while a step is under way, green when all is well, amber
/// while goods or money go back, red when it ended badly.
/// </remarks>
public static class StatusDisplay
{
    public static StatusLook Of(OrderStatus status) => status switch
    {
        OrderStatus.Pending => Order(status, "Waiting for payment", Color.Default, Icons.Material.Filled.HourglassEmpty),
        OrderStatus.PaymentAuthorized => Order(status, "Payment authorised", Color.Default, Icons.Material.Filled.CreditScore),
        OrderStatus.Confirmed => Order(status, "Confirmed", Color.Success, Icons.Material.Filled.CheckCircle),
        OrderStatus.Shipped => Order(status, "Shipped", Color.Info, Icons.Material.Filled.LocalShipping),
        OrderStatus.Delivered => Order(status, "Delivered", Color.Success, Icons.Material.Filled.TaskAlt),
        OrderStatus.ReturnInitiated => Order(status, "Return started", Color.Warning, Icons.Material.Filled.AssignmentReturn),
        OrderStatus.Returned => Order(status, "Returned", Color.Warning, Icons.Material.Filled.AssignmentReturned),
        OrderStatus.PaymentFailed => Order(status, "Payment failed", Color.Error, Icons.Material.Filled.CreditCardOff),
        OrderStatus.Cancelled => Order(status, "Cancelled", Color.Error, Icons.Material.Filled.Cancel),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "An order status without a look."),
    };

    /// <summary>A payment's status; no payment at all reads "NONE".</summary>
    public static StatusLook Of(PaymentStatus? status) => status switch
    {
        null => new("NONE", "No payment", Color.Default, Icons.Material.Filled.Remove),
        PaymentStatus.Authorized => Payment(status.Value, "Authorized, not charged yet", Color.Info, Icons.Material.Filled.CreditScore),
        PaymentStatus.Captured => Payment(status.Value, "Charged", Color.Success, Icons.Material.Filled.Payments),
        PaymentStatus.Voided => Payment(status.Value, "Voided", Color.Default, Icons.Material.Filled.MoneyOff),
        PaymentStatus.Refunded => Payment(status.Value, "Refunded", Color.Warning, Icons.Material.Filled.CurrencyExchange),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A payment status without a look."),
    };

    /// <summary>A refund's status: waiting for the payment provider, given back, or refused by it.</summary>
    public static StatusLook Of(RefundStatus status) => status switch
    {
        RefundStatus.Pending => new("PENDING", "Waiting for the payment provider", Color.Info, Icons.Material.Filled.HourglassTop),
        RefundStatus.Succeeded => new("SUCCEEDED", "Refunded", Color.Warning, Icons.Material.Filled.CurrencyExchange),
        RefundStatus.Failed => new("FAILED", "Refused by the payment provider", Color.Error, Icons.Material.Filled.MoneyOff),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A refund status without a look."),
    };

    /// <summary>A promo code's state now (<see cref="PromoDisplay.StateOf"/>).</summary>
    public static StatusLook Of(PromoState state) => state switch
    {
        PromoState.Active => new("active", "Active", Color.Success, Icons.Material.Filled.CheckCircle),
        PromoState.Scheduled => new("scheduled", "Scheduled", Color.Info, Icons.Material.Filled.Schedule),
        PromoState.Expired => new("expired", "Expired", Color.Warning, Icons.Material.Filled.EventBusy),
        PromoState.UsedUp => new("used up", "Used up", Color.Warning, Icons.Material.Filled.Block),
        PromoState.Disabled => new("disabled", "Disabled", Color.Default, Icons.Material.Filled.DoNotDisturb),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "A promo state without a look."),
    };

    /// <summary>An invariant check of the dashboard: it holds (no offending row) or it is broken.</summary>
    public static StatusLook OfCheck(bool holds) => holds
        ? new("holds", "Holds", Color.Success, Icons.Material.Filled.CheckCircle)
        : new("broken", "Broken", Color.Error, Icons.Material.Filled.Error);

    /// <summary>An active hold whose payment has started: it ends with the payment, not by an admin's release.</summary>
    public static readonly StatusLook PayingHold = new("paying", "Payment in progress", Color.Info, Icons.Material.Filled.HourglassTop);

    /// <summary>A problem with a line of the cart, shown beside it with its fix.</summary>
    public static StatusLook Of(CartProblemKind kind) => kind switch
    {
        CartProblemKind.ItemUnavailable => new("unavailable", "No longer sold", Color.Error, Icons.Material.Filled.RemoveShoppingCart),
        CartProblemKind.PriceChanged => new("price-changed", "Price changed", Color.Warning, Icons.Material.Filled.Warning),
        CartProblemKind.InsufficientStock => new("insufficient-stock", "Not enough in stock", Color.Warning, Icons.Material.Filled.Warning),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A cart problem without a look."),
    };

    /// <summary>A product none of which is left to buy.</summary>
    public static readonly StatusLook OutOfStock = new("out-of-stock", "Out of stock", Color.Error, Icons.Material.Filled.RemoveShoppingCart);

    /// <summary>A product with only a few units left.</summary>
    public static readonly StatusLook LowStock = new("low-stock", "Only a few left", Color.Warning, Icons.Material.Filled.Warning);

    /// <summary>Whether the shop sells a product or has archived it (it never deletes one).</summary>
    public static StatusLook OfProduct(bool archived) => archived
        ? new("archived", "Archived: not sold", Color.Default, Icons.Material.Filled.Archive)
        : new("on sale", "On sale", Color.Success, Icons.Material.Filled.Storefront);

    /// <summary>A product sold as a hot item (its stock counted in Redis where the shop has it).</summary>
    public static readonly StatusLook HotProduct = new("hot", "Hot item", Color.Warning, Icons.Material.Filled.LocalFireDepartment);

    /// <summary>A webhook subscription: switched off, failing (flagged once it has failed for too long) or receiving.</summary>
    public static StatusLook Of(WebhookSubscriptionView subscription) => subscription switch
    {
        { Enabled: false } => new("disabled", "Disabled: sent nothing", Color.Default, Icons.Material.Filled.DoNotDisturb),
        { Flagged: true } => new("flagged", "Failing for too long", Color.Error, Icons.Material.Filled.Error),
        { FailingSince: not null } => new("failing", "Failing", Color.Warning, Icons.Material.Filled.Warning),
        _ => new("receiving", "Receiving", Color.Success, Icons.Material.Filled.CheckCircle),
    };

    /// <summary>One event's delivery to a subscription: delivered, dead-lettered, failing (retried after its backoff) or not attempted yet.</summary>
    public static StatusLook Of(WebhookDeliveryView delivery) => delivery switch
    {
        { DeliveredAt: not null } => new("delivered", "Delivered", Color.Success, Icons.Material.Filled.CheckCircle),
        { DeadAt: not null } => new("dead", "Dead-lettered", Color.Error, Icons.Material.Filled.Error),
        { LastError: not null } => new("failing", "Failing", Color.Warning, Icons.Material.Filled.Warning),
        _ => new("pending", "Waiting", Color.Default, Icons.Material.Filled.HourglassEmpty),
    };

    /// <summary>One attempt to send a webhook, by the status the partner answered: any 2xx is success, anything else (no answer included) a failure.</summary>
    public static StatusLook Of(WebhookAttemptView attempt) => attempt.StatusCode is not { } status
        ? new("no answer", "No answer", Color.Error, Icons.Material.Filled.CloudOff)
        : attempt.Succeeded
            ? new(status.ToString(CultureInfo.InvariantCulture), "Accepted", Color.Success, Icons.Material.Filled.CheckCircle)
            : new(status.ToString(CultureInfo.InvariantCulture), "Refused", Color.Error, Icons.Material.Filled.Error);

    private static StatusLook Order(OrderStatus status, string label, Color color, string icon) => new(status.WireName(), label, color, icon);

    private static StatusLook Payment(PaymentStatus status, string label, Color color, string icon) => new(OrderResponse.Wire(status), label, color, icon);
}
