using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Carts;

/// <summary>The checkout path's read of a cart (with its lines), compiled once rather than translated per call.</summary>
internal static class CartQueries
{
    private static readonly CompiledQuery<Func<CheckoutDbContext, Guid, CancellationToken, Task<Cart?>>> ByIdQuery = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, Guid id, CancellationToken ct) => db.Carts.AsNoTracking().FirstOrDefault(c => c.Id == id)));

    public static Task<Cart?> ById(CheckoutDbContext db, Guid id, CancellationToken ct) => ByIdQuery.For(db)(db, id, ct);
}
