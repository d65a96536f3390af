using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Promotions;

namespace Checkout.Web.Api;

/// <summary>The admin API; every route requires the Admin policy.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(AdminAuthentication.Policy).WithTags("Admin");

        admin.MapGet("/orders", ListOrdersAsync).WithName("AdminListOrders").Produces<OrderPageResponse>().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        admin.MapGet("/orders/{orderId:guid}", async (Guid orderId, OrderService service, CancellationToken ct) =>
            StorefrontApi.Respond(await service.GetAsync(orderId, ct), OrderResponse.From)).WithName("AdminGetOrder").Produces<OrderResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/orders/{orderId:guid}/ship", (Guid orderId, ShipRequest body, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.ShipAsync(orderId, Actor(http, "Shipped", body.TrackingNumber), ct))).WithName("AdminShipOrder").ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/deliver", (Guid orderId, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.DeliverAsync(orderId, Actor(http, "Delivered"), ct))).WithName("AdminDeliverOrder").ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/cancel", (Guid orderId, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.CancelAsync(orderId, Actor(http, "Cancelled by the shop"), ct))).WithName("AdminCancelOrder").ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/complete-return", (Guid orderId, OrderService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.CompleteReturnAsync(orderId, Actor(http, "Return received"), ct))).WithName("AdminCompleteReturn").ProducesTransition();
        admin.MapPost("/orders/{orderId:guid}/refund", (Guid orderId, OrderService service, CancellationToken ct) =>
            StorefrontApi.TransitionAsync(service.RefundAsync(orderId, ct))).WithName("AdminRefundOrder").ProducesTransition();

        admin.MapGet("/promos", async (PromoAdminService service, CancellationToken ct) => await service.ListAsync(ct)).WithName("AdminListPromos");
        admin.MapPost("/promos", async (PromoTerms body, PromoAdminService service, HttpContext http, CancellationToken ct) =>
        {
            var result = await service.CreateAsync(body, http.CreatedId(), ct);
            return result.IsSuccess ? TypedResults.Created($"/api/admin/promos/{result.Value.Code}", result.Value) : Problems.From(result.Error);
        }).WithName("AdminCreatePromo");
        admin.MapPut("/promos/{code}", async (string code, PromoTerms body, PromoAdminService service, CancellationToken ct) =>
            StorefrontApi.Respond(await service.UpdateAsync(code, body, ct), p => p)).WithName("AdminUpdatePromo");
        admin.MapPost("/promos/{code}/disable", async (string code, PromoAdminService service, CancellationToken ct) =>
            StorefrontApi.Respond(await service.DisableAsync(code, ct), p => p)).WithName("AdminDisablePromo");

        admin.MapGet("/inventory", async (InventoryAdminService service, CancellationToken ct) => await service.ListAsync(ct)).WithName("AdminListInventory");
        admin.MapPost("/inventory/{sku}/restock", async (string sku, RestockRequest body, InventoryAdminService service, HttpContext http, CancellationToken ct) =>
            body.Quantity < 1
                ? Problems.From(Error.Validation($"A restock adds 1 to {InventoryAdminService.MaxAdjustment:N0} units."))
                : StorefrontApi.Respond(await service.AdjustAsync(sku, body.Quantity, body.Reason ?? "", ActorName(http), http.CreatedId(), ct), s => s))
            .WithName("AdminRestock");
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

    private static string ActorName(HttpContext http) => http.User.Identity?.Name ?? "admin";

    private static TransitionRequest Actor(HttpContext http, string reason, string? trackingNumber = null) =>
        new(ActorName(http), reason, trackingNumber, http.CreatedId());
}
