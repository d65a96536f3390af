using Checkout.Data.Common;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Web.Staff;
using Checkout.Web.Components.Admin;

namespace Checkout.Web.Api;

/// <summary>The admin API of shipping zones, delivery methods and tax rates; every route is for admins (the Admin policy).</summary>
public static class AdminDeliveryApi
{
    private const string FieldMessages = "A refusal lists each field's messages in `errors`, by the field's name.";

    public static RouteGroupBuilder MapAdminDeliveryApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);

        admin.MapGet("/shipping-zones", async (DeliveryAdminService service, CancellationToken ct) => await service.ListAsync(ct))
            .WithName("AdminListShippingZones")
            .WithSummary("List shipping zones")
            .WithDescription("Every zone with its countries and its delivery methods, inactive ones included.");
        admin.MapPost("/shipping-zones", async (ShippingZoneInput body, DeliveryAdminService service, HttpContext http, CancellationToken ct) =>
            Created(await service.CreateZoneAsync(body, AdminActor.Of(http), http.CreatedId(), ct), z => $"/api/admin/shipping-zones/{z.Id}"))
            .WithName("AdminCreateShippingZone")
            .WithSummary("Create a shipping zone")
            .WithDescription(
                "Creates a zone of countries (two-letter codes of countries the shop ships to). A country belongs to one zone: " +
                $"one that another zone holds is refused (`conflict`), naming that zone. {FieldMessages}")
            .Produces<ShippingZoneView>(StatusCodes.Status201Created).ProducesProblems(ErrorCodes.Validation, ErrorCodes.Conflict);
        admin.MapPut("/shipping-zones/{zoneId:guid}", async (Guid zoneId, ShippingZoneInput body, DeliveryAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.ChangeZoneAsync(zoneId, body, AdminActor.Of(http), ct), z => z))
            .WithName("AdminUpdateShippingZone")
            .WithSummary("Rename a shipping zone or change its countries")
            .WithDescription($"Replaces the zone's name and countries; a country another zone holds is refused (`conflict`). {FieldMessages}")
            .Produces<ShippingZoneView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.Conflict);
        admin.MapDelete("/shipping-zones/{zoneId:guid}", async (Guid zoneId, DeliveryAdminService service, HttpContext http, CancellationToken ct) =>
            NoContent(await service.DeleteZoneAsync(zoneId, AdminActor.Of(http), ct)))
            .WithName("AdminDeleteShippingZone")
            .WithSummary("Delete a shipping zone")
            .WithDescription("Deletes a zone without delivery methods; a zone with methods is refused (`conflict`): deactivate its methods instead.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(ErrorCodes.NotFound, ErrorCodes.Conflict);
        admin.MapPost("/shipping-zones/{zoneId:guid}/methods",
            async (Guid zoneId, DeliveryMethodInput body, DeliveryAdminService service, HttpContext http, CancellationToken ct) =>
                Created(await service.AddMethodAsync(zoneId, body, AdminActor.Of(http), http.CreatedId(), ct), m => $"/api/admin/delivery-methods/{m.Id}"))
            .WithName("AdminAddDeliveryMethod")
            .WithSummary("Add a delivery method to a zone")
            .WithDescription(
                "Adds a method with its rate, optionally a rate per started kilogram of the order's weight (`perKgMinor`: each line's " +
                "quantity times its product's weight, 1,001 g counting as 2 kg) and the order amount (after discounts) from which it is " +
                $"free; amounts in minor units. The next checkout to the zone's countries is offered it while it is active. {FieldMessages}")
            .Produces<DeliveryMethodView>(StatusCodes.Status201Created).ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        admin.MapPut("/delivery-methods/{methodId:guid}", async (Guid methodId, DeliveryMethodInput body, DeliveryAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.ChangeMethodAsync(methodId, body, AdminActor.Of(http), ct), m => m))
            .WithName("AdminUpdateDeliveryMethod")
            .WithSummary("Change or deactivate a delivery method")
            .WithDescription(
                "Replaces the method's name, description, rate, rate per started kilogram, free-from amount and sort order, and sets `active` when sent. Methods are never deleted " +
                $"(orders name them): an inactive one is offered to no new checkout. Open checkouts keep the price they were quoted. {FieldMessages}")
            .Produces<DeliveryMethodView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);

        admin.MapGet("/tax-rates", async (TaxAdminService service, CancellationToken ct) => await service.ListAsync(ct))
            .WithName("AdminListTaxRates")
            .WithSummary("List tax rates")
            .WithDescription("Every row of the tax table: a country's rate (no region) and the regions' rates that override it.");
        admin.MapPost("/tax-rates", async (TaxRateInput body, TaxAdminService service, HttpContext http, CancellationToken ct) =>
            Created(await service.AddAsync(body, AdminActor.Of(http), http.CreatedId(), ct), r => $"/api/admin/tax-rates/{r.Id}"))
            .WithName("AdminCreateTaxRate")
            .WithSummary("Add a tax rate")
            .WithDescription(
                "Adds the rate (0–100 %, up to three decimals) of a country, or of one of its listed regions. A destination has one " +
                $"row: a second is refused (`conflict`). {FieldMessages}")
            .Produces<TaxRateView>(StatusCodes.Status201Created).ProducesProblems(ErrorCodes.Validation, ErrorCodes.Conflict);
        admin.MapPut("/tax-rates/{rateId:guid}", async (Guid rateId, TaxRateChange body, TaxAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.ChangeAsync(rateId, body, AdminActor.Of(http), ct), r => r))
            .WithName("AdminUpdateTaxRate")
            .WithSummary("Change a tax rate")
            .WithDescription($"Changes the row's rate and name; the next quote to its destination uses them. {FieldMessages}")
            .Produces<TaxRateView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        admin.MapDelete("/tax-rates/{rateId:guid}", async (Guid rateId, TaxAdminService service, HttpContext http, CancellationToken ct) =>
            NoContent(await service.DeleteAsync(rateId, AdminActor.Of(http), ct)))
            .WithName("AdminDeleteTaxRate")
            .WithSummary("Delete a tax rate")
            .WithDescription("Deletes the row: a region then pays its country's rate, a country no tax.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(ErrorCodes.NotFound);
        return api;
    }

    private static IResult Created<T>(Result<T> result, Func<T, string> location)
        where T : notnull =>
        result.IsSuccess ? TypedResults.Created(location(result.Value), result.Value) : Problems.From(result.Error);

    private static IResult NoContent<T>(Result<T> result)
        where T : notnull =>
        result.IsSuccess ? TypedResults.NoContent() : Problems.From(result.Error);
}
