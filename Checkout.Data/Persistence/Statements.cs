using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Data.Persistence;

/// <summary>
/// The checkout path's writes as plain SQL on the use case's connection and inside its transaction. On SQLite, on an
/// open connection, they run as ADO.NET commands of their own, not through EF Core's command pipeline: none of the
/// per-command work of EF Core's raw-SQL door (formatting the SQL, building a relational command, logging, command
/// interceptors), which cost more CPU than SQLite spent running the statements. On a connection that stays open (the
/// SQLite writer's, <see cref="CheckoutDbContext.KeepsStatements"/>) each SQL text also keeps its prepared command, so
/// SQLite compiles it once rather than on every execution. Transactions stay EF Core's, so their interceptors (the
/// write gate and durability, the Redis counters' settlement) still see every one; each such statement is reported on
/// the ActivitySource <see cref="SourceName"/>. Elsewhere (other providers, a connection not open yet, a context whose
/// commands someone watches: <see cref="CheckoutDbContext.CommandsWatched"/>) they go through EF Core's raw-SQL door.
/// <para>
/// Values are bound with the type mapping of the column they go to, taken from the model, so a raw statement stores
/// exactly what EF Core would (a Guid as upper-case text and a timestamp as UTC ticks on SQLite, an enum as its name).
/// Column and table names are the model's too, quoted as every provider here accepts (<c>"Name"</c>).
/// </para>
/// </summary>
internal static class Statements
{
    private static readonly ConcurrentDictionary<(IModel, Type), Insert> Inserts = new();

    /// <summary>
    /// Runs <paramref name="sql"/>, whose <c>{0}</c>, <c>{1}</c>… are <paramref name="columns"/>' values, each bound as
    /// the column it is compared with or written to. Returns the number of rows it changed. A unit that runs as one
    /// batch (<see cref="StatementBatch"/>) cannot have that answer before its end: it runs again statement by statement.
    /// </summary>
    public static Task<int> ExecuteAsync(this CheckoutDbContext db, string sql, CancellationToken ct, params Value[] columns) =>
        db.Batch is null
            ? RunAsync(db, sql, columns.Length, Binder(db, columns), ct)
            : Task.FromException<int>(new StatementBatch.AnswerNeeded());

    /// <summary>
    /// A conditional statement: true when it changed exactly <paramref name="rows"/> rows. In a unit that runs as one
    /// batch it is taken to, and the batch fails (nothing of it stays) when it does not.
    /// </summary>
    public static async Task<bool> ExpectAsync(this CheckoutDbContext db, string sql, int rows, CancellationToken ct, params Value[] columns)
    {
        if (db.Batch is { } batch)
        {
            batch.Add(Text(sql, columns.Length), columns.Length, Binder(db, columns), rows);
            return true;
        }
        return await RunAsync(db, sql, columns.Length, Binder(db, columns), ct) == rows;
    }

    /// <summary>A statement whose count of changed rows nobody needs.</summary>
    public static Task WriteAsync(this CheckoutDbContext db, string sql, CancellationToken ct, params Value[] columns)
    {
        if (db.Batch is { } batch)
        {
            batch.Add(Text(sql, columns.Length), columns.Length, Binder(db, columns), expectedRows: null);
            return Task.CompletedTask;
        }
        return RunAsync(db, sql, columns.Length, Binder(db, columns), ct);
    }

    private static Func<DbCommand, int, DbParameter> Binder(CheckoutDbContext db, Value[] columns) =>
        (command, i) => columns[i].Bind(db.Model, command, i);

    /// <summary>Inserts <paramref name="entity"/>'s row (not its owned collections), as <c>SaveChanges</c> would for an added entity.</summary>
    public static Task<int> InsertAsync<TEntity>(this CheckoutDbContext db, TEntity entity, CancellationToken ct)
        where TEntity : class
    {
        var insert = Inserts.GetOrAdd((db.Model, typeof(TEntity)), key => Insert.For(key.Item1, key.Item2));
        return InsertRowsAsync(db, insert.Sql, 1, insert.Columns.Count, (command, i) =>
        {
            var property = insert.Columns[i];
            return Value.Parameter(property, property.GetGetter().GetClrValue(entity), command, i);
        }, ct);
    }

    /// <summary>Inserts every row of an owned collection (an order's or a checkout's lines) in one statement.</summary>
    public static Task<int> InsertAllAsync<TEntity>(this CheckoutDbContext db, IReadOnlyList<TEntity> rows, CancellationToken ct)
        where TEntity : class
    {
        if (rows.Count == 0)
        {
            return Task.FromResult(0);
        }
        var insert = Inserts.GetOrAdd((db.Model, typeof(TEntity)), key => Insert.For(key.Item1, key.Item2));
        var columns = insert.Columns.Count;
        return InsertRowsAsync(db, insert.ForRows(rows.Count), rows.Count, columns * rows.Count, (command, i) =>
        {
            var property = insert.Columns[i % columns];
            return Value.Parameter(property, property.GetGetter().GetClrValue(rows[i / columns]), command, i);
        }, ct);
    }

    /// <summary>An INSERT of <paramref name="rows"/> rows, run now or, in a unit that runs as one batch, queued (an INSERT needs no guard: it adds its rows or fails).</summary>
    private static Task<int> InsertRowsAsync(CheckoutDbContext db, string sql, int rows, int count, Func<DbCommand, int, DbParameter> bind, CancellationToken ct)
    {
        if (db.Batch is { } batch)
        {
            batch.Add(Text(sql, count), count, bind, expectedRows: null);
            return Task.FromResult(rows);
        }
        return RunAsync(db, sql, count, bind, ct);
    }

    /// <summary>
    /// Runs a statement on the context's open connection, in its transaction. On a context whose connection stays open
    /// (<see cref="CheckoutDbContext.KeepsStatements"/>) the command is kept prepared for the next execution of the same SQL.
    /// </summary>
    private static async Task<int> RunAsync(CheckoutDbContext db, string sql, int count, Func<DbCommand, int, DbParameter> bind, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection is not SqliteConnection || connection.State != ConnectionState.Open || db.CommandsWatched)
        {
            // Other providers, a connection EF Core is to open for this statement alone, and commands someone watches.
            using var factory = connection.CreateCommand();
            var parameters = new object[count];
            for (var i = 0; i < count; i++)
            {
                parameters[i] = bind(factory, i);
            }
            return await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
        }
        var text = Text(sql, count);
        using var activity = Source.StartActivity("statement", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("db.system.name", "sqlite");
            activity.SetTag("db.namespace", connection.DataSource);
            activity.SetTag("db.query.text", text);
        }
        var kept = db.KeepsStatements ? KeptDirect.GetOrCreateValue(connection) : null;
        DbCommand? command = null;
        if (kept is null || !kept.Remove(text, out command))
        {
            command = connection.CreateCommand();
            command.CommandText = text;
        }
        try
        {
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            for (var i = 0; i < count; i++)
            {
                command.Parameters.Add(bind(command, i));
            }
            return await command.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            command.Parameters.Clear();
            command.Transaction = null;
            if (kept is null || !kept.TryAdd(text, command))
            {
                await command.DisposeAsync();
            }
        }
    }

    /// <summary>The SQL text with its <c>{i}</c> placeholders named as its parameters are (<c>@p{i}</c>).</summary>
    private static string Text(string sql, int count) => Named.GetOrAdd(sql, (s, n) => string.Format(
        CultureInfo.InvariantCulture, s, Enumerable.Range(0, n).Select(i => (object)$"@p{i}").ToArray()), count);

    /// <summary>The name of the ActivitySource that reports each statement run here, its SQL in <c>db.query.text</c>.</summary>
    public const string SourceName = "Checkout.Statements";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Each SQL text with its <c>{i}</c> placeholders named (<c>@p{i}</c>), made once.</summary>
    private static readonly ConcurrentDictionary<string, string> Named = new();

    /// <summary>The commands kept prepared on each connection that stays open, by SQL text; one taken out is in use.</summary>
    private static readonly ConditionalWeakTable<DbConnection, Dictionary<string, DbCommand>> KeptDirect = [];

    /// <summary>A value for a statement, bound with the type mapping of <c>Entity.Property</c>'s column.</summary>
    public readonly record struct Value(Type Entity, string Property, object? Given)
    {
        public static Value Of<TEntity>(string property, object? value) => new(typeof(TEntity), property, value);

        internal DbParameter Bind(IModel model, DbCommand factory, int index)
        {
            var entity = model.FindEntityType(Entity) ?? throw new InvalidOperationException($"{Entity.Name} is not in the model.");
            var property = entity.FindProperty(Property) ?? throw new InvalidOperationException($"{Entity.Name} has no property {Property}.");
            return Parameter(property, Given, factory, index);
        }

        internal static DbParameter Parameter(IProperty property, object? value, DbCommand factory, int index) =>
            property.GetRelationalTypeMapping().CreateParameter(factory, $"p{index}", value, property.IsNullable);
    }

    /// <summary>The INSERT of one entity type: its table, its stored columns (not the database-generated ones), in order.</summary>
    private sealed record Insert(string Table, IReadOnlyList<IProperty> Columns)
    {
        /// <summary>The statement's text for each number of rows asked for so far, made once.</summary>
        private readonly ConcurrentDictionary<int, string> _texts = new();

        public static Insert For(IModel model, Type type)
        {
            var entity = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
            var columns = entity.GetProperties()
                .Where(p => p.ValueGenerated != ValueGenerated.OnAdd || !p.IsKey() || p.ClrType != typeof(long))
                .Where(p => !p.IsShadowProperty())
                .ToList();
            var table = entity.GetTableName() ?? throw new InvalidOperationException($"{type.Name} has no table.");
            return new Insert(table, columns);
        }

        public string Sql => ForRows(1);

        public string ForRows(int rows) => _texts.GetOrAdd(rows, Build);

        private string Build(int rows)
        {
            var names = string.Join(", ", Columns.Select(c => $"\"{c.GetColumnName()}\""));
            var values = Enumerable.Range(0, rows)
                .Select(r => "(" + string.Join(", ", Columns.Select((_, c) => $"{{{(r * Columns.Count) + c}}}")) + ")");
            return $"INSERT INTO \"{Table}\" ({names}) VALUES {string.Join(", ", values)}";
        }
    }
}
