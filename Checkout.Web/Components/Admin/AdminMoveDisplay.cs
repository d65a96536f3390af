using Checkout.Data.Common;
using Checkout.Data.Orders;
using Checkout.Web.Components.Shared;
using MudBlazor;

namespace Checkout.Web.Components.Admin;

/// <summary>How one admin step looks: its button, its confirmation panel and the note it writes to the history.</summary>
/// <param name="Key">The step's name in test ids ("action-ship").</param>
/// <param name="Destructive">Cannot be undone: an outlined button, so it does not read as the obvious next step.</param>
public sealed record MoveLook(
    string Key, string Label, Color Color, string Icon, string ConfirmLabel, string DefaultReason, string Explanation, bool Destructive = false);

/// <summary>
/// The words, colours and icons of the steps <see cref="AdminMoves.For"/> allows. Which steps an order has is the
/// service's decision; this says only how each one is shown.
/// </summary>
public static class AdminMoveDisplay
{
    public static MoveLook Of(AdminMove move, OrderView order) => move.Kind switch
    {
        AdminMoveKind.Ship => new("ship", "Ship", Color.Primary, Icons.Material.Filled.LocalShipping, "Confirm shipment", "Shipped",
            "The order becomes SHIPPED and the shopper can follow it with the tracking number."),
        AdminMoveKind.Deliver => new("deliver", "Mark delivered", Color.Success, Icons.Material.Filled.Inventory, "Mark delivered", "Delivered",
            "The order becomes DELIVERED; the shopper can then start a return."),
        AdminMoveKind.AcceptReturn => new("complete-return", "Accept return", Color.Warning, Icons.Material.Filled.AssignmentReturn, "Accept return",
            "Return received", "The units go back on sale and the shopper's money is given back."),
        AdminMoveKind.Cancel => new("cancel", "Cancel order", Color.Error, Icons.Material.Filled.Cancel, "Cancel order", "Cancelled by the shop",
            "The order becomes CANCELLED for good: its units go back on sale and the shopper's money is given back.", Destructive: true),
        AdminMoveKind.Refund => Refund(move, order),
        _ => throw new ArgumentOutOfRangeException(nameof(move), move.Kind, "An admin step without a look."),
    };

    /// <summary>Why no button is shown.</summary>
    public static string Idle(AdminIdleReason reason) => reason switch
    {
        AdminIdleReason.WaitsForShopper => "Nothing to do: a delivered order moves on only when the shopper starts a return.",
        _ => "Nothing to do: this order is closed.",
    };

    private static MoveLook Refund(AdminMove move, OrderView order)
    {
        var money = Money.Format(move.RefundMinor, order.Currency);
        var payment = order.Payment;
        return new("refund", "Refund", Color.Error, Icons.Material.Filled.CurrencyExchange, $"Refund {money}", "",
            $"The payment is still {StatusDisplay.Of(payment?.Status).Code}: give {money} back to the shopper's {payment?.CardBrand} ending {payment?.CardLast4}.",
            Destructive: true);
    }
}
