using System.Text.Json;
using Checkout.Data.Common;
using Checkout.Data.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Data.Idempotency;

/// <summary>What a request finds when it presents its key.</summary>
public abstract record KeyClaimOutcome
{
    /// <summary>The request holds the key now (new, or taken over from a request that died): run it.</summary>
    public sealed record Claimed(IdempotencyClaim Claim) : KeyClaimOutcome;

    /// <summary>The key was used before, within its scope; the caller compares the fingerprint and replays or refuses.</summary>
    public sealed record Found(string Fingerprint, StoredReply? Reply, TimeSpan? RunningFor) : KeyClaimOutcome;
}

/// <summary>
/// The Idempotency-Key records, in the shop's database so that every instance shares them and a restart keeps them.
/// A key is claimed by inserting its row (the unique index on scope and key decides a race); the holder stores the
/// reply at the end, or lets the key go when the request failed on the server's side. Its writes are write units: on
/// SQLite they share the one writer's commits with the checkout's own.
/// </summary>
public sealed class IdempotencyStore(
    IDbContextFactory<CheckoutDbContext> dbFactory, WriteUnits units, TimeProvider clock, IOptions<IdempotencyOptions> options)
{
    /// <summary>
    /// Claims the key for <paramref name="request"/>, or says what holds it. <paramref name="isSameRequest"/> compares a
    /// stored fingerprint with the request's (fingerprints are stored protected, so they are not compared as text).
    /// </summary>
    public async Task<KeyClaimOutcome> ClaimAsync(IdempotentRequest request, Func<string, bool> isSameRequest, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var record = new IdempotencyKey(request.Scope, request.Key, request.Fingerprint, now, options.Value.Lease);
        try
        {
            await units.RunAsync(db, async (w, token) => UnitResult.Keep(await w.InsertAsync(record, token)), ct);
            return new KeyClaimOutcome.Claimed(new IdempotencyClaim(record.Id, record.LockToken, Resumed: false));
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // Used before (or by a request running now): what holds it answers below.
        }
        var existing = await db.IdempotencyKeys.AsNoTracking()
            .FirstOrDefaultAsync(k => k.Scope == request.Scope && k.Key == request.Key, ct);
        if (existing is null)
        {
            // Let go (the first request failed) between our insert and this read: the retry claims it afresh.
            return await ClaimAsync(request, isSameRequest, ct);
        }
        if (existing.Status == IdempotencyKeyStatus.Completed)
        {
            var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(existing.ResponseHeaders ?? "{}") ?? [];
            return new KeyClaimOutcome.Found(existing.Fingerprint, new StoredReply(existing.ResponseStatus!.Value, headers, existing.ResponseBody ?? []), null);
        }
        if (existing.LockedUntil > now || !isSameRequest(existing.Fingerprint))
        {
            return new KeyClaimOutcome.Found(existing.Fingerprint, null, existing.LockedUntil - now);
        }
        // The request that held the key died before answering: resume it under the same id, so that what it already
        // created is found again, not made twice.
        var lockToken = Guid.NewGuid();
        var lockedUntil = now + options.Value.Lease;
        var takenOver = await units.RunAsync(db, async (w, token) => UnitResult.Keep(await w.ExpectAsync(
            """UPDATE "idempotency_keys" SET "LockToken" = {3}, "LockedUntil" = {4} WHERE "Id" = {0} AND "Status" = {1} AND "LockToken" = {2}""",
            1, token, Column(nameof(IdempotencyKey.Id), existing.Id), Column(nameof(IdempotencyKey.Status), IdempotencyKeyStatus.Running),
            Column(nameof(IdempotencyKey.LockToken), existing.LockToken), Column(nameof(IdempotencyKey.LockToken), lockToken),
            Column(nameof(IdempotencyKey.LockedUntil), lockedUntil))), ct);
        return takenOver
            ? new KeyClaimOutcome.Claimed(new IdempotencyClaim(existing.Id, lockToken, Resumed: true))
            : await ClaimAsync(request, isSameRequest, ct);
    }

    /// <summary>Stores the reply of the claim's request; false when the claim was lost (the lease ran out and a retry took it).</summary>
    public async Task<bool> CompleteAsync(IdempotencyClaim claim, StoredReply reply, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var headers = JsonSerializer.Serialize(reply.Headers);
        var completedAt = clock.GetUtcNow();
        return await units.RunAsync(db, async (w, token) => UnitResult.Keep(await w.ExpectAsync(
            """
            UPDATE "idempotency_keys"
            SET "Status" = {3}, "ResponseStatus" = {4}, "ResponseHeaders" = {5}, "ResponseBody" = {6}, "CompletedAt" = {7}
            WHERE "Id" = {0} AND "Status" = {1} AND "LockToken" = {2}
            """,
            1, token, Column(nameof(IdempotencyKey.Id), claim.Id), Column(nameof(IdempotencyKey.Status), IdempotencyKeyStatus.Running),
            Column(nameof(IdempotencyKey.LockToken), claim.LockToken), Column(nameof(IdempotencyKey.Status), IdempotencyKeyStatus.Completed),
            Column(nameof(IdempotencyKey.ResponseStatus), reply.Status), Column(nameof(IdempotencyKey.ResponseHeaders), headers),
            Column(nameof(IdempotencyKey.ResponseBody), reply.Body), Column(nameof(IdempotencyKey.CompletedAt), completedAt))), ct);
    }

    /// <summary>Lets the key go without a reply (the server failed): the next request with it runs again.</summary>
    public async Task ReleaseAsync(IdempotencyClaim claim, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await units.RunAsync(db, async (w, token) =>
        {
            await w.WriteAsync(
                """DELETE FROM "idempotency_keys" WHERE "Id" = {0} AND "Status" = {1} AND "LockToken" = {2}""",
                token, Column(nameof(IdempotencyKey.Id), claim.Id), Column(nameof(IdempotencyKey.Status), IdempotencyKeyStatus.Running),
                Column(nameof(IdempotencyKey.LockToken), claim.LockToken));
            return UnitResult.Keep(true);
        }, ct);
    }

    /// <summary>Deletes the keys older than the retention that no request holds; returns how many.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - options.Value.Retention;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.IdempotencyKeys
            .Where(k => k.CreatedAt < cutoff && (k.Status == IdempotencyKeyStatus.Completed || k.LockedUntil < now))
            .ExecuteDeleteAsync(ct);
    }

    private static Statements.Value Column(string property, object? value) => Statements.Value.Of<IdempotencyKey>(property, value);
}

/// <summary>Deletes expired Idempotency-Key records every <see cref="IdempotencyOptions.SweepInterval"/>.</summary>
public sealed partial class IdempotencySweeperService(
    IdempotencyStore store, TimeProvider clock, IOptions<IdempotencyOptions> options, ILogger<IdempotencySweeperService> logger)
    : PeriodicService(clock, options.Value.SweepInterval, logger)
{
    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        var deleted = await store.SweepOnceAsync(ct);
        if (deleted > 0)
        {
            LogDeleted(deleted);
        }
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Count} expired idempotency keys")]
    private partial void LogDeleted(int count);
}
