using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Checkout.Data.Migrations.PostgreSQL
{
    /// <inheritdoc />
    public partial class OrderLookups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "order_lookup_emails",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_order_lookup_emails", x => x.MessageId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_orders_Email_CreatedAt",
                table: "orders",
                columns: new[] { "Email", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_order_lookup_emails_Email_SentAt",
                table: "order_lookup_emails",
                columns: new[] { "Email", "SentAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_lookup_emails");

            migrationBuilder.DropIndex(
                name: "IX_orders_Email_CreatedAt",
                table: "orders");
        }
    }
}
