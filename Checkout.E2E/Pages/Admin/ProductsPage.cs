using System.Globalization;
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

/// <summary>/admin/products/{sku} and /admin/products/new: a product's terms, its stock, its picture, archiving it.</summary>
public sealed class ProductEditorPage(IPage page) : AdminPage(page)
{
    public ILocator Heading(string name) => Page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    /// <summary>On /admin/products/new only: a product's SKU is never changed.</summary>
    public ILocator Sku => Page.GetByRole(AriaRole.Textbox, new() { Name = "SKU", Exact = true });

    public ILocator Name => Page.GetByRole(AriaRole.Textbox, new() { Name = "Name", Exact = true });

    public ILocator Category => Page.GetByRole(AriaRole.Textbox, new() { Name = "Category", Exact = true });

    public ILocator Price => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Price" });

    public ILocator Weight => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Shipping weight" });

    /// <summary>On /admin/products/new only: the units on sale from the start.</summary>
    public ILocator OpeningStock => Page.GetByRole(AriaRole.Spinbutton, new() { Name = "Opening stock" });

    /// <summary>The picture panel of an existing product: the picture, its text alternative, upload and remove.</summary>
    public ILocator Picture => Page.GetByRole(AriaRole.Group, new() { Name = "Picture", Exact = true });

    public ILocator PictureAlt => Picture.GetByRole(AriaRole.Textbox, new() { Name = "Text alternative" });

    public ILocator UploadPictureButton => Picture.GetByRole(AriaRole.Button, new() { Name = "Upload picture" });

    /// <summary>What the panel says after an upload: "tote.png is the picture now."</summary>
    public ILocator PictureMessage => Picture.GetByRole(AriaRole.Status);

    public ILocator SaveButton => Page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^(Save changes|Create product)$") });

    /// <summary>What the page says after a save or an archive.</summary>
    public ILocator Message => Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Status);

    /// <summary>
    /// On /admin/products/new: types in a product's SKU, name, category, price in the store's currency ("12.50"),
    /// shipping weight and opening stock, creates it and waits for its own page.
    /// </summary>
    public async Task CreateAsync(string sku, string name, string category, string price, int weightGrams, int stock)
    {
        await Sku.FillAsync(sku);
        await Name.FillAsync(name);
        await Category.FillAsync(category);
        await Price.FillAsync(price);
        await Weight.FillAsync(weightGrams.ToString(CultureInfo.InvariantCulture));
        await OpeningStock.FillAsync(stock.ToString(CultureInfo.InvariantCulture));
        await SaveButton.ClickAsync();
        await Expect(Heading(name)).ToBeVisibleAsync();
        await Expect(Picture).ToBeVisibleAsync();
    }

    /// <summary>
    /// Describes the picture with <paramref name="alt"/>, then picks <paramref name="png"/> in the file chooser the
    /// upload button opens, as an admin does, and waits until the panel says it is the picture now.
    /// </summary>
    public async Task UploadPictureAsync(string fileName, byte[] png, string alt)
    {
        await PictureAlt.FillAsync(alt);
        var chooser = await Page.RunAndWaitForFileChooserAsync(() => UploadPictureButton.ClickAsync());
        await chooser.SetFilesAsync(new FilePayload { Name = fileName, MimeType = "image/png", Buffer = png });
        await Expect(PictureMessage).ToHaveTextAsync($"{fileName} is the picture now.");
    }

    /// <summary>Types the price in the store's currency ("44.90") and saves.</summary>
    public async Task RepriceAsync(string price)
    {
        await Price.FillAsync(price);
        // Leaving the field sends the price to the server; its help then names the price new carts will pay, and only
        // then is the save sure to carry it.
        await Price.BlurAsync();
        await Expect(Page.GetByTestId("field-price")).ToContainTextAsync($"new carts pay USD {price}");
        await SaveButton.ClickAsync();
        await Expect(Message).ToContainTextAsync("Saved");
    }
}
