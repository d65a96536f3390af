using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2E.Pages.Admin;

/// <summary>/admin/products: the products with their price, stock and state, and each product's page.</summary>
public sealed class ProductsPage(IPage page) : AdminPage(page)
{
    public ILocator Heading => Page.GetByRole(AriaRole.Heading, new() { Name = "Products", Level = 1 });

    public ILocator Search => Page.GetByRole(AriaRole.Searchbox, new() { Name = "SKU or name contains" });

    public ILocator NewProductLink => Page.GetByRole(AriaRole.Link, new() { Name = "New product" });

    /// <summary>The product's SKU in the list, a link to its page.</summary>
    public ILocator ProductLink(string sku) => Page.GetByRole(AriaRole.Link, new() { Name = sku, Exact = true });

    public Task OpenAsync() => GoAsync("/admin/products", Heading);

    /// <summary>Narrows the list to <paramref name="term"/> and opens the product <paramref name="sku"/>.</summary>
    public async Task<ProductEditorPage> FindAndOpenAsync(string term, string sku)
    {
        await Search.FillAsync(term);
        await Search.PressAsync("Enter");
        await ProductLink(sku).ClickAsync();
        var editor = new ProductEditorPage(Page);
        await Expect(editor.SaveButton).ToBeVisibleAsync();
        return editor;
    }
}

/// <summary>/admin/products/{sku} and /admin/products/new: a product's terms, its stock, archiving it.</summary>
public sealed class ProductEditorPage(IPage page) : AdminPage(page)
{
    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    public ILocator Price => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Price" });

    public ILocator SaveButton => Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^(Save changes|Create product)$") });

    /// <summary>What the page says after a save or an archive.</summary>
    public ILocator Message => Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Status);

    /// <summary>Types the price in the store's currency ("44.90") and saves.</summary>
    public async Task RepriceAsync(string price)
    {
        await Price.FillAsync(price);
        await SaveButton.ClickAsync();
        await Expect(Message).ToContainTextAsync("Saved");
    }
}
