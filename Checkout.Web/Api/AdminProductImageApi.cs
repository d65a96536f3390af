using Checkout.Data.Catalog;
using Checkout.Data.Catalog.Images;
using Checkout.Data.Common;
using Checkout.Web.Catalog;
using Checkout.Web.Staff;
using Checkout.Web.Components.Admin;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Checkout.Web.Api;

/// <summary>A product's picture: the addresses it is served at, and its text alternative.</summary>
/// <param name="Version">What every address of the picture carries; a new picture has a new one.</param>
/// <param name="Url">The address of the widest rendition.</param>
/// <param name="SrcSet">Every rendition, for an <c>img</c> element's <c>srcset</c>.</param>
/// <param name="Renditions">Narrowest first.</param>
public sealed record ProductImageResponse(
    string Sku, string Version, string Alt, string Url, string SrcSet, IReadOnlyList<ProductImageRenditionResponse> Renditions)
{
    public static ProductImageResponse From(ProductImageView image)
    {
        var version = image.Version ?? throw new ArgumentException("The product has no picture.", nameof(image));
        var widths = image.Sizes.Select(s => s.Width).ToList();
        return new(
            image.Sku, version, image.Alt!, ProductImageEndpoints.Url(image.Sku, version, widths[^1]),
            ProductImageEndpoints.SrcSet(image.Sku, version, widths),
            [.. image.Sizes.Select(s => new ProductImageRenditionResponse(s.Width, s.Height, s.Bytes, ProductImageEndpoints.Url(image.Sku, version, s.Width)))]);
    }
}

/// <summary>One stored size of a picture, re-encoded as WebP.</summary>
/// <param name="Bytes">The size of the file, in bytes.</param>
public sealed record ProductImageRenditionResponse(int Width, int Height, int Bytes, string Url);

/// <summary>
/// The admin API of product pictures; every route is for admins (the Admin policy). The upload is a form (a file), which a
/// browser could send from another site with an admin's cookie were it a POST; it is a PUT, which no page of another
/// site can send without this app's CORS consent (it gives none), so it needs no antiforgery token.
/// </summary>
public static class AdminProductImageApi
{
    /// <summary>Room in an upload's request for the form around the file (its boundaries, headers and the alt text).</summary>
    public const long FormMargin = 64 * 1024;

    private const string FormContentType = "multipart/form-data";
    private const string FileField = "file";
    private const string AltField = "alt";

    public static RouteGroupBuilder MapAdminProductImageApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/admin").RequireAuthorization(StaffPolicies.Admin).WithTags(ApiTags.Admin);
        var rules = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<ProductImageRules>();

        admin.MapPut("/products/{sku}/image", SetAsync).WithName("AdminSetProductImage")
            .DisableAntiforgery()
            // The request's limit is what an oversized upload meets first (413); the form's own, no larger, only
            // keeps it from reading a file part past it should the request's ever be raised.
            .WithMetadata(new BodySizeLimit(rules.MaxUploadBytes + FormMargin))
            .WithFormOptions(multipartBodyLengthLimit: rules.MaxUploadBytes + FormMargin)
            .WithSummary("Upload a product's picture")
            .WithDescription(
                "Replaces the product's picture with the JPEG, PNG or WebP picture in the form field `file` (the file's content decides, " +
                $"never its name or declared type), of at most {rules.MaxUploadBytes / (1024 * 1024)} MB and {rules.MaxPixels / 1_000_000} megapixels, " +
                $"{rules.MaxSide:N0} pixels a side. It is re-encoded as WebP at each of the widths {string.Join(", ", rules.Widths)} that is not wider " +
                "than the picture, without its metadata (camera, location). `alt` describes it for those who cannot see it: plain text, at most " +
                $"{Product.MaxImageAltLength} characters; the product's name when left out. A refused file changes nothing: the product keeps the picture it had.")
            .AddOpenApiOperationTransformer(DescribeFormAsync)
            .Produces<ProductImageResponse>()
            .ProducesProblems(
                ErrorCodes.Validation, ErrorCodes.NotFound, ErrorCodes.ImageEmpty, ErrorCodes.ImageTooLarge, ErrorCodes.ImageUnsupportedFormat,
                ErrorCodes.ImageDimensionsTooLarge, ErrorCodes.ImageCorrupt);
        admin.MapDelete("/products/{sku}/image", async (string sku, ProductImageStore store, HttpContext http, CancellationToken ct) =>
        {
            var removed = await store.RemoveAsync(sku, AdminActor.Of(http), ct);
            return removed.IsSuccess ? TypedResults.NoContent() : Problems.From(removed.Error);
        }).WithName("AdminRemoveProductImage")
            .WithSummary("Remove a product's picture")
            .WithDescription("The storefront shows the product without a picture. Removing the picture of a product that has none changes nothing.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(ErrorCodes.Validation, ErrorCodes.NotFound);
        return api;
    }

    private static async Task<IResult> SetAsync(
        string sku, IFormFile file, [FromForm] string? alt, ProductImageStore store, HttpContext http, CancellationToken ct)
    {
        await using var upload = file.OpenReadStream();
        return StorefrontApi.Respond(await store.SetAsync(sku, upload, alt, AdminActor.Of(http), ct), ProductImageResponse.From);
    }

    /// <summary>
    /// The form as one object of two fields, each part with its type (an <c>encoding</c>), instead of the generator's
    /// <c>allOf</c> of one object per parameter: client generators then build it part by part (Kiota's
    /// <c>MultipartBody</c>), where they would otherwise try to write one object as a form and fail.
    /// </summary>
    private static Task DescribeFormAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (operation.RequestBody?.Content?.TryGetValue(FormContentType, out var form) != true || form!.Schema is not OpenApiSchema schema)
        {
            return Task.CompletedTask;
        }
        var fields = (schema.AllOf ?? []).SelectMany(part => part.Properties ?? new Dictionary<string, IOpenApiSchema>())
            .Concat(schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
            .ToDictionary(field => field.Key, field => field.Value);
        if (fields.GetValueOrDefault(FileField) is not { } file)
        {
            return Task.CompletedTask;
        }
        form.Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { FileField },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                [FileField] = file,
                [AltField] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    MaxLength = Product.MaxImageAltLength,
                    Description = "What the picture shows, for those who cannot see it; the product's name when left out.",
                },
            },
        };
        form.Encoding = new Dictionary<string, OpenApiEncoding>
        {
            [FileField] = new() { ContentType = string.Join(", ", ProductImageRules.AcceptedContentTypes) },
            [AltField] = new() { ContentType = "text/plain" },
        };
        return Task.CompletedTask;
    }


    /// <summary>The request body limit of one route, over the API's own small one: read by the server as the body arrives.</summary>
    private sealed class BodySizeLimit(long maxBytes) : IRequestSizeLimitMetadata
    {
        public long? MaxRequestBodySize => maxBytes;
    }
}
