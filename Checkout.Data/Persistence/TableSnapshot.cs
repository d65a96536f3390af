namespace Checkout.Data.Persistence;

/// <summary>
/// What a small table says, read once and kept in memory, for a rule that every quote asks and admins rarely change
/// (delivery methods, tax rates): a quote then costs no query for it. <see cref="Invalidate"/> (called by the admin's
/// change on its own instance, and on every instance by the change's event) makes the next reader read again; a read
/// that an invalidation overtook is used once but not kept. A change nobody announces (a direct database edit) shows
/// once the copy is <see cref="CheckoutOptions.CatalogMaxAge"/> old.
/// <para>
/// A read runs on the caller's context, whose connection the use case holds anyway: asking the pool for a second one
/// while holding the first could wait forever once a crowd of callers holds them all.
/// </para>
/// </summary>
internal sealed class TableSnapshot<T>(TimeProvider clock, TimeSpan maxAge, Func<CheckoutDbContext, CancellationToken, Task<T>> read)
    where T : class
{
    private Copy? _current;
    private long _version;

    public void Invalidate() => Interlocked.Increment(ref _version);

    /// <summary>The kept copy while it is current; else a fresh read on <paramref name="db"/>, kept unless an invalidation came while it ran.</summary>
    public async ValueTask<T> CurrentAsync(CheckoutDbContext db, CancellationToken ct)
    {
        var version = Interlocked.Read(ref _version);
        if (Volatile.Read(ref _current) is { } current && current.Version == version && clock.GetElapsedTime(current.ReadAt) < maxAge)
        {
            return current.Value;
        }
        var readAt = clock.GetTimestamp();
        var value = await read(db, ct);
        Volatile.Write(ref _current, new Copy(value, version, readAt));
        return value;
    }

    /// <param name="Version">The invalidations counted before it was read: it is current while no other came since.</param>
    private sealed record Copy(T Value, long Version, long ReadAt);
}
