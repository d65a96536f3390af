using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Checkout.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PromoUsePerSession : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_promo_redemptions_CheckoutSessionId",
                table: "promo_redemptions");

            migrationBuilder.CreateIndex(
                name: "IX_promo_redemptions_CheckoutSessionId",
                table: "promo_redemptions",
                column: "CheckoutSessionId",
                unique: true,
                filter: "\"Status\" <> 'Released'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_promo_redemptions_CheckoutSessionId",
                table: "promo_redemptions");

            migrationBuilder.CreateIndex(
                name: "IX_promo_redemptions_CheckoutSessionId",
                table: "promo_redemptions",
                column: "CheckoutSessionId",
                unique: true);
        }
    }
}
