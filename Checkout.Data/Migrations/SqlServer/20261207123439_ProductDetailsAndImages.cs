using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Checkout.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class ProductDetailsAndImages : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Description",
                table: "products",
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ImageAlt",
                table: "products",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ImageVersion",
                table: "products",
                type: "nvarchar(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "WeightGrams",
                table: "products",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "PerKgMinor",
                table: "delivery_methods",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "product_images",
                columns: table => new
                {
                    Sku = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Width = table.Column<int>(type: "int", nullable: false),
                    Height = table.Column<int>(type: "int", nullable: false),
                    ContentType = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Bytes = table.Column<byte[]>(type: "varbinary(max)", nullable: false),
                    ETag = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_product_images", x => new { x.Sku, x.Width });
                    table.ForeignKey(
                        name: "FK_product_images_products_Sku",
                        column: x => x.Sku,
                        principalTable: "products",
                        principalColumn: "Sku",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.UpdateData(
                table: "delivery_methods",
                keyColumn: "Id",
                keyValue: new Guid("6f1a1c52-0002-4000-8000-000000000001"),
                column: "PerKgMinor",
                value: 0L);

            migrationBuilder.UpdateData(
                table: "delivery_methods",
                keyColumn: "Id",
                keyValue: new Guid("6f1a1c52-0002-4000-8000-000000000002"),
                column: "PerKgMinor",
                value: 0L);

            migrationBuilder.UpdateData(
                table: "delivery_methods",
                keyColumn: "Id",
                keyValue: new Guid("6f1a1c52-0002-4000-8000-000000000003"),
                column: "PerKgMinor",
                value: 0L);

            migrationBuilder.UpdateData(
                table: "delivery_methods",
                keyColumn: "Id",
                keyValue: new Guid("6f1a1c52-0002-4000-8000-000000000004"),
                column: "PerKgMinor",
                value: 0L);

            migrationBuilder.UpdateData(
                table: "delivery_methods",
                keyColumn: "Id",
                keyValue: new Guid("6f1a1c52-0002-4000-8000-000000000005"),
                column: "PerKgMinor",
                value: 0L);

            migrationBuilder.AddCheckConstraint(
                name: "ck_products_weight",
                table: "products",
                sql: "\"WeightGrams\" >= 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "product_images");

            migrationBuilder.DropCheckConstraint(
                name: "ck_products_weight",
                table: "products");

            migrationBuilder.DropColumn(
                name: "Description",
                table: "products");

            migrationBuilder.DropColumn(
                name: "ImageAlt",
                table: "products");

            migrationBuilder.DropColumn(
                name: "ImageVersion",
                table: "products");

            migrationBuilder.DropColumn(
                name: "WeightGrams",
                table: "products");

            migrationBuilder.DropColumn(
                name: "PerKgMinor",
                table: "delivery_methods");
        }
    }
}
