using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Data.Persistence;

/// <summary>
/// The checkout path's writes as plain SQL on the use case's connection and inside its transaction, through EF Core's
/// raw-SQL door: no LINQ tree to walk and look up per call, no change tracker, yet the same interceptors (the SQLite
/// write gate, the Redis counters' settlement), logging and diagnostics as every other command.
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
    /// the column it is compared with or written to. Returns the number of rows it changed.
    /// </summary>
    public static Task<int> ExecuteAsync(this CheckoutDbContext db, string sql, CancellationToken ct, params Value[] columns)
    {
        using var factory = db.Database.GetDbConnection().CreateCommand();
        var parameters = new object[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            parameters[i] = columns[i].Bind(db.Model, factory, i);
        }
        return db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
    }

    /// <summary>Inserts <paramref name="entity"/>'s row (not its owned collections), as <c>SaveChanges</c> would for an added entity.</summary>
    public static Task<int> InsertAsync<TEntity>(this CheckoutDbContext db, TEntity entity, CancellationToken ct)
        where TEntity : class
    {
        var insert = Inserts.GetOrAdd((db.Model, typeof(TEntity)), key => Insert.For(key.Item1, key.Item2));
        using var factory = db.Database.GetDbConnection().CreateCommand();
        var parameters = new object[insert.Columns.Count];
        for (var i = 0; i < parameters.Length; i++)
        {
            var property = insert.Columns[i];
            parameters[i] = Value.Parameter(property, property.GetGetter().GetClrValue(entity), factory, i);
        }
        return db.Database.ExecuteSqlRawAsync(insert.Sql, parameters, ct);
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
        using var factory = db.Database.GetDbConnection().CreateCommand();
        var parameters = new object[insert.Columns.Count * rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < insert.Columns.Count; c++)
            {
                var property = insert.Columns[c];
                var i = (r * insert.Columns.Count) + c;
                parameters[i] = Value.Parameter(property, property.GetGetter().GetClrValue(rows[r]), factory, i);
            }
        }
        return db.Database.ExecuteSqlRawAsync(insert.ForRows(rows.Count), parameters, ct);
    }

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
    private sealed record Insert(string Table, IReadOnlyList<IProperty> Columns, string Sql)
    {
        public static Insert For(IModel model, Type type)
        {
            var entity = model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
            var columns = entity.GetProperties()
                .Where(p => p.ValueGenerated != ValueGenerated.OnAdd || !p.IsKey() || p.ClrType != typeof(long))
                .Where(p => !p.IsShadowProperty())
                .ToList();
            var table = entity.GetTableName() ?? throw new InvalidOperationException($"{type.Name} has no table.");
            var insert = new Insert(table, columns, "");
            return insert with { Sql = insert.ForRows(1) };
        }

        public string ForRows(int rows)
        {
            var names = string.Join(", ", Columns.Select(c => $"\"{c.GetColumnName()}\""));
            var values = Enumerable.Range(0, rows)
                .Select(r => "(" + string.Join(", ", Columns.Select((_, c) => $"{{{(r * Columns.Count) + c}}}")) + ")");
            return $"INSERT INTO \"{Table}\" ({names}) VALUES {string.Join(", ", values)}";
        }
    }
}
