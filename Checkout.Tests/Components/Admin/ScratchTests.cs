using Bunit;
using Checkout.Tests.Builders;
using Checkout.Web.Components.Pages.Admin;

namespace Checkout.Tests.Components.Admin;

public class ScratchTests : AdminTestContext
{
    [Fact]
    public async Task Dump()
    {
        await Shop.PlaceConfirmedOrderAsync("GRID", 1);
        var cut = RenderAdmin<Orders>();
        await cut.WaitForAssertionAsync(() => Assert.Single(cut.FindAll("[data-testid=order-number]")));
        await File.WriteAllTextAsync("/tmp/orders.html", cut.Markup);
    }
}
