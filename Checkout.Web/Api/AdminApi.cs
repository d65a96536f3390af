using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Promotions;
using Checkout.Web.Staff;
using Checkout.Web.Components.Admin;

namespace Checkout.Web.Api;

/// <summary>
/// The admin API of orders, promo codes and stock. Reading orders and resending their e-mails is for all staff
/// (<see cref="StaffPolicies.StaffRead"/>: the <c>staff</c> group); every change is for admins (<c>admin</c>).
/// </summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var staff = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.StaffRead).WithTags(ApiTags.Admin);
        var admin = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);

        staff.MapGet("/orders", ListOrdersAsync).WithName("AdminListOrders")
            .WithSummary("List orders")
            .WithDescription(
                $"A page of orders (`page` from 1, `pageSize` up to {OrderQueries.MaxPageSize}), newest first unless `sort` says " +
                "otherwise, filtered by status, creation time (`from`, `to`), email and order number.")
            .Produces<OrderPageResponse>().ProducesProblems(Problems.BadRequest, ErrorCodes.Validation);
        staff.MapGet("/orders/{orderId:guid}", async (Guid orderId, OrderService service, CancellationToken ct) =>
            StorefrontApi.Respond(await service.GetAsync(orderId, ct), OrderResponse.From)).WithName("AdminGetOrder")
            .WithSummary("Read an order")
            .WithDescription("Any order with its lines, payment and history, without its key.")
            .Produces<OrderResponse>().ProducesProblems(ErrorCodes.NotFound);
        staff.MapPost("/orders/{orderId:guid}/resend-email", async (Guid orderId, ConfirmationResends resends, HttpContext http, CancellationToken ct) =>
            {
                var result = await resends.ResendAsync(orderId, AdminActor.Of(http), http.CreatedId(), ct);
                return result.IsSuccess ? TypedResults.Accepted((string?)null, result.Value) : Problems.From(result.Error);
            })
            .WithName("AdminResendOrderEmail")
            .WithSummary("Send an order's confirmation e-mail again")
            .WithDescription(
                "Sends the order's confirmation (its receipt, with the link to the order) to the address it was placed with, again: " +
                "the e-mail goes out through the outbox within moments, and the order itself does not change. An order that was " +
                "never confirmed has none to send (`conflict`). Each request sends one e-mail; a retry with the same " +
                "`Idempotency-Key` sends no second one.")
            .Produces<ConfirmationResend>(StatusCodes.Status202Accepted).ProducesProblems(ErrorCodes.NotFound, ErrorCodes.Conflict);
        admin.MapPost("/orders/{orderId:guid}/ship", (Guid orderId, ShipRequest body, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.ShipAsync(orderId, Actor(http, "Shipped", body.TrackingNumber), ct))).WithName("AdminShipOrder")
            .WithSummary("Ship an order")
            .WithDescription("Marks a confirmed order shipped with its tracking number; the order's history names the admin.")
            .ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/deliver", (Guid orderId, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.DeliverAsync(orderId, Actor(http, "Delivered"), ct))).WithName("AdminDeliverOrder")
            .WithSummary("Mark an order delivered")
            .WithDescription("Marks a shipped order delivered; the order's history names the admin.")
            .ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/cancel", (Guid orderId, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.CancelAsync(orderId, Actor(http, "Cancelled by the shop"), ct))).WithName("AdminCancelOrder")
            .WithSummary("Cancel an order")
            .WithDescription("Cancels the order while its status allows it: its items go back on sale and the payment is voided or refunded.")
            .ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/complete-return", (Guid orderId, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.CompleteReturnAsync(orderId, Actor(http, "Return received"), ct))).WithName("AdminCompleteReturn")
            .WithSummary("Complete an order's return")
            .WithDescription("Records that the returned goods arrived: they go back on sale and the payment is refunded.")
            .ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/refund", (Guid orderId, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.RefundAsync(orderId, AdminActor.Of(http), ct))).WithName("AdminRefundOrder")
            .WithSummary("Retry an order's refund")
            .WithDescription(
                "Gives the money back again for a cancelled or returned order whose void or refund did not go through (the " +
                "payment provider refused or did not answer): only what is left of the capture after its partial refunds. Never pays back twice.")
            .Produces<OrderResponse>().ProducesProblems(ErrorCodes.NotFound, ErrorCodes.IllegalTransition, ErrorCodes.Conflict);
        admin.MapPost("/orders/{orderId:guid}/refunds", async (Guid orderId, RefundOrderRequest body, RefundService service, HttpContext http, CancellationToken ct) =>
            {
                var result = await service.RefundAsync(orderId, body.ToRequest(AdminActor.Of(http), http.CreatedId()), ct);
                return result.IsSuccess
                    ? TypedResults.Created($"/api/admin/orders/{orderId}/refunds", RefundResponse.From(result.Value))
                    : Problems.From(result.Error);
            })
            .WithName("AdminCreateRefund")
            .WithSummary("Refund part of an order")
            .WithDescription(
                "Gives back part of a captured order that is CONFIRMED, SHIPPED, DELIVERED or RETURNED: an `amountMinor`, or `lines` " +
                "(SKU and quantity, each at most the units bought less those refunded, priced at what the shopper paid for them: " +
                "the line's share after the discount, with its tax when tax was added on top), never both, with a `reason`. The " +
                "refunds of an order never add up to more than its capture, however many run at once. A refusal of the input " +
                "lists each field's messages in `errors` (`amountMinor`, `lines`, `lines[i].sku`, `lines[i].quantity`, `reason`) " +
                "and changes nothing; another status answers `illegal-transition`. The payment provider's refusal " +
                "(`payment-declined`) gives the amount back; its silence (`payment-pending`) leaves the refund pending: send the " +
                "same request with the same `Idempotency-Key` again to finish it, it is never paid twice.")
            .Produces<RefundResponse>(StatusCodes.Status201Created)
            .ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.IllegalTransition, ErrorCodes.Conflict,
                ErrorCodes.PaymentDeclined, ErrorCodes.PaymentPending);
        staff.MapGet("/orders/{orderId:guid}/refunds", async (Guid orderId, RefundService service, CancellationToken ct) =>
            StorefrontApi.Respond(await service.ListAsync(orderId, ct), refunds => refunds.Select(RefundResponse.From).ToList()))
            .WithName("AdminListRefunds")
            .WithSummary("List an order's refunds")
            .WithDescription("Every refund of the order, oldest first, partial or settling a cancellation or return, with who asked, when, why and how it ended.")
            .Produces<List<RefundResponse>>().ProducesProblems(ErrorCodes.NotFound);

        admin.MapGet("/promos", async (PromoAdminService service, CancellationToken ct) => await service.ListAsync(ct)).WithName("AdminListPromos")
            .WithSummary("List promo codes")
            .WithDescription("Every promo code with its terms and the uses taken.");
        admin.MapPost("/promos", async (PromoTerms body, PromoAdminService service, HttpContext http, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(body, AdminActor.Of(http), http.CreatedId(), ct);
            return result.IsSuccess ? TypedResults.Created($"/api/admin/promos/{result.Value.Code}", result.Value) : Problems.From(result.Error);
        }).WithName("AdminCreatePromo")
            .WithSummary("Create a promo code")
            .WithDescription("Creates a promo code with its terms; a code that exists already is refused (`conflict`).")
            .Produces<PromoView>(StatusCodes.Status201Created).ProducesProblems(ErrorCodes.Validation, ErrorCodes.Conflict);
        admin.MapPut("/promos/{code}", async (string code, PromoTerms body, PromoAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.UpdateAsync(code, body, AdminActor.Of(http), ct), p => p)).WithName("AdminUpdatePromo")
            .WithSummary("Change a promo code's terms")
            .WithDescription("Replaces the code's terms (its code stays); the usage limit cannot go below the uses already taken.")
            .Produces<PromoView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        admin.MapPost("/promos/{code}/disable", async (string code, PromoAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.DisableAsync(code, AdminActor.Of(http), ct), p => p)).WithName("AdminDisablePromo")
            .WithSummary("Disable a promo code")
            .WithDescription("Stops the code from applying to new checkouts.")
            .Produces<PromoView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);

        admin.MapGet("/inventory", async (InventoryAdminService service, CancellationToken ct) => await service.ListAsync(ct)).WithName("AdminListInventory")
            .WithSummary("List stock levels")
            .WithDescription("Every product's stock: units available, held by checkouts (`reserved`) and sold.");
        admin.MapPost("/inventory/{sku}/restock", async (string sku, RestockRequest body, InventoryAdminService service, HttpContext http, CancellationToken ct) =>
            body.Quantity < 1
                ? Problems.From(Error.Validation($"A restock adds 1 to {InventoryAdminService.MaxAdjustment:N0} units."))
                : StorefrontApi.Respond(await service.AdjustAsync(sku, body.Quantity, body.Reason ?? "", AdminActor.Of(http), http.CreatedId(), ct), s => s))
            .WithName("AdminRestock")
            .WithSummary("Restock a product")
            .WithDescription($"Adds 1 to {InventoryAdminService.MaxAdjustment:N0} units to the product's stock, audited with the reason and the admin's name.")
            .Produces<StockView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        return api;
    }

    private static async Task<IResult> ListOrdersAsync(
        OrderQueries queries, string? status, DateTimeOffset? from, DateTimeOffset? to, string? email, string? orderNumber,
        OrderSort? sort, CancellationToken ct, int page = 1, int pageSize = 20)
    {
        OrderStatus? statusFilter = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            var match = Enum.GetValues<OrderStatus>().Where(s => string.Equals(s.WireName(), status, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 0)
            {
                return Problems.From(Error.Validation($"Unknown status; use one of {string.Join(", ", Enum.GetValues<OrderStatus>().Select(s => s.WireName()))}."));
            }
            statusFilter = match[0];
        }
        var result = await queries.ListAsync(new OrderFilter(statusFilter, from, to, email, orderNumber, page, pageSize, sort ?? OrderSort.NewestFirst), ct);
        return StorefrontApi.Respond(result, p => new OrderPageResponse(
            [.. p.Items.Select(o => new OrderSummaryResponse(
                o.OrderId, o.OrderNumber, o.CreatedAt, o.Email, o.TotalMinor, o.Currency, o.Status.WireName(),
                o.PaymentStatus is { } ps ? OrderResponse.Wire(ps) : null))],
            p.PageNumber, p.PageSize, p.Total));
    }


    private static TransitionRequest Actor(HttpContext http, string reason, string? trackingNumber = null) =>
        new(AdminActor.Of(http), reason, trackingNumber, http.CreatedId());
}
