using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Checkout.Data.Catalog;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Inventory;
using Checkout.Data.Orders;
using Checkout.Data.Realtime;
using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Checkout.Data.Waitlist;

namespace Checkout.Data;

/// <summary>
/// How a <see cref="CheckoutEvent"/> travels between instances: JSON with a <c>type</c> discriminator per kind. The
/// kinds are declared by their areas; this root, which composes the areas, is the one place that lists them all.
/// </summary>
public static class CheckoutEventJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { DeclareKinds } },
    };

    private static void DeclareKinds(JsonTypeInfo info)
    {
        if (info.Type != typeof(CheckoutEvent))
        {
            return;
        }
        info.PolymorphismOptions = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "type",
            DerivedTypes =
            {
                new JsonDerivedType(typeof(StockChanged), "stock"),
                new JsonDerivedType(typeof(StockMoved), "stock-moved"),
                new JsonDerivedType(typeof(HoldExtended), "hold-extended"),
                new JsonDerivedType(typeof(HoldReleased), "hold-released"),
                new JsonDerivedType(typeof(OrderStatusChanged), "order-status"),
                new JsonDerivedType(typeof(WaitlistOffered), "waitlist-offered"),
                new JsonDerivedType(typeof(ProductChanged), "product-changed"),
                new JsonDerivedType(typeof(DeliveryMethodsChanged), "delivery-methods-changed"),
                new JsonDerivedType(typeof(TaxRatesChanged), "tax-rates-changed"),
            },
        };
    }
}
