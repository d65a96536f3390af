using AngleSharp.Dom;
using Bunit;
using Checkout.Data.Shipping;
using Checkout.Web.Components.Pages.Storefront;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Checkout.Tests.Components;

/// <summary>
/// The checkout's shipping step as a shopper fills it in, for every test that walks the checkout page. Fields are
/// found by their test ids, <c>ship-{field}</c> with the field named as the address rules name it (<c>postalCode</c>…).
/// </summary>
public static class ShippingForm
{
    public const string Heading = "Shipping address and delivery";

    /// <summary>
    /// Enters <paramref name="address"/> (by default <see cref="TestAddresses.Portland"/>: the US Standard method at
    /// USD 4.99, and no sales tax, so totals stay what they were before checkouts had an address) and continues past the step.
    /// </summary>
    public static async Task ShipAsync(IRenderedComponent<CheckoutPage> cut, ShippingAddressInput? address = null)
    {
        await FillAsync(cut, address ?? TestAddresses.Portland);
        await ContinueAsync(cut);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=shipping-form]")));
    }

    /// <summary>
    /// Enters every field of <paramref name="address"/>, the country first: the region's field is the country's. A
    /// region left null is not chosen where the country lists them.
    /// </summary>
    public static async Task FillAsync(IRenderedComponent<IComponent> cut, ShippingAddressInput address)
    {
        await cut.WaitForElementAsync("[data-testid=shipping-form]");
        await ChooseAsync(cut, "country", address.Country);
        await TypeAsync(cut, "name", address.Name);
        await TypeAsync(cut, "line1", address.Line1);
        await TypeAsync(cut, "line2", address.Line2);
        await TypeAsync(cut, "city", address.City);
        if (address.Country is not { } code || Countries.Find(code) is not { RegionRequired: true })
        {
            await TypeAsync(cut, "region", address.Region);
        }
        else if (address.Region is not null)
        {
            await ChooseAsync(cut, "region", address.Region);
        }
        await TypeAsync(cut, "postalCode", address.PostalCode);
        await TypeAsync(cut, "phone", address.Phone);
    }

    /// <summary>Types into a text field and leaves it, as a shopper tabbing on does.</summary>
    public static Task TypeAsync(IRenderedComponent<IComponent> cut, string field, string? value) =>
        Field(cut, field).ChangeAsync(new ChangeEventArgs { Value = value ?? "" });

    /// <summary>Picks the option whose value is <paramref name="value"/> in a select, as the browser does.</summary>
    public static Task ChooseAsync(IRenderedComponent<IComponent> cut, string field, string? value)
    {
        var select = Field(cut, field);
        Assert.Equal("SELECT", select.TagName);
        Assert.Contains(select.QuerySelectorAll("option"), option => option.GetAttribute("value") == (value ?? ""));
        return select.ChangeAsync(new ChangeEventArgs { Value = value ?? "" });
    }

    /// <summary>The words of the option a select shows as chosen.</summary>
    public static string Chosen(IRenderedComponent<IComponent> cut, string field)
    {
        var select = Field(cut, field);
        return select.QuerySelectorAll("option").Single(option => option.GetAttribute("value") == select.GetAttribute("value")).TextContent.Trim();
    }

    public static Task ContinueAsync(IRenderedComponent<IComponent> cut) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Continue").ClickAsync(new MouseEventArgs());

    /// <summary>A text field's input, or a select.</summary>
    public static IElement Field(IRenderedComponent<IComponent> cut, string field) => cut.Find($"[data-testid=ship-{field}]");

    /// <summary>The message shown under a field, or null when it has none.</summary>
    public static string? MessageOf(IRenderedComponent<IComponent> cut, string field) =>
        Field(cut, field).Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim() is { Length: > 0 } message
            ? message
            : null;

    /// <summary>Each delivery method offered, as its radio button reads: name, description and price.</summary>
    public static IReadOnlyList<string> Methods(IRenderedComponent<IComponent> cut) =>
        [.. cut.FindAll("[data-testid=delivery-options] label").Select(Text)];

    /// <summary>The method whose radio button is checked, by its test id's name.</summary>
    public static string? ChosenMethod(IRenderedComponent<IComponent> cut) =>
        cut.FindAll("[data-testid=delivery-options] input[type=radio]").SingleOrDefault(r => r.HasAttribute("checked"))
            ?.GetAttribute("data-testid")?["delivery-option-".Length..];

    /// <summary>The element's words as a reader sees them: text nodes of neighbouring elements do not run together.</summary>
    public static string Text(IElement element) =>
        string.Join(' ', string.Join(' ', element.GetDescendants().OfType<IText>().Select(t => t.Data))
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
