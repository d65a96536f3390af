using Checkout.Data.Persistence;

namespace Checkout.Data.Payments.Simulator;

/// <summary>
/// The ledger's statements in one engine's dialect. Every value is a parameter; a list of values is one parameter
/// holding a JSON array, which each engine opens as a table, so a statement keeps one text (and its prepared plan)
/// whatever the length of the list.
/// </summary>
/// <param name="Schema">Run in one transaction at start-up; each is idempotent, the first takes the engine's lock when it needs one.</param>
/// <param name="Insert">Affects one row when the operation was stored, none when its key was there already.</param>
/// <param name="WithFollowUps">
/// The operations whose transaction id or parent is in <c>@Ids</c>: an index search on each, also in the generic plan a
/// prepared statement settles on (on PostgreSQL a list opened as a table would be joined by scanning the whole ledger,
/// so there it is an array compared with <c>= ANY</c>).
/// </param>
/// <param name="Page">Up to <c>@Limit</c> operations after the key <c>@After</c>, of the kind <c>@Kind</c> unless it is null.</param>
/// <param name="Forget">Deletes the operations under the keys in <c>@Keys</c> and those made on them.</param>
internal sealed record SimulatorSql(IReadOnlyList<string> Schema, string Insert, string ByKey, string WithFollowUps, string Page, string Forget)
{
    public const string Table = "sim_gateway_operations";

    private const string Columns =
        "\"Key\", \"Kind\", \"TransactionId\", \"ParentTransactionId\", \"AmountMinor\", \"Outcome\", \"CardBrand\", \"CardLast4\", \"CreatedAt\"";

    private const string Values = "@Key, @Kind, @TransactionId, @ParentTransactionId, @AmountMinor, @Outcome, @CardBrand, @CardLast4, @CreatedAt";

    /// <summary>The names of the two indexes beside the primary key on <c>Key</c>.</summary>
    public static readonly IReadOnlyList<string> Indexes = [$"IX_{Table}_TransactionId", $"IX_{Table}_ParentTransactionId"];

    public static SimulatorSql For(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => Build(
            [
                // WITHOUT ROWID: the rows are stored in the key's own b-tree, not behind a second one.
                $"""
                 CREATE TABLE IF NOT EXISTS {Table} (
                     "Key" TEXT NOT NULL CONSTRAINT "PK_{Table}" PRIMARY KEY,
                     "Kind" TEXT NOT NULL,
                     "TransactionId" TEXT NOT NULL,
                     "ParentTransactionId" TEXT NULL,
                     "AmountMinor" INTEGER NOT NULL,
                     "Outcome" TEXT NOT NULL,
                     "CardBrand" TEXT NULL,
                     "CardLast4" TEXT NULL,
                     "CreatedAt" TEXT NOT NULL
                 ) WITHOUT ROWID
                 """,
                .. Indexes.Select(CreateIndexIfNotExists),
            ],
            insert: $"INSERT INTO {Table} ({Columns}) VALUES ({Values}) ON CONFLICT (\"Key\") DO NOTHING",
            anyOf: (column, parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))",
            top: "",
            limit: " LIMIT @Limit"),
        DatabaseProvider.PostgreSQL => Build(
            [
                // Two instances starting together would both try to create the table; the second waits here instead.
                $"SELECT pg_advisory_xact_lock(hashtext('{Table}'))",
                $"""
                 CREATE TABLE IF NOT EXISTS {Table} (
                     "Key" character varying(200) NOT NULL CONSTRAINT "PK_{Table}" PRIMARY KEY,
                     "Kind" character varying(32) NOT NULL,
                     "TransactionId" character varying(100) NOT NULL,
                     "ParentTransactionId" character varying(100) NULL,
                     "AmountMinor" bigint NOT NULL,
                     "Outcome" character varying(32) NOT NULL,
                     "CardBrand" character varying(20) NULL,
                     "CardLast4" character varying(4) NULL,
                     "CreatedAt" timestamp with time zone NOT NULL
                 )
                 """,
                .. Indexes.Select(CreateIndexIfNotExists),
            ],
            insert: $"INSERT INTO {Table} ({Columns}) VALUES ({Values}) ON CONFLICT (\"Key\") DO NOTHING",
            anyOf: (column, parameter) => $"{column} = ANY (ARRAY(SELECT jsonb_array_elements_text(CAST({parameter} AS jsonb))))",
            top: "",
            limit: " LIMIT @Limit"),
        DatabaseProvider.SqlServer => Build(
            [
                $"EXEC sp_getapplock @Resource = N'{Table}', @LockMode = N'Exclusive', @LockOwner = N'Transaction'",
                $"""
                 IF OBJECT_ID(N'{Table}', N'U') IS NULL
                 CREATE TABLE {Table} (
                     "Key" nvarchar(200) NOT NULL CONSTRAINT "PK_{Table}" PRIMARY KEY,
                     "Kind" nvarchar(32) NOT NULL,
                     "TransactionId" nvarchar(100) NOT NULL,
                     "ParentTransactionId" nvarchar(100) NULL,
                     "AmountMinor" bigint NOT NULL,
                     "Outcome" nvarchar(32) NOT NULL,
                     "CardBrand" nvarchar(20) NULL,
                     "CardLast4" nvarchar(4) NULL,
                     "CreatedAt" datetimeoffset NOT NULL
                 )
                 """,
                .. Indexes.Select(index => $"""
                    IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'{index}' AND object_id = OBJECT_ID(N'{Table}'))
                    CREATE INDEX "{index}" ON {Table} ("{IndexedColumn(index)}")
                    """),
            ],
            // No ON CONFLICT here: the key's range stays locked from the look to the insert, so of two calls with one
            // key the second waits, then finds the first's row and inserts nothing.
            insert: $"INSERT INTO {Table} ({Columns}) SELECT {Values} WHERE NOT EXISTS (SELECT 1 FROM {Table} WITH (UPDLOCK, HOLDLOCK) WHERE \"Key\" = @Key)",
            anyOf: (column, parameter) => $"{column} IN (SELECT value FROM OPENJSON({parameter}))",
            top: "TOP (@Limit) ",
            limit: ""),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <param name="anyOf">A condition: the column's value is one of those in the JSON array parameter.</param>
    private static SimulatorSql Build(IReadOnlyList<string> schema, string insert, Func<string, string, string> anyOf, string top, string limit) => new(
        schema,
        insert,
        ByKey: $"SELECT {Columns} FROM {Table} WHERE \"Key\" = @Key",
        // Two searches joined rather than one OR, so that each is sure to use its index.
        WithFollowUps: $"""
                        SELECT {Columns} FROM {Table} WHERE {anyOf("\"TransactionId\"", "@Ids")}
                        UNION
                        SELECT {Columns} FROM {Table} WHERE {anyOf("\"ParentTransactionId\"", "@Ids")}
                        """,
        Page: $"SELECT {top}{Columns} FROM {Table} WHERE \"Key\" > @After AND (@Kind IS NULL OR \"Kind\" = @Kind) ORDER BY \"Key\"{limit}",
        Forget: $"""
                 DELETE FROM {Table}
                 WHERE {anyOf("\"Key\"", "@Keys")}
                    OR "ParentTransactionId" IN (SELECT "TransactionId" FROM {Table} WHERE {anyOf("\"Key\"", "@Keys")})
                 """);

    private static string CreateIndexIfNotExists(string index) => $"CREATE INDEX IF NOT EXISTS \"{index}\" ON {Table} (\"{IndexedColumn(index)}\")";

    private static string IndexedColumn(string index) => index[(index.LastIndexOf('_') + 1)..];
}
