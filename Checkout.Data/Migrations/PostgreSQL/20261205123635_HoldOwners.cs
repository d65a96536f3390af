using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Checkout.Data.Migrations.PostgreSQL
{
    /// <inheritdoc />
    public partial class HoldOwners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "CheckoutSessionId",
                table: "holds",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "WaitlistEntryId",
                table: "holds",
                type: "uuid",
                nullable: true);

            migrationBuilder.Sql(Migrations.HoldOwners.MoveOfferHolds);

            migrationBuilder.CreateIndex(
                name: "IX_holds_WaitlistEntryId",
                table: "holds",
                column: "WaitlistEntryId");

            migrationBuilder.AddCheckConstraint(
                name: "ck_holds_owner",
                table: "holds",
                sql: "(\"CheckoutSessionId\" IS NOT NULL AND \"WaitlistEntryId\" IS NULL) OR (\"CheckoutSessionId\" IS NULL AND \"WaitlistEntryId\" IS NOT NULL)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Migrations.HoldOwners.MoveOfferHoldsBack);

            migrationBuilder.DropIndex(
                name: "IX_holds_WaitlistEntryId",
                table: "holds");

            migrationBuilder.DropCheckConstraint(
                name: "ck_holds_owner",
                table: "holds");

            migrationBuilder.DropColumn(
                name: "WaitlistEntryId",
                table: "holds");

            migrationBuilder.AlterColumn<Guid>(
                name: "CheckoutSessionId",
                table: "holds",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
