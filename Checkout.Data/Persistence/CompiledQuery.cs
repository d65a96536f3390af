using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Checkout.Data.Persistence;

/// <summary>
/// A query of the checkout path compiled once per model (EF Core binds a compiled query to the model it first ran
/// with, and each provider has its own), so that a call skips translating the LINQ tree and looking it up.
/// </summary>
internal sealed class CompiledQuery<TQuery>(Func<TQuery> compile)
    where TQuery : Delegate
{
    private readonly ConcurrentDictionary<IModel, TQuery> _byModel = new();

    public TQuery For(CheckoutDbContext db) => _byModel.GetOrAdd(db.Model, _ => compile());
}
