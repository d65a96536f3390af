using Checkout.Data.Catalog;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Web.Staff;
using Checkout.Web.Components.Admin;

namespace Checkout.Web.Api;

/// <summary>
/// The admin API of the catalog's products; every route is for admins (the Admin policy). A product is never deleted: it is
/// archived (<c>POST …/archive</c>) and sold again (<c>POST …/unarchive</c>), each a route of its own so that a change
/// of terms (<c>PUT</c>) never starts or stops a sale by accident.
/// </summary>
public static class AdminProductsApi
{
    private const string FieldMessages = "A refusal lists each field's messages in `errors`, by the field's name.";

    public static RouteGroupBuilder MapAdminProductsApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);

        admin.MapGet("/products", ListAsync)
            .WithName("AdminListProducts")
            .WithSummary("List products")
            .WithDescription(
                $"A page of products by name (`page` from 1, `pageSize` up to {ProductAdminService.MaxPageSize}), each with its stock: those " +
                "whose SKU or name contains `search` (case aside), of one `category`, on sale only unless `archived=true` lists the " +
                "archived ones too.")
            .Produces<ProductPage>().ProducesProblems(Problems.BadRequest, ErrorCodes.Validation);
        admin.MapPost("/products", async (NewProductInput body, ProductAdminService service, HttpContext http, CancellationToken ct) =>
            {
                var result = await service.CreateAsync(body, AdminActor.Of(http), http.CreatedId(), ct);
                return result.IsSuccess ? TypedResults.Created($"/api/admin/products/{result.Value.Sku}", result.Value) : Problems.From(result.Error);
            })
            .WithName("AdminCreateProduct")
            .WithSummary("Create a product")
            .WithDescription(
                "Adds a product on sale: its SKU (saved in capitals), name, description (plain text), category, price in minor units " +
                "of the store's currency (another `currency` is refused), shipping weight in grams and hot flag, and its opening " +
                $"`stock` (0 when not sent, up to {InventoryAdminService.MaxAdjustment:N0}), audited with the admin's name. A SKU that " +
                $"exists already, archived or not, is refused (`conflict`). {FieldMessages}")
            .Produces<ProductAdminView>(StatusCodes.Status201Created).ProducesProblems(ErrorCodes.Validation, ErrorCodes.Conflict);
        admin.MapGet("/products/{sku}", async (string sku, ProductAdminService service, CancellationToken ct) =>
            StorefrontApi.Respond(await service.GetAsync(sku, ct), p => p))
            .WithName("AdminGetProduct")
            .WithSummary("Read a product")
            .WithDescription("The product, archived or not, with its terms and its stock.")
            .Produces<ProductAdminView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        admin.MapPut("/products/{sku}", async (string sku, ProductInput body, ProductAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.ChangeAsync(sku, body, AdminActor.Of(http), ct), p => p))
            .WithName("AdminUpdateProduct")
            .WithSummary("Change a product")
            .WithDescription(
                "Replaces the product's name, description, category, price, weight and hot flag; whether it is on sale is changed by " +
                "the archive routes. A new price applies at once: a new cart pays it, and a cart holding the product at the old one " +
                $"shows \"was, now\" until the shopper accepts it; open checkouts keep the price they locked. {FieldMessages}")
            .Produces<ProductAdminView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        admin.MapPost("/products/{sku}/archive", async (string sku, ProductAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.ArchiveAsync(sku, AdminActor.Of(http), ct), p => p))
            .WithName("AdminArchiveProduct")
            .WithSummary("Archive a product")
            .WithDescription(
                "Stops selling the product: it is no longer listed, and carts and checkouts refuse it. It is never deleted: its orders, " +
                "stock and history stay as they are, and it can be sold again.")
            .Produces<ProductAdminView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        admin.MapPost("/products/{sku}/unarchive", async (string sku, ProductAdminService service, HttpContext http, CancellationToken ct) =>
            StorefrontApi.Respond(await service.UnarchiveAsync(sku, AdminActor.Of(http), ct), p => p))
            .WithName("AdminUnarchiveProduct")
            .WithSummary("Sell an archived product again")
            .WithDescription("Lists the product again, with the terms and the stock it has.")
            .Produces<ProductAdminView>().ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        return api;
    }

    private static async Task<IResult> ListAsync(
        ProductAdminService service, string? search, string? category, bool? archived, CancellationToken ct, int page = 1, int pageSize = 20) =>
        StorefrontApi.Respond(await service.ListAsync(new ProductFilter(search, category, archived ?? false, page, pageSize), ct), p => p);

}
