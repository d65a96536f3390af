using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Checkout.Data;
using Checkout.Data.Carts;
using Checkout.Data.CheckoutSessions;
using Checkout.Data.Fulfillment;
using Checkout.Data.Inventory;
using Checkout.Data.Operations;
using Checkout.Data.Orders;
using Checkout.Data.Payments;
using Checkout.Data.Persistence;
using Checkout.Data.Pricing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Bench;

/// <summary>
/// One raw-checkout worker: the product's minimal checkout written by hand — the reads and writes that
/// <see cref="CartService.CreateAsync"/>, <see cref="CartService.SetQuantityAsync"/>, <see cref="CheckoutService.StartAsync"/>
/// and <see cref="PlaceOrderService.PlaceAsync"/> make for a cart of one line, in the product's write units, on its
/// schema and in its stored representations — with statements prepared once on one open connection to the shop's
/// database and one to the gateway's ledger (<see cref="RawConnection"/>):
/// <list type="number">
/// <item>new cart, one transaction: the cart;</item>
/// <item>add the line, one transaction: read the product's price and stock; touch the open cart; add the line;</item>
/// <item>start, one transaction: read the cart's lines at the products' prices; lock the open cart; take each line's
/// units; add the holds, the checkout session and its lines;</item>
/// <item>place, one transaction: extend the session's hold for the payment; read the session; add the order, its lines
/// and its first status change (Pending);</item>
/// <item>authorize: the gateway's ledger row, then one transaction: order Pending → PaymentAuthorized with its status
/// change, cart Open → CheckedOut, session Open → Completed, holds converted and their units sold, the ordered cart
/// lines taken out, the payment added;</item>
/// <item>capture: the gateway's ledger row, then one durable transaction: order → Confirmed with its status change, the
/// outbox message, the payment captured.</item>
/// </list>
/// The gateway keeps its ledger where the product's simulated gateway keeps it (ADR 7): on SQLite a file of its own
/// beside the shop's (<see cref="GatewayFile"/>), on PostgreSQL a table of its own in the shop's database, written on a
/// connection of its own.
/// On SQLite every worker's units run on the <see cref="RawWriter"/>'s connection and statements, in shared commits
/// ("one transaction" above is then one savepoint of such a commit), as the product's units run on its writer. On
/// PostgreSQL each unit is one round trip, as the product's are there (<see cref="RawBatch"/>): its statements go as one
/// batch, PostgreSQL's implicit transaction, those whose count decides the unit guarded; the reads a unit needs (the
/// cart's lines, the session) are a round trip each before its batch is sent.
/// No retries, no replays, no events: it is the ceiling that the checkout row is measured against.
/// </summary>
internal sealed class RawCheckout : IAsyncDisposable
{
    private const string BuyerName = "Raw Buyer";
    private const string NumberAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private const string NotExtended = "the hold could not be extended";

    /// <summary>What the row's report says of its units on PostgreSQL.</summary>
    public const string OneRoundTripNote =
        "one round trip per write unit (one NpgsqlBatch, an implicit transaction, its conditional statements guarded), and one per read (the product, the cart, the session)";

    /// <summary>The product's defaults (hold time, payment grace, shipping), which the bench's shops run with.</summary>
    private static readonly CheckoutOptions Defaults = new();

    private static readonly CardSummary Card = Rows.GoodCard.Summary;

    private readonly RawConnection _db;
    private readonly RawConnection _gateway;

    /// <summary>On SQLite, where every worker's units run in shared commits; null elsewhere.</summary>
    private readonly RawWriter? _writer;

    /// <summary>On PostgreSQL, where each of this worker's units is one batch; null elsewhere (its statements then run one by one).</summary>
    private readonly RawBatch? _batch;

    private readonly DbCommand _insertCart;
    private readonly DbCommand _productForCart;
    private readonly DbCommand _touchCart;
    private readonly DbCommand _insertCartLine;

    private readonly DbCommand _cartLines;
    private readonly DbCommand _lockCart;
    private readonly DbCommand _reserve;
    private readonly DbCommand _insertHold;
    private readonly DbCommand _insertSession;
    private readonly DbCommand _insertSessionLine;

    private readonly DbCommand _extendSession;
    private readonly DbCommand _extendHolds;
    private readonly DbCommand _readSession;
    private readonly DbCommand _insertOrder;
    private readonly DbCommand _insertOrderLine;
    private readonly DbCommand _moveOrder;
    private readonly DbCommand _insertStatusChange;

    private readonly DbCommand _checkOutCart;
    private readonly DbCommand _completeSession;
    private readonly DbCommand _convertHold;
    private readonly DbCommand _sellReserved;
    private readonly DbCommand _takeOutOfCart;
    private readonly DbCommand _insertPayment;

    private readonly DbCommand _numberAnnouncement;
    private readonly DbCommand _insertOutbox;
    private readonly DbCommand _capturePayment;

    private readonly DbCommand _recordOperation;

    private RawCheckout(RawConnection db, RawConnection gateway, RawWriter? writer, RawBatch? batch)
    {
        _db = db;
        _gateway = gateway;
        _writer = writer;
        _batch = batch;

        _insertCart = db.Command($"""
            INSERT INTO "carts" ("Id", "CreatedAt", "NextCartId", "Status", "UpdatedAt") VALUES (@id, @now, NULL, '{CartStatus.Open}', @now)
            """, ("@id", Param.Id), ("@now", Param.Time));
        _productForCart = db.Command("""
            SELECT p."PriceMinor", i."Quantity" FROM "products" AS p JOIN "inventory" AS i ON i."Sku" = p."Sku" WHERE p."Sku" = @sku AND p."Active"
            """, ("@sku", Param.Text));
        _touchCart = db.Command($"""
            UPDATE "carts" SET "UpdatedAt" = @now WHERE "Id" = @cart AND "Status" = '{CartStatus.Open}'
            """, ("@now", Param.Time), ("@cart", Param.Id));
        _insertCartLine = db.Command("""
            INSERT INTO "cart_lines" ("CartId", "Sku", "Quantity", "SeenPriceMinor") VALUES (@cart, @sku, 1, @price)
            """, ("@cart", Param.Id), ("@sku", Param.Text), ("@price", Param.Long));

        _cartLines = db.Command("""
            SELECT l."Sku", l."Quantity", p."Name", p."PriceMinor", p."Currency"
            FROM "cart_lines" AS l JOIN "products" AS p ON p."Sku" = l."Sku"
            WHERE l."CartId" = @cart AND p."Active"
            """, ("@cart", Param.Id));
        _lockCart = db.Command($"""
            UPDATE "carts" SET "Status" = '{CartStatus.Open}' WHERE "Id" = @cart AND "Status" = '{CartStatus.Open}'
            """, ("@cart", Param.Id));
        _reserve = db.Command("""
            UPDATE "inventory" SET "Quantity" = "Quantity" - @n, "Reserved" = "Reserved" + @n
            WHERE "Sku" = @sku AND "Quantity" >= @n
            """, ("@n", Param.Int), ("@sku", Param.Text));
        _insertHold = db.Command($"""
            INSERT INTO "holds" ("Id", "CheckoutSessionId", "WaitlistEntryId", "Sku", "Quantity", "CreatedAt", "ExpiresAt", "Extended", "Status", "ClosedAt")
            VALUES (@id, @session, NULL, @sku, @n, @now, @expires, FALSE, '{HoldStatus.Active}', NULL)
            """, ("@id", Param.Id), ("@session", Param.Id), ("@sku", Param.Text), ("@n", Param.Int), ("@now", Param.Time), ("@expires", Param.Time));
        _insertSession = db.Command($"""
            INSERT INTO "checkout_sessions" ("Id", "CartId", "Email", "CustomerName", "PromoCode", "SubtotalMinor", "DiscountMinor",
                "ShippingMinor", "TotalMinor", "Currency", "CreatedAt", "HoldExpiresAt", "HoldExtended", "Status")
            VALUES (@id, @cart, @email, @name, NULL, @subtotal, 0, @shipping, @total, @currency, @now, @expires, FALSE, '{CheckoutSessionStatus.Open}')
            """, ("@id", Param.Id), ("@cart", Param.Id), ("@email", Param.Text), ("@name", Param.Text), ("@subtotal", Param.Long),
            ("@shipping", Param.Long), ("@total", Param.Long), ("@currency", Param.Text), ("@now", Param.Time), ("@expires", Param.Time));
        _insertSessionLine = db.Command("""
            INSERT INTO "checkout_session_lines" ("CheckoutSessionId", "Sku", "Name", "Quantity", "UnitPriceMinor")
            VALUES (@session, @sku, @name, @n, @price)
            """, ("@session", Param.Id), ("@sku", Param.Text), ("@name", Param.Text), ("@n", Param.Int), ("@price", Param.Long));

        // The product's extension: to the payment grace from now, unless the hold runs longer already.
        _extendSession = db.Command($"""
            UPDATE "checkout_sessions"
            SET "HoldExpiresAt" = CASE WHEN "HoldExpiresAt" > @grace THEN "HoldExpiresAt" ELSE @grace END, "HoldExtended" = TRUE
            WHERE "Id" = @session AND "Status" = '{CheckoutSessionStatus.Open}' AND NOT "HoldExtended" AND "HoldExpiresAt" > @now
            """, ("@grace", Param.Time), ("@session", Param.Id), ("@now", Param.Time));
        _extendHolds = db.Command($"""
            UPDATE "holds" SET "ExpiresAt" = CASE WHEN "ExpiresAt" > @grace THEN "ExpiresAt" ELSE @grace END, "Extended" = TRUE
            WHERE "CheckoutSessionId" = @session AND "Status" = '{HoldStatus.Active}'
            """, ("@grace", Param.Time), ("@session", Param.Id));
        _readSession = db.Command("""
            SELECT s."CartId", s."Email", s."CustomerName", s."SubtotalMinor", s."DiscountMinor", s."ShippingMinor", s."TotalMinor",
                s."Currency", l."Sku", l."Quantity", l."Name", l."UnitPriceMinor"
            FROM "checkout_sessions" AS s JOIN "checkout_session_lines" AS l ON l."CheckoutSessionId" = s."Id"
            WHERE s."Id" = @session
            """, ("@session", Param.Id));
        _insertOrder = db.Command($"""
            INSERT INTO "orders" ("Id", "Number", "CheckoutSessionId", "Email", "CustomerName", "PromoCode", "SubtotalMinor", "DiscountMinor",
                "ShippingMinor", "TotalMinor", "Currency", "Status", "Version", "TrackingNumber", "CreatedAt", "UpdatedAt")
            VALUES (@id, @number, @session, @email, @name, NULL, @subtotal, @discount, @shipping, @total, @currency, '{OrderStatus.Pending}', 0, NULL, @now, @now)
            """, ("@id", Param.Id), ("@number", Param.Text), ("@session", Param.Id), ("@email", Param.Text), ("@name", Param.Text),
            ("@subtotal", Param.Long), ("@discount", Param.Long), ("@shipping", Param.Long), ("@total", Param.Long), ("@currency", Param.Text), ("@now", Param.Time));
        _insertOrderLine = db.Command("""
            INSERT INTO "order_lines" ("OrderId", "Sku", "Name", "Quantity", "UnitPriceMinor") VALUES (@order, @sku, @name, @n, @price)
            """, ("@order", Param.Id), ("@sku", Param.Text), ("@name", Param.Text), ("@n", Param.Int), ("@price", Param.Long));
        _moveOrder = db.Command("""
            UPDATE "orders" SET "Status" = @to, "Version" = "Version" + 1, "UpdatedAt" = @now WHERE "Id" = @order AND "Status" = @from
            """, ("@to", Param.Text), ("@now", Param.Time), ("@order", Param.Id), ("@from", Param.Text));
        _insertStatusChange = db.Command("""
            INSERT INTO "order_status_changes" ("OrderId", "From", "To", "At", "Actor", "Reason", "RequestId")
            VALUES (@order, @from, @to, @now, @actor, @reason, NULL)
            """, ("@order", Param.Id), ("@from", Param.Text), ("@to", Param.Text), ("@now", Param.Time), ("@actor", Param.Text), ("@reason", Param.Text));

        _checkOutCart = db.Command($"""
            UPDATE "carts" SET "Status" = '{CartStatus.CheckedOut}', "UpdatedAt" = @now WHERE "Id" = @cart AND "Status" = '{CartStatus.Open}'
            """, ("@now", Param.Time), ("@cart", Param.Id));
        _completeSession = db.Command($"""
            UPDATE "checkout_sessions" SET "Status" = '{CheckoutSessionStatus.Completed}' WHERE "Id" = @session AND "Status" = '{CheckoutSessionStatus.Open}'
            """, ("@session", Param.Id));
        _convertHold = db.Command($"""
            UPDATE "holds" SET "Status" = '{HoldStatus.Converted}', "ClosedAt" = @now
            WHERE "CheckoutSessionId" = @session AND "Sku" = @sku AND "Status" = '{HoldStatus.Active}'
            """, ("@now", Param.Time), ("@session", Param.Id), ("@sku", Param.Text));
        _sellReserved = db.Command("""
            UPDATE "inventory" SET "Reserved" = "Reserved" - @n, "Sold" = "Sold" + @n WHERE "Sku" = @sku
            """, ("@n", Param.Int), ("@sku", Param.Text));
        _takeOutOfCart = db.Command("""
            DELETE FROM "cart_lines" WHERE "CartId" = @cart AND "Sku" = @sku
            """, ("@cart", Param.Id), ("@sku", Param.Text));
        _insertPayment = db.Command($"""
            INSERT INTO "payments" ("Id", "OrderId", "AuthorizationId", "AmountMinor", "CapturedMinor", "RefundedMinor", "Currency",
                "CardBrand", "CardLast4", "Status", "CreatedAt", "UpdatedAt")
            VALUES (@id, @order, @authorization, @amount, 0, 0, @currency, @brand, @last4, '{PaymentStatus.Authorized}', @now, @now)
            """, ("@id", Param.Id), ("@order", Param.Id), ("@authorization", Param.Text), ("@amount", Param.Long), ("@currency", Param.Text),
            ("@brand", Param.Text), ("@last4", Param.Text), ("@now", Param.Time));

        // As the product numbers an order's announcements (OrderLedger.AnnounceAsync): the order's counter, then the message numbered from it.
        _numberAnnouncement = db.Command("""
            UPDATE "orders" SET "LastAnnouncement" = "LastAnnouncement" + 1 WHERE "Id" = @order
            """, ("@order", Param.Id));
        _insertOutbox = db.Command($"""
            INSERT INTO "outbox_messages" ("Id", "Type", "AggregateId", "Payload", "CreatedAt", "SentAt", "Sequence")
            SELECT @id, '{OutboxTypes.OrderConfirmed}', @order, @payload, @now, NULL, "LastAnnouncement" FROM "orders" WHERE "Id" = @order
            """, ("@id", Param.Id), ("@order", Param.Id), ("@payload", Param.Text), ("@now", Param.Time));
        _capturePayment = db.Command($"""
            UPDATE "payments" SET "Status" = '{PaymentStatus.Captured}', "CapturedMinor" = "AmountMinor", "UpdatedAt" = @now
            WHERE "OrderId" = @order AND "Status" = '{PaymentStatus.Authorized}'
            """, ("@now", Param.Time), ("@order", Param.Id));

        _recordOperation = gateway.Command("""
            INSERT INTO "gateway_operations" ("Key", "Kind", "TransactionId", "ParentTransactionId", "AmountMinor", "Outcome", "CardBrand", "CardLast4", "CreatedAt")
            VALUES (@key, @kind, @transaction, @parent, @amount, @outcome, @brand, @last4, @now)
            """, ("@key", Param.Text), ("@kind", Param.Text), ("@transaction", Param.Text), ("@parent", Param.Text), ("@amount", Param.Long),
            ("@outcome", Param.Text), ("@brand", Param.Text), ("@last4", Param.Text), ("@now", Param.Time));
    }

    /// <summary>The gateway's ledger file beside the shop's SQLite file (<c>shop.db.gateway.db</c>), which goes with the row's folder.</summary>
    public static string GatewayFile(BenchShop shop) => new SqliteConnectionStringBuilder(shop.ConnectionString).DataSource + ".gateway.db";

    /// <summary>
    /// Creates the gateway's ledger where the product's simulated gateway keeps its own: on SQLite a file of its own in
    /// WAL mode like the shop's, on PostgreSQL a table of its own in the shop's database (dropped with it).
    /// </summary>
    public static async Task<RawGateway> CreateGatewayAsync(BenchShop shop)
    {
        var gateway = shop.Provider == DatabaseProvider.Sqlite
            ? new RawGateway(DatabaseProvider.Sqlite, new SqliteConnectionStringBuilder { DataSource = GatewayFile(shop) }.ToString())
            : new RawGateway(shop.Provider, shop.ConnectionString);
        await using var connection = await RawConnection.OpenAsync(gateway.Provider, gateway.ConnectionString);
        var (journal, id, at) = gateway.Provider == DatabaseProvider.Sqlite
            ? ("PRAGMA journal_mode = WAL;", "TEXT", "INTEGER")
            : ("", "text", "timestamp with time zone");
        await connection.Command($"""
            {journal}
            CREATE TABLE "gateway_operations" (
                "Key" {id} NOT NULL PRIMARY KEY,
                "Kind" {id} NOT NULL,
                "TransactionId" {id} NOT NULL,
                "ParentTransactionId" {id} NULL,
                "AmountMinor" bigint NOT NULL,
                "Outcome" {id} NOT NULL,
                "CardBrand" {id} NULL,
                "CardLast4" {id} NULL,
                "CreatedAt" {at} NOT NULL);
            CREATE INDEX "IX_gateway_operations_ParentTransactionId" ON "gateway_operations" ("ParentTransactionId");
            """).RunAsync(CancellationToken.None);
        return gateway;
    }

    /// <summary>
    /// Opens a worker's connections to the shop's database and the gateway's ledger, and prepares its statements. With
    /// a <paramref name="writer"/> its units run there, in shared commits; on PostgreSQL each is one batch of its own.
    /// </summary>
    public static async Task<RawCheckout> OpenAsync(BenchShop shop, RawGateway gatewayLedger, RawWriter? writer = null)
    {
        var db = await RawConnection.OpenAsync(shop.Provider, shop.ConnectionString);
        var gateway = await RawConnection.OpenAsync(gatewayLedger.Provider, gatewayLedger.ConnectionString);
        var checkout = new RawCheckout(db, gateway, writer, shop.Provider == DatabaseProvider.PostgreSQL ? new RawBatch(db) : null);
        await db.PrepareAsync();
        await gateway.PrepareAsync();
        return checkout;
    }

    /// <summary>The writer that runs every worker's units in shared commits on SQLite, on statements of its own; null on PostgreSQL.</summary>
    public static async Task<RawWriter?> OpenWriterAsync(BenchShop shop, RawGateway gateway)
    {
        if (shop.Provider != DatabaseProvider.Sqlite)
        {
            return null;
        }
        var statements = await OpenAsync(shop, gateway);
        return new RawWriter(statements, statements._db);
    }

    /// <summary>Puts one unit of <paramref name="sku"/> in a new cart and checks it out to a confirmed order; null when it was confirmed, else what stopped it.</summary>
    public async Task<string?> CheckOutAsync(string sku, string email, CancellationToken ct)
    {
        var cartId = Guid.CreateVersion7(DateTimeOffset.UtcNow);
        await InTransactionAsync(async w =>
        {
            await w.WriteAsync(w._insertCart, ct, w._db.Id(cartId), w._db.Time(DateTimeOffset.UtcNow));
            return null;
        }, ct);
        if (await InTransactionAsync(w => w.AddLineAsync(cartId, sku, ct), ct) is { } notAdded)
        {
            return $"cart: {notAdded}";
        }
        var sessionId = Guid.CreateVersion7(DateTimeOffset.UtcNow);
        if (await InTransactionAsync(w => w.StartAsync(sessionId, cartId, email, ct), ct) is { } notStarted)
        {
            return $"start: {notStarted}";
        }
        Placed? order = null;
        if (await InTransactionAsync(async w => (order = await w.CreateOrderAsync(sessionId, ct)) is null ? NotExtended : null, ct)
            is { } notPlaced)
        {
            return $"place: {notPlaced}";
        }
        var authorization = await RecordAsync(GatewayOperationKind.Authorize, sessionId.ToString(), null, order!, Card, ct);
        if (await InTransactionAsync(w => w.AuthorizedAsync(order!, authorization, ct), ct) is { } notAuthorized)
        {
            return $"authorize: {notAuthorized}";
        }
        await RecordAsync(GatewayOperationKind.Capture, $"capture-{order!.Id}", authorization, order, card: null, ct);
        return await InTransactionAsync(w => w.ConfirmedAsync(order, ct), ct, durable: true) is { } notConfirmed ? $"capture: {notConfirmed}" : null;
    }

    /// <summary>
    /// Checks what the row wrote, through the product's own model and services (so every row must read back as the
    /// product's): units sold = units in confirmed orders = confirmed orders, nothing left reserved, one captured payment,
    /// completed session, converted hold, checked-out cart, outbox message and two gateway operations per confirmed order,
    /// a sample of orders and checkouts as the product shows them, and the product's invariants.
    /// Returns what is wrong, or null.
    /// </summary>
    public static async Task<string?> CheckAsync(BenchShop shop, string[] skus, RawGateway gateway)
    {
        await using var db = await shop.DbAsync();
        var confirmed = await db.Orders.CountAsync(o => o.Status == OrderStatus.Confirmed);
        var stock = await db.Inventory.AsNoTracking().Where(i => skus.Contains(i.Sku)).ToListAsync();
        // Read back whole: a value stored in another representation than the product's fails here or in the counts.
        var sample = await db.Orders.AsNoTracking().Include(o => o.History).Where(o => o.Status == OrderStatus.Confirmed).Take(100).ToListAsync();
        var counts = new (string What, long Count)[]
        {
            ("units sold", stock.Sum(i => (long)i.Sold)),
            ("units in confirmed orders", await db.Orders.Where(o => o.Status == OrderStatus.Confirmed).SelectMany(o => o.Lines).SumAsync(l => (long)l.Quantity)),
            ("captured payments", await db.Payments.CountAsync(p => p.Status == PaymentStatus.Captured)),
            ("completed sessions", await db.CheckoutSessions.CountAsync(s => s.Status == CheckoutSessionStatus.Completed)),
            ("converted holds", await db.Holds.CountAsync(h => h.Status == HoldStatus.Converted)),
            ("checked-out carts", await db.Carts.CountAsync(c => c.Status == CartStatus.CheckedOut)),
            ("outbox messages", await db.OutboxMessages.CountAsync()),
            ("gateway authorizations", await GatewayCountAsync(gateway, GatewayOperationKind.Authorize)),
            ("gateway captures", await GatewayCountAsync(gateway, GatewayOperationKind.Capture)),
        };
        var problems = counts.Where(c => c.Count != confirmed).Select(c => $"{c.What} {c.Count:N0}").ToList();
        if (stock.Sum(i => (long)i.Reserved) is > 0 and var reserved)
        {
            problems.Add($"{reserved:N0} units still reserved");
        }
        foreach (var order in sample.Take(10))
        {
            if (await AsTheProductSeesItAsync(shop, order.Id, order.CheckoutSessionId) is { } odd)
            {
                problems.Add(odd);
                break;
            }
        }
        var invariants = await shop.Services.GetRequiredService<InvariantsService>().CheckAsync();
        problems.AddRange(invariants.Where(i => !i.Holds).Select(i => $"invariant {i.Name}: {i.Violations} violations"));
        return problems.Count == 0 ? null : $"{confirmed:N0} confirmed orders, but {string.Join(", ", problems)}";
    }

    /// <summary>
    /// A confirmed order and its checkout as the product's own services find them by id (so ids must be stored as the
    /// product stores them): confirmed, one line, three status changes, the payment captured, the checkout completed.
    /// </summary>
    private static async Task<string?> AsTheProductSeesItAsync(BenchShop shop, Guid orderId, Guid sessionId)
    {
        var order = await shop.Services.GetRequiredService<OrderService>().GetAsync(orderId);
        if (order.Value is not { Status: OrderStatus.Confirmed, Lines.Count: 1, History.Count: 3, Payment: { Status: PaymentStatus.Captured } payment } view
            || payment.CapturedMinor != view.TotalMinor)
        {
            return $"order {orderId} reads back as {(order.IsSuccess ? $"{order.Value!.Status} with {order.Value.Lines.Count} lines, {order.Value.History.Count} status changes, payment {order.Value.Payment?.Status}" : order.Error!.Message)}";
        }
        var checkout = await shop.Checkouts.GetAsync(sessionId);
        return checkout.Value is { Status: CheckoutSessionStatus.Completed, HoldExtended: true }
            ? null
            : $"checkout {sessionId} reads back as {(checkout.IsSuccess ? checkout.Value!.Status.ToString() : checkout.Error!.Message)}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_batch is not null)
        {
            await _batch.DisposeAsync();
        }
        await _db.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    /// <summary>
    /// One write unit: on SQLite in the writer's next shared commit, with the writer's statements as
    /// <paramref name="work"/>'s argument, a durable one (the confirmation) with <c>synchronous = FULL</c> as the
    /// product's; on PostgreSQL as one batch of this worker's own (<see cref="RawBatch"/>), which commits as durably as
    /// the server makes every commit, as the product's do there. Null when its writes stand, else its refusal.
    /// </summary>
    private Task<string?> InTransactionAsync(Func<RawCheckout, Task<string?>> work, CancellationToken ct, bool durable = false) =>
        _writer is not null ? _writer.RunAsync(work, durable)
        : _batch is not null ? _batch.RunAsync(() => work(this), ct)
        : throw new InvalidOperationException("A worker's units run on the writer (SQLite) or as batches (PostgreSQL).");

    /// <summary>
    /// A statement whose count of changed rows decides the unit: null when it changed one row, else
    /// <paramref name="refusal"/>, the unit's answer. In a batched unit it is queued, guarded and taken to change one:
    /// the batch fails, and the unit answers <paramref name="refusal"/>, when it does not.
    /// </summary>
    private async Task<string?> ExpectOneAsync(string refusal, DbCommand statement, CancellationToken ct, params object?[] values)
    {
        if (_batch is not null)
        {
            _batch.Add(statement, values, rows: 1, refusal);
            return null;
        }
        return await statement.RunAsync(ct, values) == 1 ? null : refusal;
    }

    /// <summary>A statement whose count of changed rows nobody needs: run now, or queued in a batched unit.</summary>
    private Task WriteAsync(DbCommand statement, CancellationToken ct, params object?[] values)
    {
        if (_batch is null)
        {
            return statement.RunAsync(ct, values);
        }
        _batch.Add(statement, values);
        return Task.CompletedTask;
    }

    /// <summary>The product's stock check of a line at its price, then the open cart touched and the line added.</summary>
    private async Task<string?> AddLineAsync(Guid cartId, string sku, CancellationToken ct)
    {
        long? price = null;
        await using (var reader = await _productForCart.ReadAsync(ct, sku))
        {
            if (await reader.ReadAsync(ct) && reader.GetInt32(1) >= 1)
            {
                price = reader.GetInt64(0);
            }
        }
        if (price is null)
        {
            return $"{sku} is not for sale or out of stock";
        }
        var cart = _db.Id(cartId);
        if (await ExpectOneAsync("the cart is closed", _touchCart, ct, _db.Time(DateTimeOffset.UtcNow), cart) is { } closed)
        {
            return closed;
        }
        await WriteAsync(_insertCartLine, ct, cart, sku, price.Value);
        return null;
    }

    private async Task<string?> StartAsync(Guid sessionId, Guid cartId, string email, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now + Defaults.HoldTtl;
        var (cart, session) = (_db.Id(cartId), _db.Id(sessionId));
        var lines = await CartLinesAsync(cart, ct);
        if (lines.Count == 0)
        {
            return "the cart is empty";
        }
        if (await ExpectOneAsync("the cart is closed", _lockCart, ct, cart) is { } closed)
        {
            return closed;
        }
        foreach (var line in lines)
        {
            if (await ExpectOneAsync($"{line.Sku} is out of stock", _reserve, ct, line.Quantity, line.Sku) is { } soldOut)
            {
                return soldOut;
            }
            await WriteAsync(_insertHold, ct, _db.Id(Guid.CreateVersion7(now)), session, line.Sku, line.Quantity, _db.Time(now), _db.Time(expires));
        }
        var subtotal = lines.Sum(l => l.UnitPriceMinor * l.Quantity);
        // The demo shop's Standard delivery to the United States: 4.99, free from 100.00.
        var shipping = subtotal >= 10_000 ? 0 : 499;
        await WriteAsync(_insertSession, ct, session, cart, email, BuyerName, subtotal, shipping, subtotal + shipping, lines[0].Currency, _db.Time(now), _db.Time(expires));
        foreach (var line in lines)
        {
            await WriteAsync(_insertSessionLine, ct, session, line.Sku, line.Name, line.Quantity, line.UnitPriceMinor);
        }
        return null;
    }

    /// <summary>The cart's lines at the products' current prices, in SKU order (the order the product takes stock in).</summary>
    private async Task<List<Line>> CartLinesAsync(object cart, CancellationToken ct)
    {
        var lines = new List<Line>(1);
        await using (var reader = await _cartLines.ReadAsync(ct, cart))
        {
            while (await reader.ReadAsync(ct))
            {
                lines.Add(new Line(reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4)));
            }
        }
        lines.Sort((a, b) => string.CompareOrdinal(a.Sku, b.Sku));
        return lines;
    }

    /// <summary>Extends the hold for the payment, reads the session and adds its Pending order; null when the hold could not be extended.</summary>
    private async Task<Placed?> CreateOrderAsync(Guid sessionId, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var (session, grace) = (_db.Id(sessionId), _db.Time(now + Defaults.PaymentGrace));
        if (await ExpectOneAsync(NotExtended, _extendSession, ct, grace, session, _db.Time(now)) is not null)
        {
            return null;
        }
        await WriteAsync(_extendHolds, ct, grace, session);
        // In a batched unit the extension is not sent yet: the read goes first, as the product's does.
        var order = await ReadSessionAsync(sessionId, now, ct);
        await WriteAsync(_insertOrder, ct, order.Key, order.Number, session, order.Email, order.Name, order.SubtotalMinor, order.DiscountMinor,
            order.ShippingMinor, order.TotalMinor, order.Currency, _db.Time(now));
        foreach (var line in order.Lines)
        {
            await WriteAsync(_insertOrderLine, ct, order.Key, line.Sku, line.Name, line.Quantity, line.UnitPriceMinor);
        }
        await WriteAsync(_insertStatusChange, ct, order.Key, null, nameof(OrderStatus.Pending), _db.Time(now), "shopper", "Order placed");
        return order;
    }

    private async Task<Placed> ReadSessionAsync(Guid sessionId, DateTimeOffset now, CancellationToken ct)
    {
        Placed? order = null;
        await using var reader = await _readSession.ReadAsync(ct, _db.Id(sessionId));
        while (await reader.ReadAsync(ct))
        {
            var id = Guid.CreateVersion7(now);
            // Numbered as the product numbers orders: random, not sequential.
            order ??= new Placed(id, _db.Id(id), "CK-" + RandomNumberGenerator.GetString(NumberAlphabet, 10), sessionId, reader.GetValue(0),
                reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetString(7), []);
            order.Lines.Add(new Line(reader.GetString(8), reader.GetInt32(9), reader.GetString(10), reader.GetInt64(11), order.Currency));
        }
        return order ?? throw new InvalidOperationException($"Checkout session {sessionId} has no lines.");
    }

    /// <summary>The authorization's shop transaction: the order, cart, session, holds, stock and cart lines move together, and the payment is recorded.</summary>
    private async Task<string?> AuthorizedAsync(Placed order, string authorization, CancellationToken ct)
    {
        var now = _db.Time(DateTimeOffset.UtcNow);
        var session = _db.Id(order.SessionId);
        if (await MoveOrderAsync(order, OrderStatus.Pending, OrderStatus.PaymentAuthorized, now, "the order was no longer pending", ct) is { } notPending)
        {
            return notPending;
        }
        if (await ExpectOneAsync("the cart was closed already", _checkOutCart, ct, now, order.CartKey) is { } closed)
        {
            return closed;
        }
        if (await ExpectOneAsync("the session was no longer open", _completeSession, ct, session) is { } notOpen)
        {
            return notOpen;
        }
        foreach (var line in order.Lines)
        {
            if (await ExpectOneAsync($"the hold of {line.Sku} was gone", _convertHold, ct, now, session, line.Sku) is { } gone)
            {
                return gone;
            }
            await WriteAsync(_sellReserved, ct, line.Quantity, line.Sku);
        }
        foreach (var line in order.Lines)
        {
            await WriteAsync(_takeOutOfCart, ct, order.CartKey, line.Sku);
        }
        await WriteAsync(_insertPayment, ct, _db.Id(Guid.CreateVersion7(DateTimeOffset.UtcNow)), order.Key, authorization, order.TotalMinor, order.Currency,
            Card.Brand, Card.Last4, now);
        return null;
    }

    /// <summary>The capture's shop transaction: the order confirmed, its outbox message written with the order's next announcement number, its payment captured.</summary>
    private async Task<string?> ConfirmedAsync(Placed order, CancellationToken ct)
    {
        var at = DateTimeOffset.UtcNow;
        var now = _db.Time(at);
        if (await MoveOrderAsync(order, OrderStatus.PaymentAuthorized, OrderStatus.Confirmed, now, "the order was no longer authorized", ct) is { } notAuthorized)
        {
            return notAuthorized;
        }
        if (await ExpectOneAsync("the order vanished", _numberAnnouncement, ct, order.Key) is { } vanished)
        {
            return vanished;
        }
        await WriteAsync(_insertOutbox, ct, _db.Id(Guid.CreateVersion7(at)), order.Key, ConfirmedPayload(order), now);
        return await ExpectOneAsync("the payment was not authorized", _capturePayment, ct, now, order.Key);
    }

    /// <summary>The product's compare-and-set of an order's status, with its history row; <paramref name="refusal"/> when the order had moved on.</summary>
    private async Task<string?> MoveOrderAsync(Placed order, OrderStatus from, OrderStatus to, object now, string refusal, CancellationToken ct)
    {
        if (await ExpectOneAsync(refusal, _moveOrder, ct, to.ToString(), now, order.Key, from.ToString()) is { } movedOn)
        {
            return movedOn;
        }
        await WriteAsync(_insertStatusChange, ct, order.Key, from.ToString(), to.ToString(), now, "checkout", null);
        return null;
    }

    /// <summary>
    /// The gateway's ledger row of an approved operation, under the product's key (kind and idempotency key) and with a
    /// transaction id shaped as the simulated gateway's; returns that transaction id.
    /// </summary>
    private async Task<string> RecordAsync(GatewayOperationKind kind, string idempotencyKey, string? parent, Placed order, CardSummary? card, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var transactionId = $"sim_{kind.ToString().ToLowerInvariant()}_{Guid.CreateVersion7(now):N}";
        await _recordOperation.RunAsync(ct, $"{kind}:{idempotencyKey}", kind.ToString(), transactionId, parent, order.TotalMinor,
            nameof(GatewayOutcome.Approved), card?.Brand, card?.Last4, _gateway.Time(now));
        return transactionId;
    }

    private static async Task<long> GatewayCountAsync(RawGateway gateway, GatewayOperationKind kind)
    {
        await using var connection = await RawConnection.OpenAsync(gateway.Provider, gateway.ConnectionString);
        var count = connection.Command("""SELECT COUNT(*) FROM "gateway_operations" WHERE "Kind" = @kind AND "Outcome" = 'Approved'""", ("@kind", Param.Text));
        RawCommands.Bind(count.CommandText, count.Parameters, [kind.ToString()]);
        return Convert.ToInt64(await count.ExecuteScalarAsync());
    }

    /// <summary>The product's OrderConfirmed message body.</summary>
    private static string ConfirmedPayload(Placed order) =>
        JsonSerializer.Serialize(new
        {
            orderId = order.Id,
            orderNumber = order.Number,
            email = order.Email,
            name = order.Name,
            lines = order.Lines.Select(l => new { sku = l.Sku, quantity = l.Quantity }),
        });

    private sealed record Line(string Sku, int Quantity, string Name, long UnitPriceMinor, string Currency);

    /// <summary>An order as this worker placed it; <paramref name="Key"/> and <paramref name="CartKey"/> are the ids as the database stores them.</summary>
    private sealed record Placed(
        Guid Id, object Key, string Number, Guid SessionId, object CartKey, string Email, string Name, long SubtotalMinor, long DiscountMinor,
        long ShippingMinor, long TotalMinor, string Currency, List<Line> Lines);
}

/// <summary>Where raw-checkout's gateway keeps its ledger: a SQLite file of its own, or a table in the shop's PostgreSQL database.</summary>
internal sealed record RawGateway(DatabaseProvider Provider, string ConnectionString);
