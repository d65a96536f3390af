using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Checkout.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HoldOwners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite changes a column's nullability and adds a check by rebuilding the table; the rebuild is written out
            // here so that the copy moves each offer's entry id into its own column on the way (EF's rebuild would copy
            // the rows unchanged, which the new check refuses).
            migrationBuilder.Sql(Migrations.HoldOwners.SqliteCreateRebuilt);
            migrationBuilder.Sql(Migrations.HoldOwners.SqliteCopyWithOwners);
            migrationBuilder.Sql("DROP TABLE \"holds\";");
            migrationBuilder.Sql("ALTER TABLE \"ef_temp_holds\" RENAME TO \"holds\";");
            migrationBuilder.Sql("CREATE UNIQUE INDEX \"IX_holds_CheckoutSessionId_Sku\" ON \"holds\" (\"CheckoutSessionId\", \"Sku\");");
            migrationBuilder.Sql("CREATE INDEX \"IX_holds_Status_ExpiresAt\" ON \"holds\" (\"Status\", \"ExpiresAt\");");
            migrationBuilder.Sql("CREATE INDEX \"IX_holds_WaitlistEntryId\" ON \"holds\" (\"WaitlistEntryId\");");
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
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
