namespace Checkout.Data.Migrations;

/// <summary>
/// SQL that gives the holds of waitlist offers their own owner column: before it, an offer's hold carried the waitlist
/// entry's id in its checkout session column. PostgreSQL and SQL Server move it with an UPDATE; SQLite, which rebuilds
/// the table for the new check, moves it while copying the rows.
/// </summary>
internal static class HoldOwners
{
    public const string MoveOfferHolds =
        "UPDATE holds SET \"WaitlistEntryId\" = \"CheckoutSessionId\", \"CheckoutSessionId\" = NULL " +
        "WHERE \"CheckoutSessionId\" IN (SELECT \"Id\" FROM waitlist_entries)";

    /// <summary>The way back: an offer's hold carries its entry's id in the session column again (one owner, so the check holds).</summary>
    public const string MoveOfferHoldsBack =
        "UPDATE holds SET \"CheckoutSessionId\" = \"WaitlistEntryId\", \"WaitlistEntryId\" = NULL WHERE \"WaitlistEntryId\" IS NOT NULL";

    public const string SqliteCreateRebuilt = """
        CREATE TABLE "ef_temp_holds" (
            "Id" TEXT NOT NULL CONSTRAINT "PK_holds" PRIMARY KEY,
            "CheckoutSessionId" TEXT NULL,
            "ClosedAt" INTEGER NULL,
            "CreatedAt" INTEGER NOT NULL,
            "ExpiresAt" INTEGER NOT NULL,
            "Extended" INTEGER NOT NULL,
            "Quantity" INTEGER NOT NULL,
            "Sku" TEXT NOT NULL,
            "Status" TEXT NOT NULL,
            "WaitlistEntryId" TEXT NULL,
            CONSTRAINT "ck_holds_owner" CHECK (("CheckoutSessionId" IS NOT NULL AND "WaitlistEntryId" IS NULL) OR ("CheckoutSessionId" IS NULL AND "WaitlistEntryId" IS NOT NULL)),
            CONSTRAINT "ck_holds_quantity" CHECK ("Quantity" > 0)
        );
        """;

    public const string SqliteCopyWithOwners = """
        INSERT INTO "ef_temp_holds" ("Id", "CheckoutSessionId", "ClosedAt", "CreatedAt", "ExpiresAt", "Extended", "Quantity", "Sku", "Status", "WaitlistEntryId")
        SELECT h."Id",
               CASE WHEN w."Id" IS NULL THEN h."CheckoutSessionId" END,
               h."ClosedAt", h."CreatedAt", h."ExpiresAt", h."Extended", h."Quantity", h."Sku", h."Status",
               w."Id"
        FROM "holds" h LEFT JOIN "waitlist_entries" w ON w."Id" = h."CheckoutSessionId";
        """;
}
