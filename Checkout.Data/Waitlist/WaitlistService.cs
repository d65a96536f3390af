using Checkout.Data.Audit;
using Checkout.Data.Common;
using Checkout.Data.Inventory;
using Checkout.Data.Persistence;
using Checkout.Data.Realtime;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Data.Waitlist;

public sealed record WaitlistView(Guid EntryId, string Sku, WaitlistStatus Status, int Position, DateTimeOffset? OfferExpiresAt);

/// <summary>
/// An entry with the email it was joined with: for its owner only (the offer's e-mail, the page its claim link opens),
/// since a claim starts checkout under that email and no other.
/// </summary>
public sealed record WaitlistEntryDetails(WaitlistView Entry, string Email)
{
    /// <summary>Offered and inside its claim window at <paramref name="now"/> (the sweeper may not have expired a lapsed offer yet).</summary>
    public bool IsOpenOfferAt(DateTimeOffset now) => Entry is { Status: WaitlistStatus.Offered, OfferExpiresAt: { } closes } && closes > now;
}

/// <summary>
/// The first-in-first-out waitlist of a SKU whose every unit is held. Freed units are offered here before they go
/// back on sale (see <see cref="IWaitingDemand"/>); an offer is claimed by starting checkout with
/// the entry id.
/// </summary>
public sealed class WaitlistService(
    IDbContextFactory<CheckoutDbContext> dbFactory, TimeProvider clock, CheckoutEvents events, IWaitingDemand waiting)
{
    /// <summary>Joins the line for one unit. Only while the SKU is all held (0 available, some reserved); joining twice returns the same entry.</summary>
    public async Task<Result<WaitlistView>> JoinAsync(string sku, string email, CancellationToken ct = default)
    {
        if ((InputRules.Sku(sku) ?? InputRules.Email(email)) is { } invalid)
        {
            return invalid;
        }
        email = InputRules.NormalizeEmail(email);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stock = await db.Inventory.AsNoTracking().FirstOrDefaultAsync(i => i.Sku == sku, ct);
        if (stock is null)
        {
            return Error.NotFound($"The product {sku}");
        }
        if (await CurrentAsync(db, sku, email, ct) is { } existing)
        {
            return await ViewAsync(db, existing, ct);
        }
        if (stock.Quantity > 0)
        {
            return new Error(ErrorCodes.Conflict, "This item is in stock: add it to your cart instead.");
        }
        if (stock.Reserved == 0)
        {
            return new Error(ErrorCodes.Conflict, "This item is sold out and nobody is holding any: there is nothing to wait for.");
        }
        var entry = new WaitlistEntry(sku, email, clock.GetUtcNow());
        db.WaitlistEntries.Add(entry);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            entry = (await CurrentAsync(db, sku, email, ct))!;
        }
        return await ViewAsync(db, entry, ct);
    }

    public async Task<Result<WaitlistView>> GetAsync(Guid entryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = await db.WaitlistEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct);
        return entry is null ? Error.NotFound("The waitlist entry") : await ViewAsync(db, entry, ct);
    }

    /// <summary>The entry with the email it was joined with; only for a caller that has proved it is the entry's owner (a claim link's key).</summary>
    public async Task<Result<WaitlistEntryDetails>> GetWithEmailAsync(Guid entryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entry = await db.WaitlistEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entryId, ct);
        return entry is null ? Error.NotFound("The waitlist entry") : new WaitlistEntryDetails(await ViewAsync(db, entry, ct), entry.Email);
    }

    /// <summary>Leaves the line; an open offer passes to the next shopper at once. Idempotent.</summary>
    public Task<Result<WaitlistView>> LeaveAsync(Guid entryId, CancellationToken ct = default) => LeaveAsync(entryId, releasedBy: null, ct);

    /// <summary>
    /// An admin takes the entry out of line, releasing its offer's hold: as if its shopper left, recorded in the audit log
    /// (<c>hold.released</c>) in the same transaction; an entry already out of line is left as it is, with no entry.
    /// </summary>
    public async Task<Result<WaitlistView>> ReleaseOfferAsync(Guid entryId, string actor, CancellationToken ct = default) =>
        AuditLog.CheckActor(actor) is { } invalid ? invalid : await LeaveAsync(entryId, actor, ct);

    private async Task<Result<WaitlistView>> LeaveAsync(Guid entryId, string? releasedBy, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var now = clock.GetUtcNow();
            if (await WaitlistLedger.LeaveAsync(db, entryId, now, waiting, ct) && releasedBy is not null)
            {
                AuditLog.Record(db, releasedBy, "hold.released", AuditSubject.WaitlistEntry(entryId), before: null, new { Status = WaitlistStatus.Cancelled }, now);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        await events.PublishRaisedAsync(db);
        return await GetAsync(entryId, ct);
    }

    private static Task<WaitlistEntry?> CurrentAsync(CheckoutDbContext db, string sku, string email, CancellationToken ct) =>
        db.WaitlistEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Sku == sku && e.Email == email && (e.Status == WaitlistStatus.Waiting || e.Status == WaitlistStatus.Offered), ct);

    private static async Task<WaitlistView> ViewAsync(CheckoutDbContext db, WaitlistEntry entry, CancellationToken ct)
    {
        var ahead = entry.Status == WaitlistStatus.Waiting
            ? await db.WaitlistEntries.CountAsync(e => e.Sku == entry.Sku && e.Status == WaitlistStatus.Waiting && e.CreatedAt < entry.CreatedAt, ct)
            : 0;
        return new WaitlistView(entry.Id, entry.Sku, entry.Status, entry.Status == WaitlistStatus.Waiting ? ahead + 1 : 0, entry.OfferExpiresAt);
    }
}
