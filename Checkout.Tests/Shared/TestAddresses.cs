using Checkout.Data.Shipping;

namespace Checkout.Testing;

/// <summary>
/// Shipping addresses for tests and the bench. <see cref="Portland"/> (Oregon) is the one every paying checkout sends:
/// the seeded United States "Standard" method charges it what the old flat rule did (4.99, free from 100.00) and
/// Oregon has no sales-tax row, so a quote's total is what it was before checkouts had an address.
/// </summary>
public static class TestAddresses
{
    public static readonly ShippingAddressInput Portland = new("Sam Shopper", "1 Main Street", null, "Portland", "OR", "97201", "US", null);

    /// <summary><see cref="Portland"/> as the <c>shippingAddress</c> of a JSON body (<c>POST /api/checkouts</c>).</summary>
    public static object PortlandJson => Json(Portland);

    /// <summary>An address as the API's JSON object: camelCase members, absent optional fields as null.</summary>
    public static object Json(ShippingAddressInput address) => new
    {
        name = address.Name,
        line1 = address.Line1,
        line2 = address.Line2,
        city = address.City,
        region = address.Region,
        postalCode = address.PostalCode,
        country = address.Country,
        phone = address.Phone,
    };
}
