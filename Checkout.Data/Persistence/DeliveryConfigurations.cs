using Checkout.Data.Shipping;
using Checkout.Data.Tax;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Checkout.Data.Persistence;

/// <summary>
/// Zones, methods and tax rates start with the shop's defaults (in every database, by migration), which the store
/// admin then edits: a new shop can sell to every supported country from its first order.
/// </summary>
internal sealed class ShippingZoneConfiguration : IEntityTypeConfiguration<ShippingZone>
{
    internal static readonly Guid UnitedStates = new("6f1a1c52-0001-4000-8000-000000000001");
    internal static readonly Guid Canada = new("6f1a1c52-0001-4000-8000-000000000002");
    internal static readonly Guid Europe = new("6f1a1c52-0001-4000-8000-000000000003");
    internal static readonly Guid Australia = new("6f1a1c52-0001-4000-8000-000000000004");

    public void Configure(EntityTypeBuilder<ShippingZone> b)
    {
        b.ToTable("shipping_zones");
        b.HasKey(z => z.Id);
        b.Property(z => z.Name).HasMaxLength(ShippingZone.MaxNameLength);
        b.Property(z => z.CountryCodes).HasMaxLength(200);
        b.Ignore(z => z.Countries);
        b.HasData(
            new ShippingZone(UnitedStates, "United States", ["US"]),
            new ShippingZone(Canada, "Canada", ["CA"]),
            new ShippingZone(Europe, "United Kingdom and Europe", ["GB", "DE", "FR", "NL"]),
            new ShippingZone(Australia, "Australia", ["AU"]));
    }
}

internal sealed class DeliveryMethodConfiguration : IEntityTypeConfiguration<DeliveryMethod>
{
    public void Configure(EntityTypeBuilder<DeliveryMethod> b)
    {
        b.ToTable("delivery_methods");
        b.HasKey(m => m.Id);
        b.Property(m => m.Name).HasMaxLength(DeliveryMethod.MaxNameLength);
        b.Property(m => m.Description).HasMaxLength(DeliveryMethod.MaxDescriptionLength);
        b.HasOne<ShippingZone>().WithMany().HasForeignKey(m => m.ZoneId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(m => m.ZoneId);
        b.HasData(
            new DeliveryMethod(new("6f1a1c52-0002-4000-8000-000000000001"), ShippingZoneConfiguration.UnitedStates,
                "Standard", "5–7 business days", 499, 10_000, sortOrder: 1),
            new DeliveryMethod(new("6f1a1c52-0002-4000-8000-000000000002"), ShippingZoneConfiguration.UnitedStates,
                "Express", "1–2 business days", 1_499, null, sortOrder: 2),
            new DeliveryMethod(new("6f1a1c52-0002-4000-8000-000000000003"), ShippingZoneConfiguration.Canada,
                "Standard", "6–10 business days", 999, 15_000, sortOrder: 1),
            new DeliveryMethod(new("6f1a1c52-0002-4000-8000-000000000004"), ShippingZoneConfiguration.Europe,
                "International", "7–12 business days", 1_999, 25_000, sortOrder: 1),
            new DeliveryMethod(new("6f1a1c52-0002-4000-8000-000000000005"), ShippingZoneConfiguration.Australia,
                "International", "10–15 business days", 2_499, null, sortOrder: 1));
    }
}

internal sealed class TaxRateConfiguration : IEntityTypeConfiguration<TaxRate>
{
    public void Configure(EntityTypeBuilder<TaxRate> b)
    {
        b.ToTable("tax_rates");
        b.HasKey(r => r.Id);
        b.Property(r => r.Country).HasMaxLength(2);
        b.Property(r => r.Region).HasMaxLength(3);
        b.Property(r => r.Name).HasMaxLength(TaxRate.MaxNameLength);
        b.Property(r => r.RatePercent).HasPrecision(6, 3);
        // A country's own row has no region: the filter lets each country have one, and each region one.
        b.HasIndex(r => new { r.Country, r.Region }).IsUnique().HasFilter("\"Region\" IS NOT NULL");
        b.HasIndex(r => r.Country).IsUnique().HasFilter("\"Region\" IS NULL").HasDatabaseName("IX_tax_rates_Country_Whole");
        b.HasData(
            Rate(1, "US", "CA", 7.25m, "Sales tax"),
            Rate(2, "US", "NY", 4m, "Sales tax"),
            Rate(3, "US", "TX", 6.25m, "Sales tax"),
            Rate(4, "US", "WA", 6.5m, "Sales tax"),
            Rate(5, "CA", null, 5m, "GST"),
            Rate(6, "CA", "ON", 13m, "HST"),
            Rate(7, "CA", "QC", 14.975m, "GST + QST"),
            Rate(8, "GB", null, 20m, "VAT"),
            Rate(9, "DE", null, 19m, "VAT"),
            Rate(10, "FR", null, 20m, "VAT"),
            Rate(11, "NL", null, 21m, "VAT"),
            Rate(12, "AU", null, 10m, "GST"));
    }

    private static TaxRate Rate(int n, string country, string? region, decimal percent, string name) =>
        new(new Guid($"6f1a1c52-0003-4000-8000-{n:D12}"), country, region, percent, name);
}
