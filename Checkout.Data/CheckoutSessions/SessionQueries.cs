using Checkout.Data.Carts;
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

    /// <summary>A cart and its open session, if it has one, with both their lines: what a start decides on first.</summary>
    internal sealed record CartAndOpenSession(Cart Cart, CheckoutSession? Open);

    // At most one open session per cart (a filtered unique index): the join adds no cart row.
    private static readonly CompiledQuery<Func<CheckoutDbContext, Guid, CancellationToken, Task<CartAndOpenSession?>>> CartWithOpenQuery = new(() =>
        EF.CompileAsyncQuery((CheckoutDbContext db, Guid cartId, CancellationToken ct) =>
            (from c in db.Carts.AsNoTracking()
             where c.Id == cartId
             from s in db.CheckoutSessions.AsNoTracking().Where(s => s.CartId == c.Id && s.Status == CheckoutSessionStatus.Open).DefaultIfEmpty()
             select new CartAndOpenSession(c, s)).FirstOrDefault()));

    /// <summary>The cart with its open session (whether or not its hold still runs) in one read; null when there is no such cart.</summary>
    public static Task<CartAndOpenSession?> CartWithOpen(CheckoutDbContext db, Guid cartId, CancellationToken ct) => CartWithOpenQuery.For(db)(db, cartId, ct);

    public static Task<CheckoutSession?> ById(CheckoutDbContext db, Guid id, CancellationToken ct) => ByIdQuery.For(db)(db, id, ct);

    /// <summary>The cart's open session, whether or not its hold still runs (at most one: a filtered unique index).</summary>
    public static Task<CheckoutSession?> OpenOfCart(CheckoutDbContext db, Guid cartId, CancellationToken ct) => OpenOfCartQuery.For(db)(db, cartId, ct);
}
