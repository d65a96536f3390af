using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Checkout.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ShippingAndTax : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Delivery",
                table: "orders",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tax",
                table: "orders",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Delivery",
                table: "checkout_sessions",
                type: "nvarchar(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tax",
                table: "checkout_sessions",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "shipping_zones",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    CountryCodes = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shipping_zones", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tax_rates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Country = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    Region = table.Column<string>(type: "nvarchar(3)", maxLength: 3, nullable: true),
                    RatePercent = table.Column<decimal>(type: "decimal(6,3)", precision: 6, scale: 3, nullable: false),
                    Name = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tax_rates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "delivery_methods",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    ZoneId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Name = table.Column<string>(type: "nvarchar(60)", maxLength: 60, nullable: false),
                    Description = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    RateMinor = table.Column<long>(type: "bigint", nullable: false),
                    FreeFromMinor = table.Column<long>(type: "bigint", nullable: true),
                    SortOrder = table.Column<int>(type: "int", nullable: false),
                    Active = table.Column<bool>(type: "bit", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_delivery_methods", x => x.Id);
                    table.ForeignKey(
                        name: "FK_delivery_methods_shipping_zones_ZoneId",
                        column: x => x.ZoneId,
                        principalTable: "shipping_zones",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "shipping_zones",
                columns: new[] { "Id", "CountryCodes", "Name" },
                values: new object[,]
                {
                    { new Guid("6f1a1c52-0001-4000-8000-000000000001"), "US", "United States" },
                    { new Guid("6f1a1c52-0001-4000-8000-000000000002"), "CA", "Canada" },
                    { new Guid("6f1a1c52-0001-4000-8000-000000000003"), "DE,FR,GB,NL", "United Kingdom and Europe" },
                    { new Guid("6f1a1c52-0001-4000-8000-000000000004"), "AU", "Australia" }
                });

            migrationBuilder.InsertData(
                table: "tax_rates",
                columns: new[] { "Id", "Country", "Name", "RatePercent", "Region" },
                values: new object[,]
                {
                    { new Guid("6f1a1c52-0003-4000-8000-000000000001"), "US", "Sales tax", 7.25m, "CA" },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000002"), "US", "Sales tax", 4m, "NY" },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000003"), "US", "Sales tax", 6.25m, "TX" },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000004"), "US", "Sales tax", 6.5m, "WA" },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000005"), "CA", "GST", 5m, null },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000006"), "CA", "HST", 13m, "ON" },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000007"), "CA", "GST + QST", 14.975m, "QC" },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000008"), "GB", "VAT", 20m, null },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000009"), "DE", "VAT", 19m, null },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000010"), "FR", "VAT", 20m, null },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000011"), "NL", "VAT", 21m, null },
                    { new Guid("6f1a1c52-0003-4000-8000-000000000012"), "AU", "GST", 10m, null }
                });

            migrationBuilder.InsertData(
                table: "delivery_methods",
                columns: new[] { "Id", "Active", "Description", "FreeFromMinor", "Name", "RateMinor", "SortOrder", "ZoneId" },
                values: new object[,]
                {
                    { new Guid("6f1a1c52-0002-4000-8000-000000000001"), true, "5–7 business days", 10000L, "Standard", 499L, 1, new Guid("6f1a1c52-0001-4000-8000-000000000001") },
                    { new Guid("6f1a1c52-0002-4000-8000-000000000002"), true, "1–2 business days", null, "Express", 1499L, 2, new Guid("6f1a1c52-0001-4000-8000-000000000001") },
                    { new Guid("6f1a1c52-0002-4000-8000-000000000003"), true, "6–10 business days", 15000L, "Standard", 999L, 1, new Guid("6f1a1c52-0001-4000-8000-000000000002") },
                    { new Guid("6f1a1c52-0002-4000-8000-000000000004"), true, "7–12 business days", 25000L, "International", 1999L, 1, new Guid("6f1a1c52-0001-4000-8000-000000000003") },
                    { new Guid("6f1a1c52-0002-4000-8000-000000000005"), true, "10–15 business days", null, "International", 2499L, 1, new Guid("6f1a1c52-0001-4000-8000-000000000004") }
                });

            migrationBuilder.CreateIndex(
                name: "IX_delivery_methods_ZoneId",
                table: "delivery_methods",
                column: "ZoneId");

            migrationBuilder.CreateIndex(
                name: "IX_tax_rates_Country_Region",
                table: "tax_rates",
                columns: new[] { "Country", "Region" },
                unique: true,
                filter: "\"Region\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_tax_rates_Country_Whole",
                table: "tax_rates",
                column: "Country",
                unique: true,
                filter: "\"Region\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "delivery_methods");

            migrationBuilder.DropTable(
                name: "tax_rates");

            migrationBuilder.DropTable(
                name: "shipping_zones");

            migrationBuilder.DropColumn(
                name: "Delivery",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Tax",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Delivery",
                table: "checkout_sessions");

            migrationBuilder.DropColumn(
                name: "Tax",
                table: "checkout_sessions");
        }
    }
}
