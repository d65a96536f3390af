namespace Checkout.Data.Idempotency;

public enum IdempotencyKeyStatus
{
    /// <summary>A request holds the key (until <see cref="IdempotencyKey.LockedUntil"/>); a retry meanwhile is refused.</summary>
    Running,

    /// <summary>The first reply is stored and is what every retry gets.</summary>
    Completed,
}

/// <summary>
/// One client's Idempotency-Key on one route and resource: who holds it, what the first request was (its fingerprint)
/// and, once answered, the reply to replay. Kept for <see cref="IdempotencyOptions.Retention"/>.
/// </summary>
public sealed class IdempotencyKey
{
    private IdempotencyKey()
    {
    }

    internal IdempotencyKey(string scope, string key, string fingerprint, DateTimeOffset now, TimeSpan lease)
    {
        Id = Guid.CreateVersion7(now);
        Scope = scope;
        Key = key;
        Fingerprint = fingerprint;
        Status = IdempotencyKeyStatus.Running;
        CreatedAt = now;
        LockToken = Guid.NewGuid();
        LockedUntil = now + lease;
    }

    /// <summary>Also the id of what the request creates (a cart, a checkout), so a resumed request finds it instead of making another.</summary>
    public Guid Id { get; private set; }

    /// <summary>The route template, the resource ids in the path and, on admin routes, the admin: where the key is unique.</summary>
    public string Scope { get; private set; } = "";
    public string Key { get; private set; } = "";

    /// <summary>What identifies the first request (method, path, body), protected: a reuse with another request is refused.</summary>
    public string Fingerprint { get; private set; } = "";
    public IdempotencyKeyStatus Status { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Changes whenever a request takes the key, so only the holder can store a reply or let it go.</summary>
    public Guid LockToken { get; private set; }
    public DateTimeOffset LockedUntil { get; private set; }
    public int? ResponseStatus { get; private set; }

    /// <summary>The reply's replayed headers (Content-Type, Location), as JSON.</summary>
    public string? ResponseHeaders { get; private set; }
    public byte[]? ResponseBody { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
}

/// <summary>Where the Idempotency-Key is unique and what the request that uses it is.</summary>
public sealed record IdempotentRequest(string Scope, string Key, string Fingerprint);

/// <summary>A request's hold on its key: <see cref="Id"/> names what it creates; <see cref="LockToken"/> proves the hold.</summary>
public sealed record IdempotencyClaim(Guid Id, Guid LockToken, bool Resumed);

/// <summary>A stored reply: status, the replayed headers and the body, byte for byte.</summary>
public sealed record StoredReply(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);

public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a key and its reply are kept; a retry within it gets the first reply.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a request holds its key; a request that died holding it is resumed by a retry after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often keys older than <see cref="Retention"/> are deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);
}
