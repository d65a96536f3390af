using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Checkout.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IdempotencyAndOneCheckoutPerCart : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CardBrand",
                table: "sim_gateway_operations",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CardLast4",
                table: "sim_gateway_operations",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RequestId",
                table: "promo_codes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RequestId",
                table: "order_status_changes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "RequestId",
                table: "inventory_adjustments",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "NextCartId",
                table: "carts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "carts",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "Open");

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LockToken = table.Column<Guid>(type: "TEXT", nullable: false),
                    LockedUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    ResponseStatus = table.Column<int>(type: "INTEGER", nullable: true),
                    ResponseHeaders = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ResponseBody = table.Column<byte[]>(type: "BLOB", maxLength: 65536, nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_idempotency_keys", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inventory_adjustments_RequestId",
                table: "inventory_adjustments",
                column: "RequestId",
                unique: true,
                filter: "\"RequestId\" IS NOT NULL");

            // A cart may have several open checkouts from before this rule: all but the newest expire, giving back their
            // promo uses; their holds are released by the sweeper when they lapse, as for any expired checkout.
            migrationBuilder.Sql(DuplicateOpenCheckouts.ReleasePromoUses);
            migrationBuilder.Sql(DuplicateOpenCheckouts.ReleaseRedemptions);
            migrationBuilder.Sql(DuplicateOpenCheckouts.Expire);

            migrationBuilder.CreateIndex(
                name: "IX_checkout_sessions_CartId_Open",
                table: "checkout_sessions",
                column: "CartId",
                unique: true,
                filter: "\"Status\" = 'Open'");

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_keys_CreatedAt",
                table: "idempotency_keys",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_idempotency_keys_Scope_Key",
                table: "idempotency_keys",
                columns: new[] { "Scope", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropIndex(
                name: "IX_inventory_adjustments_RequestId",
                table: "inventory_adjustments");

            migrationBuilder.DropIndex(
                name: "IX_checkout_sessions_CartId_Open",
                table: "checkout_sessions");

            migrationBuilder.DropColumn(
                name: "CardBrand",
                table: "sim_gateway_operations");

            migrationBuilder.DropColumn(
                name: "CardLast4",
                table: "sim_gateway_operations");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "promo_codes");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "order_status_changes");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "inventory_adjustments");

            migrationBuilder.DropColumn(
                name: "NextCartId",
                table: "carts");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "carts");
        }
    }
}
