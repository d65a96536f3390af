using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.CheckoutSessions;

/// <summary>The checkout path's reads of sessions (with their lines), compiled once rather than translated per call.</summary>
internal static class SessionQueries
{
    private static readonly CompiledQuery<Func<CheckoutDbContext, Guid, CancellationToken, Task<CheckoutSession?>>> ByIdQuery = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, Guid id, CancellationToken ct) =>
            db.CheckoutSessions.AsNoTracking().FirstOrDefault(s => s.Id == id)));

    private static readonly CompiledQuery<Func<CheckoutDbContext, Guid, CancellationToken, Task<CheckoutSession?>>> OpenOfCartQuery = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, Guid cartId, CancellationToken ct) =>
            db.CheckoutSessions.AsNoTracking().FirstOrDefault(s => s.CartId == cartId && s.Status == CheckoutSessionStatus.Open)));

    public static Task<CheckoutSession?> ById(CheckoutDbContext db, Guid id, CancellationToken ct) => ByIdQuery.For(db)(db, id, ct);

    /// <summary>The cart's open session, whether or not its hold still runs (at most one: a filtered unique index).</summary>
    public static Task<CheckoutSession?> OpenOfCart(CheckoutDbContext db, Guid cartId, CancellationToken ct) => OpenOfCartQuery.For(db)(db, cartId, ct);
}
